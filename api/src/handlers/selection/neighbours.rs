//! The fallback neighbours of a selection's provinces (DOMAIN.md §5.3): the
//! provinces whose reserves an exhausted province calls from. By default
//! every other province of its Region; HR may set a shorter list.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{get, put, web};
use domain::selection::neighbours::{check_neighbours, fallback_neighbours, NeighboursInput};
use openapi::dto::{NeighboursItem, NeighboursView};
use openapi::Problem;
use persistence::{audit, neighbours, reference, selection, DbConnection};

use super::load_selection;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJsonList};
use crate::state::AppState;

/// The lists in force for every province with posts or a list of its own.
fn lists_in_force(conn: &mut DbConnection, selection_id: &str) -> ApiResult<Vec<NeighboursView>> {
    let region_of: BTreeMap<String, String> = reference::list_provinces(conn, None)?
        .into_iter()
        .map(|p| (p.sigla, p.region_code))
        .collect();
    let mut set: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (province, neighbour) in neighbours::all(conn, selection_id)? {
        set.entry(province).or_default().push(neighbour);
    }
    let provinces: BTreeSet<String> = selection::posts(conn, selection_id, None)?
        .into_iter()
        .map(|(p, _)| p.province_sigla)
        .chain(set.keys().cloned())
        .collect();
    provinces
        .into_iter()
        .map(|province| {
            let region = region_of.get(&province).ok_or(ApiError::Internal)?;
            let region_provinces: Vec<String> = region_of
                .iter()
                .filter(|(_, r)| *r == region)
                .map(|(p, _)| p.clone())
                .collect();
            let own = set.get(&province).map(Vec::as_slice).unwrap_or_default();
            Ok(NeighboursView {
                neighbours: fallback_neighbours(&province, own, &region_provinces),
                default: own.is_empty(),
                province,
            })
        })
        .collect()
}

/// The fallback neighbours in force for each province of the selection:
/// the list HR set, or the default (every other province of the Region).
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<NeighboursView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/neighbours")]
pub async fn get_neighbours(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<NeighboursView>>> {
    let id = id.into_inner();
    let views = state
        .read(move |conn| {
            let sel = load_selection(conn, &id)?;
            lists_in_force(conn, &sel.id)
        })
        .await?;
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
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    body: ValidJsonList<NeighboursItem>,
) -> ApiResult<web::Json<Vec<NeighboursView>>> {
    let id = id.into_inner();
    let items = body.0;
    let ctx = meta.audit(Some(&caller));
    let views = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            let region_of: BTreeMap<String, String> = reference::list_provinces(conn, None)?
                .into_iter()
                .map(|p| (p.sigla, p.region_code))
                .collect();
            let inputs: Vec<NeighboursInput<'_>> = items
                .iter()
                .map(|i| NeighboursInput {
                    province: &i.province,
                    neighbours: &i.neighbours,
                })
                .collect();
            let lists: Vec<(String, Vec<String>)> = check_neighbours(&inputs, &region_of)?
                .into_iter()
                .map(|l| {
                    (
                        l.province.as_str().to_owned(),
                        l.neighbours.iter().map(|n| n.as_str().to_owned()).collect(),
                    )
                })
                .collect();
            let before = lists_in_force(conn, &sel.id)?;
            neighbours::set(conn, &sel.id, &lists)?;
            let after = lists_in_force(conn, &sel.id)?;
            audit::append(
                conn,
                &ctx,
                "selection.neighbours-set",
                "selection",
                &sel.id,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(views))
}
