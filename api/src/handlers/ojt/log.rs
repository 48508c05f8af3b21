use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::assignment::assignment_on;
use domain::training::hours::minutes_from_hours;
use domain::training::ojt::{check_log, LogFacts};
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{OjtLogRequest, OjtLogView, Page, PageQuery};
use openapi::Problem;
use openapi::ProblemType;
use persistence::ojt::{self, NewLog, OjtLogRow};
use persistence::{assignments, audit, contracts, reference};

use super::log_view;
use crate::auth::caller::NavigatorOnly;
use crate::auth::Authorized;
use crate::contracts::dates;
use crate::error::{ApiError, ApiResult};
use crate::etag::json_with_etag;
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{cut_page, page_limit};
use crate::state::AppState;

const MAX_CLIENT_ID: usize = 64;
const MAX_ACTIVITY: usize = 500;

/// The checked fields of a log.
struct Asked {
    client_id: String,
    day: chrono::NaiveDate,
    minutes: i64,
    activity: String,
    cpi_code: Option<String>,
}

fn parse(req: OjtLogRequest, max_day_minutes: i64) -> Result<Asked, Violations> {
    let mut v = Violations::new();
    let client_id = req.client_id.trim().to_owned();
    let id_ok = !client_id.is_empty()
        && client_id.len() <= MAX_CLIENT_ID
        && client_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    if !id_ok {
        v.push(Violation::new("client_id", RuleCode::InvalidClientId).with_detail(MAX_CLIENT_ID));
    }
    let minutes = minutes_from_hours("hours", req.hours, max_day_minutes).unwrap_or_else(|e| {
        v.push(e);
        0
    });
    let activity = req.activity.trim().to_owned();
    if activity.is_empty() {
        v.push(Violation::new("activity", RuleCode::Required));
    } else if activity.chars().count() > MAX_ACTIVITY {
        v.push(Violation::new("activity", RuleCode::TooLong).with_detail(MAX_ACTIVITY));
    }
    let cpi_code = req
        .cpi_code
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    v.into_result(Asked {
        client_id,
        day: req.day,
        minutes,
        activity,
        cpi_code,
    })
}

/// The same entry sent again: the same day, hours, activity and CPI.
fn same_entry(row: &OjtLogRow, asked: &Asked) -> bool {
    row.day == asked.day
        && row.minutes == asked.minutes
        && row.activity == asked.activity
        && (asked.cpi_code.is_none() || row.cpi_code == asked.cpi_code)
}

enum Logged {
    Created(OjtLogView),
    Replayed(OjtLogView),
}

/// Logs on-the-job hours from the tablet. Offline-first: a retry with the
/// same `client_id` answers the original log (200) instead of adding one;
/// the same id with different content is a 409.
#[utoipa::path(
    tag = "training",
    request_body = OjtLogRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = OjtLogView),
        (status = 200, description = "A retry: the original log", body = OjtLogView),
        (status = 409, description = "client-id-reused", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "day-in-future, outside-active-contract, no-convention-in-force, before-operational-start, no-cpi-assignment, not-assigned-cpi, daily-hours-exceeded; validation-failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/ojt-logs")]
pub async fn log_hours(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    body: ValidJson<OjtLogRequest>,
) -> ApiResult<HttpResponse> {
    let nav_id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    let max_day_minutes = i64::from(state.settings.ojt_max_day_hours) * 60;
    let asked = parse(body.0, max_day_minutes)?;
    let today = state.today();
    let ctx = meta.audit(Some(&caller));
    let logged = state
        .write(move |conn| {
            // One writer per Navigator: a retry racing its original waits
            // and then finds it, and the day's total is counted once.
            if !assignments::lock_navigator(conn, &nav_id)? {
                return Err(ApiError::NotFound {
                    entity: "navigator",
                });
            }
            if let Some(existing) = ojt::by_client_id(conn, &nav_id, &asked.client_id)? {
                return if same_entry(&existing, &asked) {
                    Ok(Logged::Replayed(log_view(&existing)?))
                } else {
                    Err(ApiError::conflict(
                        ProblemType::ClientIdReused,
                        asked.client_id.clone(),
                    ))
                };
            }
            let nav = contracts::get_navigator(conn, &nav_id)?.ok_or(ApiError::Internal)?;
            let contract =
                contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
            let contract_dates = dates(conn, &contract)?;
            let convention = reference::get_convention(conn, &nav.region_code)?
                .map(|r| r.to_domain())
                .transpose()?;
            let history: Vec<_> = assignments::history_of(conn, &nav.id)?
                .iter()
                .map(|a| a.to_domain())
                .collect();
            let assigned = assignment_on(&history, asked.day).map(|a| a.cpi_code.as_str());
            let cpi = check_log(&LogFacts {
                today,
                day: asked.day,
                minutes: asked.minutes,
                contract: &contract_dates,
                convention: convention.as_ref(),
                assigned_cpi: assigned,
                stated_cpi: asked.cpi_code.as_deref(),
                day_minutes: ojt::day_minutes(conn, &nav.id, asked.day)?,
                max_day_minutes,
            })
            .map_err(ApiError::OjtLog)?;
            let row = ojt::insert(
                conn,
                &NewLog {
                    navigator_id: &nav.id,
                    client_id: &asked.client_id,
                    day: asked.day,
                    minutes: asked.minutes,
                    activity: &asked.activity,
                    cpi_code: cpi.as_deref(),
                    region_code: &nav.region_code,
                },
            )?;
            crate::training::refresh(conn, &nav)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "ojt.logged",
                "ojt_log",
                &row.id,
                None,
                Some(&row),
            )?;
            Ok(Logged::Created(log_view(&row)?))
        })
        .await?;
    Ok(match logged {
        Logged::Created(v) => HttpResponse::Created()
            .insert_header(("Location", "/api/v1/me/ojt-logs"))
            .json(v),
        Logged::Replayed(v) => HttpResponse::Ok().json(v),
    })
}

/// The caller's on-the-job logs, newest day first, with an `ETag`.
#[utoipa::path(
    tag = "training",
    params(PageQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<OjtLogView>),
        (status = 304, description = "Not modified since the tag in If-None-Match"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/ojt-logs")]
pub async fn my_logs(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let nav_id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let after = match q.cursor.as_deref() {
        None => None,
        Some(c) => match log_cursor(c) {
            Some((day, id)) => Some((day, id.to_owned())),
            // Not a cursor of this list: nothing is known to follow it.
            None => {
                let empty = Page::<OjtLogView> {
                    items: Vec::new(),
                    next_cursor: None,
                };
                return json_with_etag(&req, &empty);
            }
        },
    };
    let rows = state
        .read(move |conn| {
            let after = after.as_ref().map(|(day, id)| (*day, id.as_str()));
            Ok(ojt::of_navigator(conn, &nav_id, after, limit + 1)?)
        })
        .await?;
    let page = cut_page(rows, limit, |l| format!("{}_{}", l.day, l.id));
    let page = Page {
        items: page
            .items
            .iter()
            .map(log_view)
            .collect::<ApiResult<Vec<_>>>()?,
        next_cursor: page.next_cursor,
    };
    json_with_etag(&req, &page)
}

/// The day and id in a cursor of `my_logs`, `None` when it is not one.
fn log_cursor(cursor: &str) -> Option<(chrono::NaiveDate, &str)> {
    let (day, id) = cursor.split_once('_')?;
    Some((day.parse().ok()?, id))
}
