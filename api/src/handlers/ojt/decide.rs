use actix_web::{get, post, web};
use domain::training::ojt::LogStatus;
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{
    OjtLogQuery, OjtLogView, Page, RejectLogRequest, ValidateLogsRequest, ValidateLogsResult,
};
use openapi::Problem;
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::ojt::{self, LogFilter, OjtLogRow};
use persistence::{assignments, DbConnection};

use super::log_view;
use crate::auth::caller::{CoordinatorOnly, HrOrCoordinator};
use crate::auth::{Authorized, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{page_limit, regions_in_scope};
use crate::state::AppState;

const MAX_BATCH: usize = 500;

/// The coordinators' queue: logs of their Region, by status; HR reads all.
#[utoipa::path(
    tag = "training",
    params(OjtLogQuery),
    security(("bearer_auth" = [])),
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
        regions: regions_in_scope(&caller, q.region)?,
        status: status.map(|s| s.as_str().to_owned()),
        navigator_id: q.navigator,
        after_id: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let rows = state
        .read(move |conn| Ok(ojt::list(conn, &filter)?))
        .await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id.clone()))
        .flatten();
    Ok(web::Json(Page {
        items: rows.iter().map(log_view).collect::<ApiResult<_>>()?,
        next_cursor,
    }))
}

/// Loads a log the coordinator may decide: 404 unknown, 403 another Region's.
fn decidable(conn: &mut DbConnection, caller: &Caller, id: &str) -> ApiResult<OjtLogRow> {
    let log = ojt::get(conn, id)?.ok_or(ApiError::NotFound { entity: "log" })?;
    if !caller.covers_region(&log.region_code) {
        return Err(ApiError::OutOfScope);
    }
    Ok(log)
}

/// Decides one pending log; the caller refreshes the Navigator's progress.
/// The Navigator's row lock comes first, as for every write on their records.
fn decide(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    log: &OjtLogRow,
    status: LogStatus,
    reason: Option<&str>,
) -> ApiResult<OjtLogRow> {
    assignments::lock_navigator(conn, &log.navigator_id)?;
    if !ojt::decide(conn, &log.id, status.as_str(), reason, ctx.actor.as_deref())? {
        let now = ojt::get(conn, &log.id)?.ok_or(ApiError::Internal)?;
        return Err(ApiError::conflict(ProblemType::LogNotPending, now.status));
    }
    let after = ojt::get(conn, &log.id)?.ok_or(ApiError::Internal)?;
    let action = match status {
        LogStatus::Rejected => "ojt.rejected",
        _ => "ojt.validated",
    };
    audit::append(
        conn,
        ctx,
        action,
        "ojt_log",
        &log.id,
        Some(log),
        Some(&after),
    )?;
    Ok(after)
}

/// Validates one pending log of the coordinator's Region: its hours count.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Log id")),
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
) -> ApiResult<web::Json<OjtLogView>> {
    let id = id.into_inner();
    let ctx = meta.audit(Some(&caller));
    let caller = caller.caller.clone();
    let row = state
        .write(move |conn| {
            let log = decidable(conn, &caller, &id)?;
            let row = decide(conn, &ctx, &log, LogStatus::Validated, None)?;
            crate::training::refresh_locked(conn, &row.navigator_id)?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(log_view(&row)?))
}

/// Rejects one pending log with its reason: its hours never count.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Log id")),
    request_body = RejectLogRequest,
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    body: ValidJson<RejectLogRequest>,
) -> ApiResult<web::Json<OjtLogView>> {
    let reason = body.0.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let id = id.into_inner();
    let ctx = meta.audit(Some(&caller));
    let caller = caller.caller.clone();
    let row = state
        .write(move |conn| {
            let log = decidable(conn, &caller, &id)?;
            let row = decide(conn, &ctx, &log, LogStatus::Rejected, Some(&reason))?;
            crate::training::refresh_locked(conn, &row.navigator_id)?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(log_view(&row)?))
}

/// Validates a batch of pending logs: all of them, or none. Each log that
/// cannot be validated is named (`ids[i]`); one of another Region makes
/// the whole batch out of scope.
#[utoipa::path(
    tag = "training",
    request_body = ValidateLogsRequest,
    security(("bearer_auth" = [])),
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
    let ids = body.0.ids;
    if ids.is_empty() {
        return Err(ApiError::violation("ids", RuleCode::Required));
    }
    if ids.len() > MAX_BATCH {
        return Err(Violation::new("ids", RuleCode::TooMany)
            .with_detail(MAX_BATCH)
            .into());
    }
    let ctx = meta.audit(Some(&caller));
    let caller = caller.caller.clone();
    let validated = state
        .write(move |conn| {
            let mut v = Violations::new();
            let mut logs = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let field = format!("ids[{i}]");
                if ids[..i].contains(id) {
                    v.push(Violation::new(field, RuleCode::Duplicate).with_detail(id.clone()));
                    continue;
                }
                match ojt::get(conn, id)? {
                    None => {
                        v.push(Violation::new(field, RuleCode::UnknownLog).with_detail(id.clone()))
                    }
                    Some(log) if !caller.covers_region(&log.region_code) => {
                        return Err(ApiError::OutOfScope)
                    }
                    Some(log) if log.status != LogStatus::Pending.as_str() => v.push(
                        Violation::new(field, RuleCode::LogNotPending)
                            .with_detail(log.status.clone()),
                    ),
                    Some(log) => logs.push(log),
                }
            }
            if !v.is_empty() {
                return Err(ApiError::Validation(v));
            }
            // Row locks in one order, so two batches never wait on each other in a circle.
            let mut navigators: Vec<&str> = logs.iter().map(|l| l.navigator_id.as_str()).collect();
            navigators.sort_unstable();
            navigators.dedup();
            for n in &navigators {
                assignments::lock_navigator(conn, n)?;
            }
            for log in &logs {
                decide(conn, &ctx, log, LogStatus::Validated, None)?;
            }
            for n in &navigators {
                crate::training::refresh_locked(conn, n)?;
            }
            Ok(logs.len())
        })
        .await?;
    Ok(web::Json(ValidateLogsResult { validated }))
}
