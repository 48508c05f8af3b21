//! Extensions (proroghe): of one contract, or of many at once.

use actix_web::{post, web};
use domain::ids::ContractId;
use openapi::dto::{BulkExtendRequest, BulkExtendResult, ContractView, ExtendRequest};
use openapi::Problem;

use super::views::contract_view;
use crate::app::contracts::{ExtendContract, ExtendContracts};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Extends one contract (proroga): the new end must be later.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ExtendRequest,
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = ContractView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/extend")]
pub async fn extend_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ExtendRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let case = ExtendContract::new(
        ContractId::from_stored(id.into_inner()),
        req.new_end_date,
        &req.reason,
    )?;
    let extended = state.run(&caller, &meta, case).await?;
    state.apply_cutoff(extended.cutoff);
    Ok(web::Json(contract_view(&extended.contract)?))
}

/// Extends every running contract, or those of one Region, in one
/// transaction: if one cannot be extended, none is, and the answer names it.
#[utoipa::path(
    tag = "contracts",
    request_body = BulkExtendRequest,
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = BulkExtendResult), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/extensions")]
pub async fn extend_contracts(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: ValidJson<BulkExtendRequest>,
) -> ApiResult<web::Json<BulkExtendResult>> {
    let req = body.0;
    let case = ExtendContracts::new(req.region, req.new_end_date, &req.reason)?;
    let done = state.run(&caller, &meta, case).await?;
    for cutoff in done.cutoffs {
        state.apply_cutoff(Some(cutoff));
    }
    Ok(web::Json(BulkExtendResult {
        extended: done.extended,
        batch_id: done.batch_id,
    }))
}
