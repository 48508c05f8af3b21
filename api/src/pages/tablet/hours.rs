//! `/app/ore`: on-the-job hours (DOMAIN.md §8.3) logged from the tablet
//! with the same use case as `POST /me/ojt-logs`, and the list of one's
//! logs with their status. Each entry carries a `client_id`, made by the
//! page for a form sent without script and by `app.js` for entries kept
//! on the device while offline: the same id sent again answers the first
//! log and never makes a second one. A refusal is shown in words next to
//! the field it concerns.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::training::ojt::LogRefusal;
use openapi::ProblemType;
use persistence::ojt::OjtLogRow;
use serde::Deserialize;
use serde_json::json;

use super::{from_script, json_answer, navigator, Frame, Section};
use crate::app::training::{LogHours, LogRequest, Logged, OwnLogs};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::RequestMeta;
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Visit};

/// How many of one's logs the page lists, newest day first.
const LISTED: i64 = 60;

/// A log as the list shows it.
pub struct Line {
    pub day: String,
    pub hours: String,
    pub activity: String,
    pub cpi: String,
    pub status: &'static str,
    pub status_words: String,
    pub reason: String,
}

/// What the form holds: as typed, so that a refused entry comes back as
/// it was.
#[derive(Debug, Default, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) client_id: String,
    #[serde(default)]
    pub(super) day: String,
    #[serde(default)]
    pub(super) hours: String,
    #[serde(default)]
    pub(super) activity: String,
}

#[derive(Template)]
#[template(path = "app/hours.html")]
struct HoursPage<'a> {
    page: &'a Visit,
    frame: Frame,
    entry: &'a Entry,
    errors: FieldErrors,
    lines: Vec<Line>,
    /// The most hours one day may hold.
    max_day: u32,
    /// After a post: `created` or `replayed`.
    logged: &'a str,
}

impl HoursPage<'_> {
    /// A refusal of the whole entry, not of one field.
    fn entry_refused(&self) -> &str {
        self.errors.get("client_id")
    }
}

fn line(visit: &Visit, row: &OjtLogRow) -> Line {
    let status_words = match row.status.as_str() {
        "validated" => visit.t("convalidate", "validated"),
        "rejected" => visit.t("respinte", "rejected"),
        _ => visit.t("in attesa di convalida", "awaiting validation"),
    };
    let status = match row.status.as_str() {
        "validated" => "validated",
        "rejected" => "rejected",
        _ => "pending",
    };
    Line {
        day: visit.day(&row.day),
        hours: crate::i18n::hours(row.minutes, visit.lang),
        activity: row.activity.clone(),
        cpi: row.cpi_code.clone().unwrap_or_default(),
        status,
        status_words: status_words.to_owned(),
        reason: row.reason.clone().unwrap_or_default(),
    }
}

impl Entry {
    /// An empty entry for `day`, with no id: `app.js` makes one.
    pub fn blank(day: String) -> Self {
        Self {
            day,
            ..Self::default()
        }
    }
}

/// A new entry's id: unique per Navigator, as the use case asks.
fn new_client_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn page(
    visit: &Visit,
    caller: &Caller,
    meta: &RequestMeta,
    entry: &Entry,
    errors: FieldErrors,
    logged: &str,
    status: StatusCode,
) -> HttpResponse {
    let listed = OwnLogs {
        after: None,
        limit: LISTED,
    };
    let rows = match visit.state.run(caller, meta, listed).await {
        Ok(rows) => rows,
        Err(e) => return visit.error_page(&e),
    };
    visit.render(
        status,
        &HoursPage {
            page: visit,
            frame: Frame::of(Section::Hours, caller),
            entry,
            errors,
            lines: rows.iter().map(|r| line(visit, r)).collect(),
            max_day: visit.state.settings.ojt_max_day_hours,
            logged,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    registrato: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let entry = Entry {
        client_id: new_client_id(),
        day: visit.state.today().format("%Y-%m-%d").to_string(),
        ..Entry::default()
    };
    let logged = match query.registrato.as_deref() {
        Some("created") => "created",
        Some("replayed") => "replayed",
        _ => "",
    };
    page(
        &visit,
        &caller,
        &meta,
        &entry,
        FieldErrors::default(),
        logged,
        StatusCode::OK,
    )
    .await
}

/// The field a refusal of §8.3 concerns: the day's total the hours, every
/// other rule the day.
fn refused_field(refusal: &LogRefusal) -> &'static str {
    match refusal {
        LogRefusal::DailyHoursExceeded { .. } => "hours",
        LogRefusal::DayInFuture
        | LogRefusal::OutsideActiveContract
        | LogRefusal::NoConventionInForce
        | LogRefusal::BeforeOperationalStart { .. }
        | LogRefusal::NoCpiAssignment
        | LogRefusal::NotAssignedCpi { .. } => "day",
    }
}

/// The day and hours as typed, or what is wrong with them in words.
fn read_entry(visit: &Visit, entry: &Entry) -> Result<(NaiveDate, f64), FieldErrors> {
    let mut errors = FieldErrors::default();
    let day = NaiveDate::parse_from_str(entry.day.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors = errors.with(
            "day",
            visit.t(
                "Indica il giorno (aaaa-mm-gg).",
                "Give the day (yyyy-mm-dd).",
            ),
        );
    }
    let hours = entry
        .hours
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite());
    if hours.is_none() {
        errors = errors.with(
            "hours",
            visit.t(
                "Indica le ore, in quarti d'ora (per esempio 2,5).",
                "Give the hours, in quarter hours (for example 2.5).",
            ),
        );
    }
    match (day, hours) {
        (Some(day), Some(hours)) => Ok((day, hours)),
        _ => Err(errors),
    }
}

