use actix_web::{get, web};
use openapi::dto::{AuditEntryView, AuditQuery, Page, PagedList};
use openapi::Problem;
use persistence::audit::AuditFilter;

use crate::accounts::parse_uuid;
use crate::app::audit::{instant, ReadAuditLog};
use crate::auth::caller::AdminOrHr;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

fn json(raw: Option<String>) -> Option<serde_json::Value> {
    raw.and_then(|s| serde_json::from_str(&s).ok())
}

/// The append-only audit log, newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    security(("bearer_auth" = ["admin", "hr"])),
    responses(
        (status = 200, body = Page<AuditEntryView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Authorized<AdminOrHr>,
    meta: RequestMeta,
    query: ValidQuery<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditEntryView>>> {
    let q = query.0;
    let filter = AuditFilter {
        from: instant("from", q.from.as_deref(), false)?,
        to: instant("to", q.to.as_deref(), true)?,
        entity: q.entity,
        entity_id: q.entity_id,
        actor: q.actor,
        action: q.action,
        before_id: cursor_key(q.cursor.as_ref(), PagedList::Audit)?,
        person: None,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let case = ReadAuditLog {
        filter,
        person: q.person,
    };
    let rows = state.run(&caller, &meta, case).await?;
    let next_key = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id.clone()))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AuditEntryView {
                id: parse_uuid(&r.id)?,
                at: r.at_utc(),
                actor: r.actor,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                before: json(r.before_json),
                after: json(r.after_json),
                request_id: r.request_id,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: next_cursor(PagedList::Audit, next_key),
    }))
}
