use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::ids::NavigatorId;
use openapi::dto::{AssignmentView, ConventionMode, MyAssignmentView, Page, PageQuery, PagedList};
use openapi::Problem;

use super::assignment_view;
use crate::app::navigators::{AssignmentHistory, MyAssignment};
use crate::auth::caller::{HrCoordinatorOrNavigator, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::etag::json_with_etag;
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_in_memory, page_limit, KeyOrder};
use crate::state::AppState;

/// A Navigator's assignments, newest first (`to` null while open).
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id"), PageQuery),
    security(("bearer_auth" = ["hr", "coordinator", "navigator"])),
    responses(
        (status = 200, body = Page<AssignmentView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators/{id}/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    caller: Authorized<HrCoordinatorOrNavigator>,
    meta: RequestMeta,
    id: ValidPath<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<AssignmentView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let after = cursor_key(q.cursor.as_ref(), PagedList::Assignments)?;
    let case = AssignmentHistory {
        id: NavigatorId::from_stored(id.into_inner()),
    };
    let rows = state.run(&caller, &meta, case).await?;
    // A Navigator has a handful: read whole, keyed by first day then id, so
    // a cancelled move between two pages skips nothing.
    let page = page_in_memory(
        rows,
        |a| format!("{}_{}", a.assignment.from_day, a.assignment.id),
        KeyOrder::Descending,
        after.as_deref(),
        limit,
    );
    let page = Page {
        items: page
            .items
            .iter()
            .map(assignment_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Assignments, page.next_key),
    };
    Ok(web::Json(page))
}

/// Where the caller works today, and where next if a move is planned. With
/// an `ETag`: `If-None-Match` answers 304 while nothing changed.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = MyAssignmentView, headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "Not modified since the tag in If-None-Match"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/assignment")]
pub async fn my_assignment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<HttpResponse> {
    let own = state.run(&caller, &meta, MyAssignment).await?;
    let view = MyAssignmentView {
        convention_mode: own.convention_mode.map(ConventionMode::from),
        operational_start: own.operational_start,
        current: own.current.as_ref().map(assignment_view).transpose()?,
        next: own.next.as_ref().map(assignment_view).transpose()?,
    };
    json_with_etag(&req, &view)
}
