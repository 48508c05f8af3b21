//! `/console/accesso-dati`: HR and administrators produce a person's
//! subject access file (GDPR art. 15) by codice fiscale, to read and
//! print, or as the JSON document (`.json`). Each production is recorded
//! in the audit log by the use case. Anyone else finds no page. On the
//! person's page HR also rectifies each application's contact data
//! (GDPR art. 16) with `RectifyContact`; administrators only read.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::ids::ApplicationId;
use domain::selection::application::ContactRectification;
use domain::selection::CodiceFiscale;
use openapi::dto::SubjectAccessFile;
use openapi::ProblemType;
use serde::Deserialize;
use serde_json::Value;

use super::{hr_officer, staff, Frame, Section};
use crate::app::selection::RectifyContact;
use crate::app::subjects::ProduceAccessFile;
use crate::app::UseCase;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::access_file::{json_download, AccessFilePage, ContactForm};
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Visit};

const PATH: &str = "/console/accesso-dati";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/accesso-dati", web::get().to(show))
        .route("/accesso-dati.json", web::get().to(download))
        .route("/accesso-dati/recapiti/{id}", web::post().to(rectify));
}

#[derive(Deserialize, Default)]
struct Lookup {
    #[serde(default)]
    codice_fiscale: String,
    /// The application whose contact data were just rectified.
    #[serde(default)]
    rettifica: String,
    /// The fields that rectification changed (`email`, `telefono`),
    /// comma-separated; empty when it changed nothing.
    #[serde(default)]
    campi: String,
}