/// Why a log was refused, by field; `None` for an error that is not a
/// refusal of the entry (the page for it then says what happened).
fn refusal(visit: &Visit, err: &ApiError) -> Option<FieldErrors> {
    match err {
        ApiError::OjtLog(r) => Some(FieldErrors::one(
            refused_field(r),
            &crate::i18n::detail(err, visit.lang),
        )),
        ApiError::Conflict {
            code: ProblemType::ClientIdReused,
            ..
        } => Some(FieldErrors::one(
            "client_id",
            visit.t(
                "Questa registrazione era già stata inviata con dati diversi: controlla l'elenco e, se serve, inviala di nuovo.",
                "This entry had already been sent with different data: check the list and send it again if needed.",
            ),
        )),
        _ => FieldErrors::of(err, visit.lang),
    }
}

fn errors_json(errors: &FieldErrors) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = errors
        .iter()
        .map(|(f, m)| (f.to_owned(), json!(m)))
        .collect();
    json!({ "errors": map })
}

pub async fn log(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let script = from_script(&req);
    let Some(mut entry) = read_form::<Entry>(&body) else {
        return forged(&visit, script);
    };
    if visit.forged(&entry.csrf) {
        return forged(&visit, script);
    }
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let refused = Refused {
        visit: &visit,
        caller: &caller,
        meta: &meta,
        script,
    };
    let (day, hours) = match read_entry(&visit, &entry) {
        Ok(typed) => typed,
        Err(errors) => {
            return refused
                .answer(&entry, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let request = LogRequest {
        client_id: entry.client_id.clone(),
        day,
        hours,
        activity: entry.activity.clone(),
        cpi_code: None,
    };
    let case = match LogHours::new(request, visit.state.settings.ojt_max_day_hours) {
        Ok(case) => case,
        Err(v) => {
            let errors = FieldErrors::of(&ApiError::Validation(v), visit.lang).unwrap_or_default();
            return refused
                .answer(&entry, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let (outcome, row) = match visit.state.run(&caller, &meta, case).await {
        Ok(Logged::Created(row)) => ("created", row),
        Ok(Logged::Replayed(row)) => ("replayed", row),
        Err(e) => {
            let Some(errors) = refusal(&visit, &e) else {
                return match script {
                    true => json_answer(&visit, e.status(), &json!({ "error": "not-logged" })),
                    false => visit.error_page(&e),
                };
            };
            let status = match e {
                ApiError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            if errors.has("client_id") {
                // The id is spent: the form offers a new one.
                entry.client_id = new_client_id();
            }
            return refused.answer(&entry, errors, status).await;
        }
    };
    if script {
        let status = match outcome {
            "created" => StatusCode::CREATED,
            _ => StatusCode::OK,
        };
        return json_answer(
            &visit,
            status,
            &json!({
                "outcome": outcome,
                "log": {
                    "client_id": row.client_id,
                    "day": row.day,
                    "hours": crate::i18n::hours(row.minutes, visit.lang),
                    "status": row.status,
                },
            }),
        );
    }
    visit.see_other(&format!("/app/ore?registrato={outcome}"))
}

/// The answer to a refused entry: the form again with the refusals next
/// to their fields, or for `app.js` the refusals as JSON.
struct Refused<'a> {
    visit: &'a Visit,
    caller: &'a Caller,
    meta: &'a RequestMeta,
    script: bool,
}

impl Refused<'_> {
    async fn answer(&self, entry: &Entry, errors: FieldErrors, status: StatusCode) -> HttpResponse {
        match self.script {
            true => json_answer(self.visit, status, &errors_json(&errors)),
            false => {
                page(
                    self.visit,
                    self.caller,
                    self.meta,
                    entry,
                    errors,
                    "",
                    status,
                )
                .await
            }
        }
    }
}

fn forged(visit: &Visit, script: bool) -> HttpResponse {
    match script {
        true => json_answer(visit, StatusCode::FORBIDDEN, &json!({ "error": "csrf" })),
        false => visit.forged_page(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_total_is_shown_by_the_hours_and_every_other_rule_by_the_day() {
        let day = NaiveDate::from_ymd_opt(2019, 7, 17).unwrap_or_default();
        assert_eq!(
            refused_field(&LogRefusal::DailyHoursExceeded {
                max_minutes: 480,
                already_minutes: 360
            }),
            "hours"
        );
        for refusal in [
            LogRefusal::DayInFuture,
            LogRefusal::OutsideActiveContract,
            LogRefusal::NoConventionInForce,
            LogRefusal::BeforeOperationalStart {
                operational_start: day,
            },
            LogRefusal::NoCpiAssignment,
            LogRefusal::NotAssignedCpi { assigned: None },
        ] {
            assert_eq!(refused_field(&refusal), "day", "{refusal:?}");
        }
    }
}
