//! The fallback neighbours of a selection's provinces (DOMAIN.md §5.3): the
//! provinces whose reserves an exhausted province calls from. By default
//! every other province of its Region; HR may set a shorter list.

use actix_web::{get, put, web};
use domain::ids::SelectionId;
use openapi::dto::{NeighboursItem, NeighboursView};
use openapi::Problem;

use crate::app::selection::{NeighboursInForce, ReadNeighbours, SetNeighbours};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJsonList, ValidPath};
use crate::state::AppState;

fn view(n: NeighboursInForce) -> NeighboursView {
    NeighboursView {
        province: n.province,
        neighbours: n.neighbours,
        default: n.default,
    }
}

/// The fallback neighbours in force for each province of the selection:
/// the list HR set, or the default (every other province of the Region).
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Vec<NeighboursView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/neighbours")]
pub async fn get_neighbours(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<Vec<NeighboursView>>> {
    let case = ReadNeighbours {
        selection_id: SelectionId::from_stored(id.into_inner()),
    };
    let lists = state.run(&caller, &meta, case).await?;
    let views = lists.into_iter().map(view).collect();
    Ok(web::Json(views))
}

/// Sets the fallback neighbours of the listed provinces (the others keep
/// theirs): other provinces of the same Region, each once. An empty list
/// gives a province back the default, every other province of its Region.
/// Answers the lists in force.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body = Vec<NeighboursItem>,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Vec<NeighboursView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "neighbour-in-another-region, neighbour-is-the-province, duplicate or unknown-province, by field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/selections/{id}/neighbours")]
pub async fn put_neighbours(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJsonList<NeighboursItem>,
) -> ApiResult<web::Json<Vec<NeighboursView>>> {
    let case = SetNeighbours {
        selection_id: SelectionId::from_stored(id.into_inner()),
        lists: body
            .0
            .into_iter()
            .map(|i| (i.province, i.neighbours))
            .collect(),
    };
    let lists = state.run(&caller, &meta, case).await?;
    let views = lists.into_iter().map(view).collect();
    Ok(web::Json(views))
}
