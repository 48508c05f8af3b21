use actix_web::{get, put, web};
use domain::convention::Convention;
use openapi::dto::{ConventionRequest, ConventionView};
use openapi::Problem;

use super::regions::convention_view;
use crate::app::reference::{ReadConvention, SetConvention};
use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// The convention in force for a Region; 404 when it has none (Trentino-Alto Adige).
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "ISTAT code of the Region")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ConventionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/regions/{code}/convention")]
pub async fn get_convention(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    code: ValidPath<String>,
) -> ApiResult<web::Json<ConventionView>> {
    let case = ReadConvention {
        region: code.into_inner(),
    };
    let row = state.run(&caller, &meta, case).await?;
    Ok(web::Json(convention_view(&row, state.today())?))
}

/// Sets a Region's convention: conventions are data, and a changed mode
/// changes what the service allows there from the next request on.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "ISTAT code of the Region")),
    request_body = ConventionRequest,
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 200, body = ConventionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/regions/{code}/convention")]
pub async fn put_convention(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    code: ValidPath<String>,
    body: ValidJson<ConventionRequest>,
) -> ApiResult<web::Json<ConventionView>> {
    let req = body.0;
    let case = SetConvention {
        region: code.into_inner(),
        convention: Convention::new(req.signed_on, req.valid_until, req.mode.into())?,
    };
    let row = state.run(&caller, &meta, case).await?;
    Ok(web::Json(convention_view(&row, state.today())?))
}
