use actix_web::{get, post, web};
use domain::ids::OjtLogId;
use domain::training::ojt::LogStatus;
use openapi::dto::{
    OjtLogQuery, OjtLogView, Page, PagedList, RejectLogRequest, ValidateLogsRequest,
    ValidateLogsResult,
};
use openapi::Problem;
use persistence::ojt::LogFilter;

use super::log_view;
use crate::app::training::{ListLogs, RejectLog, ValidateLog, ValidateLogs};
use crate::auth::caller::{CoordinatorOnly, HrOrCoordinator};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// The coordinators' queue: logs of their Region, by status; HR reads all.
#[utoipa::path(
    tag = "training",
    params(OjtLogQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 200, body = Page<OjtLogView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ojt-logs")]
pub async fn list_logs(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    query: ValidQuery<OjtLogQuery>,
) -> ApiResult<web::Json<Page<OjtLogView>>> {
    let q = query.0;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(LogStatus::parse(s).ok_or_else(|| ApiError::InvalidQuery {
            field: "status".into(),
            detail: format!("{s}: pending, validated or rejected"),
        })?),
    };
    let filter = LogFilter {
        // The Regions in scope: the use case's to decide.
        regions: None,
        status: status.map(|s| s.as_str().to_owned()),
        navigator_id: q.navigator,
        after_id: cursor_key(q.cursor.as_ref(), PagedList::OjtLogs)?,
        limit: page_limit(q.limit)?,
    };
    let case = ListLogs {
        region: q.region,
        filter,
    };
    let page = state.run(&caller, &meta, case).await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(log_view).collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::OjtLogs, page.next_cursor),
    }))
}

/// Validates one pending log of the coordinator's Region: its hours count.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Log id")),
    security(("bearer_auth" = ["coordinator"])),
    responses(
        (status = 200, body = OjtLogView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "log-not-pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ojt-logs/{id}/validate")]
pub async fn validate_log(
    state: web::Data<AppState>,
    caller: Authorized<CoordinatorOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<OjtLogView>> {
    let case = ValidateLog {
        id: OjtLogId::from_stored(id.into_inner()),
    };
    Ok(web::Json(log_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Rejects one pending log with its reason: its hours never count.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Log id")),
    request_body = RejectLogRequest,
    security(("bearer_auth" = ["coordinator"])),
    responses(
        (status = 200, body = OjtLogView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "log-not-pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ojt-logs/{id}/reject")]
pub async fn reject_log(
    state: web::Data<AppState>,
    caller: Authorized<CoordinatorOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<RejectLogRequest>,
) -> ApiResult<web::Json<OjtLogView>> {
    let case = RejectLog::new(OjtLogId::from_stored(id.into_inner()), &body.0.reason)?;
    Ok(web::Json(log_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Validates a batch of pending logs: all of them, or none. Each log that
/// cannot be validated is named (`ids[i]`); one of another Region makes
/// the whole batch out of scope.
#[utoipa::path(
    tag = "training",
    request_body = ValidateLogsRequest,
    security(("bearer_auth" = ["coordinator"])),
    responses(
        (status = 200, body = ValidateLogsResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ojt-logs/validate")]
pub async fn validate_logs(
    state: web::Data<AppState>,
    caller: Authorized<CoordinatorOnly>,
    meta: RequestMeta,
    body: ValidJson<ValidateLogsRequest>,
) -> ApiResult<web::Json<ValidateLogsResult>> {
    let ids = body.0.ids.into_iter().map(OjtLogId::from_stored).collect();
    let case = ValidateLogs::new(ids)?;
    let validated = state.run(&caller, &meta, case).await?;
    Ok(web::Json(ValidateLogsResult { validated }))
}
