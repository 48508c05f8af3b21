use actix_web::{get, put, web};
use domain::convention::Convention;
use openapi::dto::{ConventionRequest, ConventionView};
use openapi::Problem;
use persistence::{audit, reference};

use super::regions::convention_view;
use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
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
    _caller: Authorized<AnyRole>,
    code: web::Path<String>,
) -> ApiResult<web::Json<ConventionView>> {
    let code = code.into_inner();
    let row = state
        .read(move |conn| Ok(reference::get_convention(conn, &code)?))
        .await?
        .ok_or(ApiError::NotFound {
            entity: "convention",
        })?;
    Ok(web::Json(convention_view(&row, state.today())?))
}

fn state_of(row: &reference::ConventionRow) -> serde_json::Value {
    serde_json::json!({ "mode": row.mode, "signed_on": row.signed_on, "valid_until": row.valid_until })
}

/// Sets a Region's convention: conventions are data, and a changed mode
/// changes what the service allows there from the next request on.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "ISTAT code of the Region")),
    request_body = ConventionRequest,
    security(("bearer_auth" = [])),
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
    code: web::Path<String>,
    body: ValidJson<ConventionRequest>,
) -> ApiResult<web::Json<ConventionView>> {
    let code = code.into_inner();
    let req = body.0;
    let convention = Convention::new(req.signed_on, req.valid_until, req.mode.into())?;
    let ctx = meta.audit(Some(&caller));
    let row = state
        .write(move |conn| {
            if reference::get_region(conn, &code)?.is_none() {
                return Err(ApiError::NotFound { entity: "region" });
            }
            let (before, after) = reference::put_convention(conn, &code, &convention)?;
            audit::append(
                conn,
                &ctx,
                "convention.set",
                "convention",
                &code,
                before.as_ref().map(state_of).as_ref(),
                Some(&state_of(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(convention_view(&row, state.today())?))
}
