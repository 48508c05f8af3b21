use actix_web::{get, web};
use chrono::Utc;
use domain::selection::Seats;
use openapi::dto::{SeatView, SeatsQuery};
use openapi::Problem;
use persistence::selection;

use super::load_selection;
use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::state::AppState;

/// Seats per province: posts, filled, pending offers, vacant. Overdue offers
/// lapse and ended contracts release their seats first, so a vacant seat is
/// never hidden behind a dead offer or a finished contract.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id"), SeatsQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<SeatView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/seats")]
pub async fn list_seats(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    id: web::Path<String>,
    query: ValidQuery<SeatsQuery>,
) -> ApiResult<web::Json<Vec<SeatView>>> {
    let id = id.into_inner();
    let region = query.0.region;
    if let Some(r) = &region {
        if !caller.covers_region(r) {
            return Err(ApiError::OutOfScope);
        }
    }
    let caller = caller.caller.clone();
    let today = state.today();
    let rows = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            crate::contracts::settle(conn, Utc::now(), today)?;
            Ok(selection::posts(conn, &sel.id, region.as_deref())?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .filter(|(_, region)| caller.covers_region(region))
            .map(|(p, region)| {
                let seats = Seats {
                    posts: p.posts,
                    filled: p.filled,
                    pending_offers: p.pending,
                };
                SeatView {
                    province: p.province_sigla,
                    region,
                    posts: p.posts,
                    filled: p.filled,
                    pending_offers: p.pending,
                    vacant: seats.vacant(),
                }
            })
            .collect(),
    ))
}
