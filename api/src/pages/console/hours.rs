//! On-the-job hours waiting for the coordinator: their Region's pending
//! logs, validated in bulk, or rejected in bulk with one reason (all the
//! chosen logs, or none).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::ids::{NavigatorId, OjtLogId};
use domain::training::ojt::LogStatus;
use persistence::ojt::LogFilter;
use serde::Deserialize;

use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::navigators::ReadNavigator;
use crate::app::training::{ListLogs, RejectLogs, ValidateLogs};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::pages::session::SignedIn;
use crate::pages::tablet::hours_text;
use crate::pages::{FieldErrors, Visit};

/// A pending log as a row of the table.
pub struct Row {
    pub id: String,
    pub navigator: String,
    pub navigator_id: String,
    pub day: String,
    pub hours: String,
    pub activity: String,
    pub cpi: String,
}

#[derive(Template)]
#[template(path = "console/hours.html")]
struct HoursPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
    chosen: Vec<String>,
    reason: String,
    errors: FieldErrors,
    /// What the last decision did, in words.
    done: String,
}

impl HoursPage<'_> {
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|c| c == id)
    }
}

struct Form {
    chosen: Vec<String>,
    reason: String,
    errors: FieldErrors,
    done: String,
}

/// A page of the Region's pending logs after `cursor`, each with its
/// Navigator's name, and the next page's cursor.
async fn rows(
    visit: &Visit,
    caller: &Caller,
    cursor: Option<String>,
    limit: i64,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let case = ListLogs {
        region: None,
        filter: LogFilter {
            status: Some(LogStatus::Pending.as_str().to_owned()),
            after_id: cursor,
            limit,
            ..LogFilter::default()
        },
    };
    let logs = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let mut names: HashMap<String, String> = HashMap::new();
    for log in &logs.items {
        if names.contains_key(&log.navigator_id) {
            continue;
        }
        let read = ReadNavigator {
            id: NavigatorId::from_stored(log.navigator_id.clone()),
        };
        let r = visit
            .state
            .use_cases
            .run(visit.act_as(caller), read)
            .await?;
        let name = format!("{} {}", r.navigator.last_name, r.navigator.first_name);
        names.insert(log.navigator_id.clone(), name);
    }
    let rows = logs
        .items
        .iter()
        .map(|l| Row {
            id: l.id.clone(),
            navigator: names.get(&l.navigator_id).cloned().unwrap_or_default(),
            navigator_id: l.navigator_id.clone(),
            day: visit.day(&l.day),
            hours: hours_text(l.minutes as f64 / 60.0, visit),
            activity: l.activity.clone(),
            cpi: l.cpi_code.clone().unwrap_or_default(),
        })
        .collect();
    Ok((rows, logs.next_cursor))
}

async fn page(visit: &Visit, caller: &Caller, form: Form, status: StatusCode) -> HttpResponse {
    let listing = Listing::of(visit, "/console/ore", &[]);
    let (rows, next_cursor) = match rows(visit, caller, listing.cursor.clone(), PAGE_ROWS).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&next_cursor);
    let shown = HoursPage {
        page: visit,
        frame: Frame::of(Section::Hours, caller),
        listing,
        rows,
        next,
        chosen: form.chosen,
        reason: form.reason,
        errors: form.errors,
        done: form.done,
    };
    visit.render(status, &shown)
}

/// Every pending log of the Region, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let all = match every_row(|after| rows(&visit, &caller, after, DOWNLOAD_BATCH)).await {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let header = [
        "log_id",
        "navigator_id",
        visit.t("navigator", "navigator"),
        visit.t("giorno", "day"),
        visit.t("ore", "hours"),
        visit.t("attività", "activity"),
        "cpi",
    ];
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| {
            vec![
                r.id,
                r.navigator_id,
                r.navigator,
                r.day,
                r.hours,
                r.activity,
                r.cpi,
            ]
        })
        .collect();
    csv_answer(&visit, "ore-da-convalidare.csv", &header, &lines)
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    convalidate: Option<usize>,
    #[serde(default)]
    rifiutate: Option<usize>,
}

pub async fn list(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = match (query.convalidate, query.rifiutate) {
        (Some(n), _) => format!(
            "{} {n}",
            visit.t("Registrazioni convalidate:", "Entries validated:")
        ),
        (_, Some(n)) => format!(
            "{} {n}",
            visit.t("Registrazioni rifiutate:", "Entries rejected:")
        ),
        _ => String::new(),
    };
    let form = Form {
        chosen: Vec::new(),
        reason: String::new(),
        errors: FieldErrors::default(),
        done,
    };
    page(&visit, &caller, form, StatusCode::OK).await
}

/// Validates the chosen logs, or rejects them with the reason given.
pub async fn decide(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    // The chosen logs repeat one field: read as pairs.
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if visit.forged(&field("csrf")) {
        return visit.forged_page();
    }
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let chosen: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.clone())
        .collect();
    let reason = field("motivo");
    let ids: Vec<OjtLogId> = chosen.iter().cloned().map(OjtLogId::from_stored).collect();
    let rejecting = field("decisione") == "rifiuta";
    let refused = |errors: FieldErrors| Form {
        chosen: chosen.clone(),
        reason: reason.clone(),
        errors,
        done: String::new(),
    };
    let outcome = match rejecting {
        false => match ValidateLogs::new(ids) {
            Ok(case) => visit.state.use_cases.run(visit.act_as(&caller), case).await,
            Err(v) => Err(ApiError::Validation(v)),
        },
        true => match RejectLogs::new(ids, &reason) {
            Ok(case) => visit.state.use_cases.run(visit.act_as(&caller), case).await,
            Err(v) => Err(ApiError::Validation(v)),
        },
    };
    match outcome {
        Ok(n) if rejecting => visit.see_other(&format!("/console/ore?rifiutate={n}")),
        Ok(n) => visit.see_other(&format!("/console/ore?convalidate={n}")),
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => {
                // A refused log is named by its place in the batch: the
                // batch's field carries the message.
                let errors = errors.iter().fold(FieldErrors::default(), |acc, (f, m)| {
                    let f = match f {
                        "reason" => "motivo",
                        _ => "ids",
                    };
                    acc.with(f, m)
                });
                page(
                    &visit,
                    &caller,
                    refused(errors),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => match e {
                ApiError::Conflict { .. } => {
                    let words = crate::i18n::detail(&e, visit.lang);
                    page(
                        &visit,
                        &caller,
                        refused(FieldErrors::one("ids", &words)),
                        e.status(),
                    )
                    .await
                }
                e => visit.console_error(&e),
            },
        },
    }
}
