use actix_web::{get, web, HttpRequest, HttpResponse};
use openapi::dto::{AssignmentView, ConventionMode, MyAssignmentView, Page, PageQuery};
use openapi::Problem;
use persistence::{assignments, contracts, reference};

use crate::auth::caller::{HrCoordinatorOrNavigator, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::etag::json_with_etag;
use crate::extract::ValidQuery;
use crate::handlers::{page_in_memory, page_limit, KeyOrder};
use crate::navigators::{assignment_views, check_access, check_own_id};
use crate::state::AppState;

/// A Navigator's assignments, newest first (`to` null while open).
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id"), PageQuery),
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<AssignmentView>>> {
    let id = id.into_inner();
    check_own_id(&caller, &id)?;
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let caller = caller.caller.clone();
    let page = state
        .read(move |conn| {
            let nav = contracts::get_navigator(conn, &id)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
            check_access(&caller, &nav)?;
            let rows = assignments::history_of(conn, &nav.id)?;
            // A Navigator has a handful: read whole, keyed by first day
            // then id, so a cancelled move between two pages skips nothing.
            let page = page_in_memory(
                rows,
                |a| format!("{}_{}", a.from_day, a.id),
                KeyOrder::Descending,
                q.cursor.as_deref(),
                limit,
            );
            Ok(Page {
                items: assignment_views(conn, &page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Where the caller works today, and where next if a move is planned. With
/// an `ETag`: `If-None-Match` answers 304 while nothing changed.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
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
) -> ApiResult<HttpResponse> {
    let nav_id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    let today = state.today();
    let view = state
        .read(move |conn| {
            let nav = contracts::get_navigator(conn, &nav_id)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
            let contract =
                contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
            let convention = reference::get_convention(conn, &nav.region_code)?
                .map(|r| r.to_domain())
                .transpose()?;
            let rows = assignments::history_of(conn, &nav.id)?;
            let current = rows
                .iter()
                .filter(|a| a.from_day <= today && a.to_day.is_none_or(|t| t >= today))
                .cloned()
                .collect::<Vec<_>>();
            let next = rows
                .iter()
                .filter(|a| a.from_day > today)
                .min_by_key(|a| a.from_day)
                .cloned()
                .into_iter()
                .collect::<Vec<_>>();
            Ok(MyAssignmentView {
                convention_mode: convention.as_ref().map(|c| ConventionMode::from(c.mode)),
                operational_start: contract
                    .start_date
                    .and_then(|s| domain::convention::operational_start(s, convention.as_ref())),
                current: assignment_views(conn, &current)?.pop(),
                next: assignment_views(conn, &next)?.pop(),
            })
        })
        .await?;
    json_with_etag(&req, &view)
}
