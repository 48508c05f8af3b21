use std::collections::HashMap;

use actix_web::{get, web};
use chrono::Utc;
use domain::selection::Seats;
use openapi::dto::{Page, SeatView, SeatsQuery};
use openapi::Problem;
use persistence::selection;

use super::load_selection;
use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::handlers::{page_in_memory, whole_list_limit, KeyOrder};
use crate::state::AppState;

/// Seats per province: posts, filled (signed or active contracts), accepted
/// offers whose contract is not signed yet, pending offers, vacant. Overdue
/// offers lapse and ended contracts release their seats first, so a vacant
/// seat is never hidden behind a dead offer or a finished contract. By
/// province sigla.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id"), SeatsQuery),
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    query: ValidQuery<SeatsQuery>,
) -> ApiResult<web::Json<Page<SeatView>>> {
    let id = id.into_inner();
    let q = query.0;
    let limit = whole_list_limit(q.limit)?;
    let region = q.region;
    if let Some(r) = &region {
        if !caller.covers_region(r) {
            return Err(ApiError::OutOfScope);
        }
    }
    let caller = caller.caller.clone();
    let today = state.today();
    let (rows, unsigned) = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            crate::contracts::settle(conn, Utc::now(), today)?;
            let unsigned: HashMap<String, i64> = selection::accepted_unsigned(conn, &sel.id)?
                .into_iter()
                .collect();
            let posts = selection::posts(conn, &sel.id, region.as_deref())?;
            Ok((posts, unsigned))
        })
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(_, region)| caller.covers_region(region))
        .collect();
    let page = page_in_memory(
        rows,
        |(p, _)| p.province_sigla.clone(),
        KeyOrder::Ascending,
        q.cursor.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|(p, region)| {
                // The `filled` counter holds every accepted seat: those
                // not signed yet are told apart.
                let accepted_unsigned = unsigned.get(&p.province_sigla).copied().unwrap_or(0);
                let seats = Seats {
                    posts: p.posts,
                    filled: p.filled - accepted_unsigned,
                    accepted_unsigned,
                    pending_offers: p.pending,
                };
                SeatView {
                    province: p.province_sigla,
                    region,
                    posts: p.posts,
                    filled: seats.filled,
                    accepted_unsigned,
                    pending_offers: p.pending,
                    vacant: seats.vacant(),
                }
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
