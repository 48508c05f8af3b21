//! The append-only audit log for administrators and HR: filtered by who
//! (an account's email or id), what (action, entity) and when (from and to
//! days, Italian time) and the person concerned (their changes and the
//! recorded reads of their data), newest first a page at a time, and the filtered
//! lines as CSV. Read through the same use case as `GET /audit`, whose
//! roles decide who finds the section (anyone else: not found).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Rome;
use domain::selection::CodiceFiscale;
use persistence::audit::AuditFilter;

use super::table::{csv_answer, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::audit::{instant, AuditLine, ReadAuditTrail};
use crate::app::UseCase;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

const PATH: &str = "/console/audit";
/// The filters: who, what (action, entity, the entity's id), when, and
/// the person concerned (a codice fiscale, an account's email or id).
const FILTERS: [&str; 7] = ["chi", "azione", "entita", "id", "dal", "al", "persona"];

/// This section's addresses, under `/console/audit`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list))
        .route("/audit.csv", web::get().to(download));
}

/// The signed-in administrator or HR officer; anyone else finds no log.
async fn reader(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match ReadAuditTrail::ROLES.contains(&caller.role) {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

/// The filter the address asks for, or what is wrong with its days.
fn filter_of(
    visit: &Visit,
    listing: &Listing,
    before_id: Option<String>,
    limit: i64,
) -> Result<AuditFilter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut day = |name: &str, end: bool| match instant(name, listing.filter(name).as_deref(), end)
    {
        Ok(t) => t,
        Err(_) => {
            errors = std::mem::take(&mut errors).with(
                name,
                visit.t(
                    "Indica un giorno valido (AAAA-MM-GG).",
                    "Give a valid day (YYYY-MM-DD).",
                ),
            );
            None
        }
    };
    let from = day("dal", false);
    let to = day("al", true);
    if let Some(person) = listing.filter("persona") {
        let person = person.trim();
        let named = person.contains('@') || uuid::Uuid::parse_str(person).is_ok();
        if !named && CodiceFiscale::parse("persona", person).is_err() {
            errors = errors.with(
                "persona",
                visit.t(
                    "Indica un codice fiscale valido, oppure l'email o l'id di un'utenza.",
                    "Give a valid codice fiscale, or an account's email or id.",
                ),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AuditFilter {
        entity: listing.filter("entita"),
        entity_id: listing.filter("id"),
        actor: listing.filter("chi"),
        action: listing.filter("azione"),
        from,
        to,
        before_id,
        person: None,
        limit,
    })
}

/// A line of the log, as a row of the table and of the file.
pub struct Row {
    pub id: String,
    /// Italian time, as the page shows it.
    pub when: String,
    /// UTC, RFC 3339, for the file.
    pub at: String,
    pub actor_id: String,
    /// The actor's email, or who acted when no account did.
    pub who: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub request_id: String,
    pub before: String,
    pub after: String,
}

fn row_of(visit: &Visit, l: AuditLine) -> Row {
    let at: DateTime<Utc> = l.row.at_utc();
    let who = match (&l.actor_email, &l.row.actor) {
        (Some(email), _) => email.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => visit.t("Sistema", "System").to_owned(),
    };
    Row {
        id: l.row.id,
        when: at
            .with_timezone(&Rome)
            .format("%d/%m/%Y %H:%M:%S")
            .to_string(),
        at: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        actor_id: l.row.actor.unwrap_or_default(),
        who,
        action: l.row.action,
        entity: l.row.entity,
        entity_id: l.row.entity_id,
        request_id: l.row.request_id.unwrap_or_default(),
        before: l.row.before_json.unwrap_or_default(),
        after: l.row.after_json.unwrap_or_default(),
    }
}

async fn read(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    filter: AuditFilter,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let limit = filter.limit;
    let case = ReadAuditTrail {
        filter,
        person: listing.filter("persona"),
    };
    let lines = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let next = (lines.len() as i64 == limit)
        .then(|| lines.last().map(|l| l.row.id.clone()))
        .flatten();
    Ok((lines.into_iter().map(|l| row_of(visit, l)).collect(), next))
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
    errors: FieldErrors,
}

/// The log, newest first, filtered as the address asks.
pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, PATH, &FILTERS);
    let (rows, next, errors, status) =
        match filter_of(&visit, &listing, listing.cursor.clone(), PAGE_ROWS) {
            Ok(filter) => match read(&visit, &caller, &listing, filter).await {
                Ok((rows, next)) => (rows, next, FieldErrors::default(), StatusCode::OK),
                Err(e) => return visit.console_error(&e),
            },
            Err(errors) => (Vec::new(), None, errors, StatusCode::UNPROCESSABLE_ENTITY),
        };
    let next = listing.next_page(&next);
    let page = AuditPage {
        page: &visit,
        frame: Frame::of(Section::Audit, &caller),
        listing,
        rows,
        next,
        errors,
    };
    visit.render(status, &page)
}

/// Every line the filters select, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, PATH, &FILTERS);
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let filter = match filter_of(&visit, &listing, before, DOWNLOAD_BATCH) {
            Ok(f) => f,
            // A file of a filter that does not read: the page says why.
            Err(_) => return visit.see_other(&listing.first_page()),
        };
        match read(&visit, &caller, &listing, filter).await {
            Ok((rows, next)) => {
                all.extend(rows);
                match next {
                    Some(n) => before = Some(n),
                    None => break,
                }
            }
            Err(e) => return visit.console_error(&e),
        }
    }
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| {
            vec![
                r.id,
                r.at,
                r.actor_id,
                r.who,
                r.action,
                r.entity,
                r.entity_id,
                r.request_id,
                r.before,
                r.after,
            ]
        })
        .collect();
    // The columns keep one name whatever the language of the page.
    let header = [
        "id",
        "at",
        "actor_id",
        "actor",
        "action",
        "entity",
        "entity_id",
        "request_id",
        "before",
        "after",
    ];
    csv_answer(&visit, "audit.csv", &header, &lines)
}
