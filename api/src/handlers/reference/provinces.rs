use actix_web::{get, web};
use openapi::dto::{ProvinceQuery, ProvinceView};
use openapi::Problem;
use persistence::reference;

use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::state::AppState;

/// The 107 provinces, or those of one Region.
#[utoipa::path(
    tag = "reference",
    params(ProvinceQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<ProvinceView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces")]
pub async fn list_provinces(
    state: web::Data<AppState>,
    _caller: Authorized<AnyRole>,
    query: ValidQuery<ProvinceQuery>,
) -> ApiResult<web::Json<Vec<ProvinceView>>> {
    let region = query.0.region;
    let rows = state
        .read(move |conn| Ok(reference::list_provinces(conn, region.as_deref())?))
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|p| ProvinceView {
                istat_code: p.istat_code,
                sigla: p.sigla,
                name: p.name,
                region: p.region_code,
            })
            .collect(),
    ))
}
