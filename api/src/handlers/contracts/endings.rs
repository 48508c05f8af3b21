//! Early endings: resignations, registered by HR or submitted from the
//! app, and withdrawals or exclusions by HR. The login cut-off an ending
//! moves is applied once it has committed.

use actix_web::{post, web};
use domain::ids::ContractId;
use openapi::dto::{
    ContractView, MyResignationRequest, ResignationRequest, TerminateRequest, TerminationCause,
};
use openapi::Problem;

use super::views::contract_view;
use crate::app::contracts::{
    ContractChange, RegisterResignation, ResignOwn, TerminateContract, Termination,
};
use crate::auth::caller::{HrOnly, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// The contract as it is now, once the cut-off is applied.
fn ended(state: &AppState, change: ContractChange) -> ApiResult<web::Json<ContractView>> {
    state.apply_cutoff(change.cutoff);
    Ok(web::Json(contract_view(&change.contract)?))
}

/// Registers a resignation (dimissioni) on the Navigator's behalf.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ResignationRequest,
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/resignation")]
pub async fn register_resignation(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ResignationRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let case = RegisterResignation {
        id: ContractId::from_stored(id.into_inner()),
        submitted_on: req.submitted_on,
        effective_on: req.effective_on,
    };
    ended(&state, state.run(&caller, &meta, case).await?)
}

/// Withdrawal (recesso) or exclusion by HR, with its reason.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = TerminateRequest,
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/terminate")]
pub async fn terminate_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<TerminateRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let cause = match req.cause {
        TerminationCause::Withdrawn => Termination::Withdrawn,
        TerminationCause::Excluded => Termination::Excluded,
    };
    let case = TerminateContract::new(
        ContractId::from_stored(id.into_inner()),
        cause,
        req.effective_on,
        &req.reason,
    )?;
    ended(&state, state.run(&caller, &meta, case).await?)
}

/// The Navigator resigns from the app: submitted today, effective on the day given.
#[utoipa::path(
    tag = "self",
    request_body = MyResignationRequest,
    security(("bearer_auth" = ["navigator"])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/me/resignation")]
pub async fn my_resignation(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    body: ValidJson<MyResignationRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let case = ResignOwn {
        effective_on: body.0.effective_on,
    };
    ended(&state, state.run(&caller, &meta, case).await?)
}
