//! Offboarding records: what Navigators whose contract ended still hold.

use actix_web::{get, web};
use openapi::dto::{OffboardingQuery, OffboardingView, Page, PagedList};
use openapi::Problem;

use super::views::offboarding_view;
use crate::app::contracts::ListOffboarding;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// Offboarding records of ended contracts with the items still held;
/// `open=true` for those not closed. A record closes by itself when the last
/// item comes back or is written off.
#[utoipa::path(
    tag = "contracts",
    params(OffboardingQuery),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Page<OffboardingView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/offboarding")]
pub async fn list_offboarding(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    query: ValidQuery<OffboardingQuery>,
) -> ApiResult<web::Json<Page<OffboardingView>>> {
    let q = query.0;
    let case = ListOffboarding {
        open: q.open.unwrap_or(false),
        cursor: cursor_key(q.cursor.as_ref(), PagedList::Offboarding)?,
        limit: page_limit(q.limit)?,
    };
    let page = state.run(&caller, &meta, case).await?;
    for cutoff in page.cutoffs {
        state.apply_cutoff(Some(cutoff));
    }
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(offboarding_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Offboarding, page.next_cursor),
    }))
}
