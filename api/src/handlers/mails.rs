//! The outbox's failed mails, for administrators: the mails given up after
//! their last attempt (a mailbox that does not exist, a mail server that
//! refused them), and sending them again once the cause is mended.

use actix_web::{get, post, web};
use openapi::dto::{FailedMailList, FailedMailQuery, FailedMailView, MailRetryView};
use openapi::Problem;
use persistence::outbox::MailRow;
use persistence::time::from_db;

use crate::accounts::parse_uuid;
use crate::app::operations::{ListFailedMails, RetryFailedMails};
use crate::auth::caller::AdminOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::page_limit;
use crate::state::AppState;

fn failed_view(row: MailRow) -> ApiResult<FailedMailView> {
    Ok(FailedMailView {
        id: parse_uuid(&row.id)?,
        message_id: row.message_id,
        recipient: row.recipient,
        subject: row.subject,
        kind: row.kind,
        queued_at: from_db(row.created_at),
        failed_at: from_db(row.failed_at.ok_or(ApiError::Internal)?),
        attempts: row.attempts,
        last_error: row.last_error,
    })
}

fn retry_view(rows: &[MailRow]) -> ApiResult<MailRetryView> {
    Ok(MailRetryView {
        queued_again: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        ids: rows
            .iter()
            .map(|r| parse_uuid(&r.id))
            .collect::<ApiResult<_>>()?,
    })
}

/// The mails the outbox gave up on after their last attempt, the latest
/// failure first (their text is not shown: it may hold a one-time link).
#[utoipa::path(
    tag = "ops",
    params(FailedMailQuery),
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 200, body = FailedMailList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ops/mails/failed")]
pub async fn list_failed_mails(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    query: ValidQuery<FailedMailQuery>,
) -> ApiResult<web::Json<FailedMailList>> {
    let limit = page_limit(query.0.limit)?;
    let (rows, total) = state.run(&caller, &meta, ListFailedMails { limit }).await?;
    Ok(web::Json(FailedMailList {
        items: rows
            .into_iter()
            .map(failed_view)
            .collect::<ApiResult<_>>()?,
        total,
    }))
}

/// Sends every failed mail again: each is queued from now with its
/// attempts counted afresh (one audit line per mail).
#[utoipa::path(
    tag = "ops",
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 200, body = MailRetryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ops/mails/failed/retry")]
pub async fn retry_failed_mails(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<MailRetryView>> {
    let again = state
        .run(&caller, &meta, RetryFailedMails { id: None })
        .await?;
    Ok(web::Json(retry_view(&again)?))
}

/// Sends one failed mail again, queued from now with its attempts counted
/// afresh.
#[utoipa::path(
    tag = "ops",
    params(("id" = String, Path, description = "Mail id")),
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 200, body = MailRetryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not-found: no failed mail with this id (sent, still queued, or none)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ops/mails/failed/{id}/retry")]
pub async fn retry_failed_mail(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<MailRetryView>> {
    let case = RetryFailedMails {
        id: Some(id.into_inner()),
    };
    let again = state.run(&caller, &meta, case).await?;
    Ok(web::Json(retry_view(&again)?))
}
