//! The subject access file as a person reads it: a printable page with the
//! same sections as the JSON document, headed in Italian (English when the
//! page is), each record as its fields and values. Shown by the console to
//! HR and administrators and by the tablet app to the Navigator; both
//! offer the JSON document too.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;
use chrono::SecondsFormat;
use chrono_tz::Europe::Rome;
use openapi::dto::SubjectAccessFile;
use serde_json::Value;

use super::{FieldErrors, Visit};

/// A section as the page shows it.
pub struct ShownSection {
    pub key: String,
    pub title: String,
    pub records: Vec<Vec<(String, String)>>,
}

/// A value in words: text as it is, nothing as a dash, anything nested as
/// compact JSON.
fn words(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "sì".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        other => other.to_string(),
    }
}

fn fields(record: &Value) -> Vec<(String, String)> {
    match record {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), words(v))).collect(),
        other => vec![(String::new(), words(other))],
    }
}

/// The file's sections, headed in the page's language.
pub fn sections(visit: &Visit, file: &SubjectAccessFile) -> Vec<ShownSection> {
    file.sections
        .iter()
        .map(|s| ShownSection {
            key: s.key.clone(),
            title: visit.t(&s.title_it, &s.title_en).to_owned(),
            records: s.records.iter().map(fields).collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "access_file.html")]
pub struct AccessFilePage<'a> {
    pub page: &'a Visit,
    pub codice_fiscale: String,
    /// Italian time.
    pub produced_at: String,
    pub sections: Vec<ShownSection>,
    /// What is left out and why, in the page's language.
    pub left_out: Vec<(String, String)>,
    /// Where the JSON document is.
    pub json_href: String,
    /// Where to go back to, and its words.
    pub back: (String, String),
    /// The forms rectifying each application's contact data: the
    /// console's, for HR; none elsewhere.
    pub contacts: Vec<ContactForm>,
    /// What was just done, in the page's language; empty when nothing.
    pub done: String,
}

/// The form rectifying one application's contact data (GDPR art. 16),
/// with the current values or those refused.
pub struct ContactForm {
    pub application_id: String,
    pub application_no: String,
    pub email: String,
    /// Empty when the application has no phone number.
    pub phone: String,
    /// The form's own key: sent twice, it rectifies once.
    pub key: String,
    pub errors: FieldErrors,
}

impl<'a> AccessFilePage<'a> {
    pub fn of(
        visit: &'a Visit,
        file: &SubjectAccessFile,
        json_href: String,
        back: (String, String),
    ) -> Self {
        Self {
            page: visit,
            codice_fiscale: file.codice_fiscale.clone(),
            produced_at: file
                .produced_at
                .with_timezone(&Rome)
                .format("%d/%m/%Y %H:%M")
                .to_string(),
            sections: sections(visit, file),
            left_out: file
                .left_out
                .iter()
                .map(|l| {
                    (
                        visit.t(&l.what_it, &l.what_en).to_owned(),
                        visit.t(&l.why_it, &l.why_en).to_owned(),
                    )
                })
                .collect(),
            json_href,
            back,
            contacts: Vec::new(),
            done: String::new(),
        }
    }
}

/// The JSON document as a file to keep.
pub fn json_download(visit: &Visit, file: &SubjectAccessFile) -> HttpResponse {
    let name = format!(
        "accesso-dati-{}-{}.json",
        file.codice_fiscale,
        file.produced_at
            .to_rfc3339_opts(SecondsFormat::Secs, true)
            .replace(':', "")
    );
    match serde_json::to_string_pretty(file) {
        Ok(body) => visit
            .answer(StatusCode::OK)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ))
            .content_type("application/json")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "a subject access file could not be written");
            visit.failure()
        }
    }
}
