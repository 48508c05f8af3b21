use actix_web::{get, post, web, HttpRequest, HttpResponse};
use openapi::dto::{OjtLogRequest, OjtLogView, PageQuery};
use openapi::Problem;
use persistence::ojt;

use super::log_view;
use crate::app::training::{LogHours, LogRequest, Logged};
use crate::auth::caller::NavigatorOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::etag::json_with_etag;
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::page_limit;
use crate::state::AppState;

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
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<OjtLogView>),
        (status = 304, description = "Not modified since the tag in If-None-Match"),
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
    let limit = page_limit(query.0.limit)?;
    let rows = state
        .read(move |conn| Ok(ojt::of_navigator(conn, &nav_id, limit)?))
        .await?;
    let views = rows.iter().map(log_view).collect::<ApiResult<Vec<_>>>()?;
    json_with_etag(&req, &views)
}
