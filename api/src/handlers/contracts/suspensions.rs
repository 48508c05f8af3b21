//! Suspension periods.

use actix_web::{post, web};
use domain::ids::ContractId;
use openapi::dto::{ContractView, SuspensionRequest};
use openapi::Problem;

use super::views::contract_view;
use crate::app::contracts::SuspendContract;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// A suspension period: the contract keeps its seat.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = SuspensionRequest,
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = ContractView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/suspensions")]
pub async fn suspend_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<SuspensionRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let case = SuspendContract::new(
        ContractId::from_stored(id.into_inner()),
        req.from,
        req.to,
        &req.reason,
    )?;
    Ok(web::Json(contract_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}
