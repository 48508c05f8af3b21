use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::{RuleCode, Violation};
use openapi::dto::{OjtLogRequest, OjtLogView, Page, PageQuery, PagedList};
use openapi::Problem;

use super::log_view;
use crate::app::training::{LogHours, LogRequest, Logged, OwnLogs};
use crate::auth::caller::NavigatorOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::etag::json_with_etag;
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{cursor_key, cut_page, next_cursor, page_limit};
use crate::state::AppState;

/// Logs on-the-job hours from the tablet. Offline-first: a retry with the
/// same `client_id` answers the original log (200) instead of adding one;
/// the same id with different content is a 409.
#[utoipa::path(
    tag = "training",
    request_body = OjtLogRequest,
    security(("bearer_auth" = ["navigator"])),
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
    let req = body.0;
    let case = LogHours::new(
        LogRequest {
            client_id: req.client_id,
            day: req.day,
            hours: req.hours,
            activity: req.activity,
            cpi_code: req.cpi_code,
        },
        state.settings.ojt_max_day_hours,
    )?;
    Ok(match state.run(&caller, &meta, case).await? {
        Logged::Created(row) => HttpResponse::Created()
            .insert_header(("Location", "/api/v1/me/ojt-logs"))
            .json(log_view(&row)?),
        Logged::Replayed(row) => HttpResponse::Ok().json(log_view(&row)?),
    })
}

/// The caller's on-the-job logs, newest day first, with an `ETag`.
#[utoipa::path(
    tag = "training",
    params(PageQuery),
    security(("bearer_auth" = ["navigator"])),
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
    meta: RequestMeta,
    query: ValidQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let after = match cursor_key(q.cursor.as_ref(), PagedList::OwnOjtLogs)? {
        None => None,
        Some(key) => Some(log_key(&key).ok_or_else(unknown_cursor)?),
    };
    let case = OwnLogs {
        after,
        limit: limit + 1,
    };
    let rows = state.run(&caller, &meta, case).await?;
    let page = cut_page(rows, limit, |l| format!("{}_{}", l.day, l.id));
    let page = Page {
        items: page
            .items
            .iter()
            .map(log_view)
            .collect::<ApiResult<Vec<_>>>()?,
        next_cursor: next_cursor(PagedList::OwnOjtLogs, page.next_key),
    };
    json_with_etag(&req, &page)
}

/// The day and id in the key of a cursor of `my_logs`.
fn log_key(key: &str) -> Option<(chrono::NaiveDate, String)> {
    let (day, id) = key.split_once('_')?;
    Some((day.parse().ok()?, id.to_owned()))
}

/// A cursor of this list whose key is not a day and an id: none it gave out.
fn unknown_cursor() -> ApiError {
    ApiError::QueryViolation(Violation::new("cursor", RuleCode::UnknownCursor))
}