fn lookup(req: &HttpRequest) -> Lookup {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

async fn producer(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match ProduceAccessFile::ROLES.contains(&caller.role) {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

#[derive(Template)]
#[template(path = "console/access_file_form.html")]
struct FormPage<'a> {
    page: &'a Visit,
    frame: Frame,
    codice_fiscale: String,
    errors: FieldErrors,
    /// Whether a well-formed code names nobody the service knows.
    unknown: bool,
}

/// The form; with a codice fiscale, the person's file as a page.
async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match producer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let typed = lookup(&req).codice_fiscale.trim().to_owned();
    let form = |visit: &Visit, errors: FieldErrors, unknown: bool, status| {
        visit.render(
            status,
            &FormPage {
                page: visit,
                frame: Frame::of(Section::Audit, &caller),
                codice_fiscale: typed.clone(),
                errors,
                unknown,
            },
        )
    };
    if typed.is_empty() {
        return form(&visit, FieldErrors::default(), false, StatusCode::OK);
    }
    let codice = match CodiceFiscale::parse("codice_fiscale", &typed) {
        Ok(c) => c,
        Err(_) => {
            let errors = FieldErrors::default().with(
                "codice_fiscale",
                visit.t(
                    "Indica un codice fiscale valido: 16 caratteri, con il carattere di controllo giusto.",
                    "Give a valid codice fiscale: 16 characters, with the right check character.",
                ),
            );
            return form(&visit, errors, false, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    match person_page(&visit, &caller, codice, &lookup(&req), None, StatusCode::OK).await {
        Ok(page) => page,
        Err(ApiError::NotFound { .. }) => {
            form(&visit, FieldErrors::default(), true, StatusCode::NOT_FOUND)
        }
        Err(e) => visit.console_error(&e),
    }
}

/// A rectification refused, shown again on its form.
struct Refused {
    application_id: String,
    email: String,
    phone: String,
    errors: FieldErrors,
}

/// The person's file as a page, with HR's rectification forms; the done
/// message of `shown`, and the `refused` form's values and errors.
async fn person_page(
    visit: &Visit,
    caller: &Caller,
    codice: CodiceFiscale,
    shown: &Lookup,
    refused: Option<Refused>,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let case = ProduceAccessFile {
        codice: codice.clone(),
    };
    let file = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let json_href = format!("{PATH}.json?codice_fiscale={}", codice.as_str());
    let back = (
        PATH.to_owned(),
        visit
            .t("Cerca un'altra persona", "Look up another person")
            .to_owned(),
    );
    let mut page = AccessFilePage::of(visit, &file, json_href, back);
    // The rectification is HR's alone: administrators read without it.
    if RectifyContact::ROLES.contains(&caller.role) {
        page.contacts = contact_forms(&file);
    }
    page.done = done_words(visit, &page.contacts, shown);
    if let Some(r) = refused {
        if let Some(c) = page
            .contacts
            .iter_mut()
            .find(|c| c.application_id == r.application_id)
        {
            c.email = r.email;
            c.phone = r.phone;
            c.errors = r.errors;
        }
    }
    Ok(visit.render(status, &page))
}

/// A form for each of the file's applications, with its current contact
/// data; none for an erased person's, whose identity the service no
/// longer holds.
fn contact_forms(file: &SubjectAccessFile) -> Vec<ContactForm> {
    file.sections
        .iter()
        .filter(|s| s.key == "applications")
        .flat_map(|s| s.records.iter())
        .filter_map(|r| {
            let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
            let email = text("email")?;
            if domain::retention::is_erased_email(&email) {
                return None;
            }
            Some(ContactForm {
                application_id: text("id")?,
                application_no: text("application_no").unwrap_or_default(),
                email,
                phone: text("phone").unwrap_or_default(),
                key: uuid::Uuid::new_v4().to_string(),
                errors: FieldErrors::default(),
            })
        })
        .collect()
}

/// What the rectification the address names changed, in words; nothing
/// unless it names one of the page's applications.
fn done_words(visit: &Visit, contacts: &[ContactForm], shown: &Lookup) -> String {
    let Some(form) = contacts
        .iter()
        .find(|c| c.application_id == shown.rettifica)
    else {
        return String::new();
    };
    let fields: Vec<&str> = shown
        .campi
        .split(',')
        .filter_map(|f| match f {
            "email" => Some(visit.t("email", "email")),
            "telefono" => Some(visit.t("telefono", "phone")),
            _ => None,
        })
        .collect();
    let application = visit.t("Domanda", "Application");
    match fields.is_empty() {
        true => format!(
            "{application} {}: {}",
            form.application_no,
            visit.t(
                "nessuna modifica, i recapiti erano già questi.",
                "no change, the contact data were already these.",
            )
        ),
        false => format!(
            "{application} {}: {} {}.",
            form.application_no,
            visit.t("recapiti rettificati:", "contact data rectified:"),
            fields.join(", ")
        ),
    }
}

#[derive(Deserialize)]
struct ContactPosted {
    csrf: String,
    #[serde(default)]
    chiave: String,
    /// The person whose page holds the form, to show it again.
    #[serde(default)]
    codice_fiscale: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    telefono: String,
}

/// The form's name of a field of the rectification.
fn form_field(field: &str) -> &str {
    match field {
        "phone" => "telefono",
        other => other,
    }
}

/// HR rectifies an application's contact data from the person's page: a
/// blank phone removes the number. Refused input shows the page again with
/// the error on the form and changes nothing; the form sent twice
/// rectifies once.
async fn rectify(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<ContactPosted>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Ok(codice) = CodiceFiscale::parse("codice_fiscale", &posted.codice_fiscale) else {
        return visit.not_found();
    };
    let id = id.into_inner();
    let change = match ContactRectification::parse(Some(&posted.email), Some(&posted.telefono)) {
        Ok(c) => c,
        Err(v) => {
            let errors = v.0.iter().fold(FieldErrors::default(), |acc, x| {
                let words = crate::i18n::violation_message(x, visit.lang);
                acc.with(form_field(&x.field), &words)
            });
            let refused = Refused {
                application_id: id,
                email: posted.email.clone(),
                phone: posted.telefono.clone(),
                errors,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let shown = Lookup::default();
            return person_page(&visit, &caller, codice, &shown, Some(refused), status)
                .await
                .unwrap_or_else(|e| visit.console_error(&e));
        }
    };
    let already = format!("{PATH}?codice_fiscale={}", codice.as_str());
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let claim =
        match super::claim_form_key(&visit, &caller, &posted.chiave, fingerprint, &already).await {
            Ok(c) => c,
            Err(answer) => return answer,
        };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = RectifyContact {
        id: ApplicationId::from_stored(id),
        change,
    };
    match visit.state.use_cases.run(act, case).await {
        Ok(done) => {
            let fields: Vec<&str> = done.changed.iter().map(|f| form_field(f)).collect();
            let a = &done.application;
            let location = format!(
                "{PATH}?codice_fiscale={}&rettifica={}&campi={}",
                a.codice_fiscale,
                a.id,
                fields.join(",")
            );
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&already),
        Err(e) => visit.console_error(&e),
    }
}

/// The JSON document, as a file.
async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match producer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Ok(codice) = CodiceFiscale::parse("codice_fiscale", &lookup(&req).codice_fiscale) else {
        return visit.see_other(PATH);
    };
    match visit
        .state
        .use_cases
        .run(visit.act_as(&caller), ProduceAccessFile { codice })
        .await
    {
        Ok(file) => json_download(&visit, &file),
        Err(e) => visit.console_error(&e),
    }
}
