use actix_web::{get, web};
use domain::ids::SelectionId;
use openapi::dto::{Page, PagedList, SeatView, SeatsQuery};
use openapi::Problem;

use crate::app::selection::ListSeats;
use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, whole_list_limit};
use crate::state::AppState;

/// Seats per province: posts, filled (signed or active contracts), accepted
/// offers whose contract is not signed yet, pending offers, vacant. Overdue
/// offers lapse and ended contracts release their seats first, so a vacant
/// seat is never hidden behind a dead offer or a finished contract. By
/// province sigla.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id"), SeatsQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 200, body = Page<SeatView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/seats")]
pub async fn list_seats(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    id: ValidPath<String>,
    query: ValidQuery<SeatsQuery>,
) -> ApiResult<web::Json<Page<SeatView>>> {
    let q = query.0;
    let case = ListSeats {
        selection_id: SelectionId::from_stored(id.into_inner()),
        region: q.region,
        cursor: cursor_key(q.cursor.as_ref(), PagedList::Seats)?,
        limit: whole_list_limit(q.limit)?,
    };
    let page = state.run(&caller, &meta, case).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|r| SeatView {
                vacant: r.seats.vacant(),
                province: r.province,
                region: r.region,
                posts: r.seats.posts,
                filled: r.seats.filled,
                accepted_unsigned: r.seats.accepted_unsigned,
                pending_offers: r.seats.pending_offers,
            })
            .collect(),
        next_cursor: next_cursor(PagedList::Seats, page.next_key),
    }))
}
