//! A contract's draft, its signature, and the cancellation of a draft
//! never signed.

use actix_web::{post, web, HttpResponse};
use domain::ids::{ContractId, OfferId};
use openapi::dto::{ContractView, DraftContractRequest, ReasonRequest, SignRequest};
use openapi::Problem;

use super::views::contract_view;
use crate::app::contracts::{CancelContract, DraftContract, SignContract};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// A draft contract from an accepted offer, once HR has verified the requirements.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Offer id")),
    request_body = DraftContractRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = ContractView),
        (status = 409, description = "offer-not-accepted or contract-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "requirements-not-verified", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers/{id}/contract")]
pub async fn draft_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<DraftContractRequest>,
) -> ApiResult<HttpResponse> {
    let case = DraftContract::new(
        OfferId::from_stored(id.into_inner()),
        body.0.requirements_verified,
    )?;
    let v = contract_view(&state.run(&caller, &meta, case).await?)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/contracts/{}", v.id)))
        .json(v))
}

/// Signs a draft with its dates (the end defaults to the selection's);
/// creates the Navigator's account and mails them an activation link.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = SignRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = ContractView),
        (status = 409, description = "contract-already-signed or contract-cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/sign")]
pub async fn sign_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<SignRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let case = SignContract {
        id: ContractId::from_stored(id.into_inner()),
        signed_on: req.signed_on,
        start_date: req.start_date,
        end_date: req.end_date,
    };
    let signed = state.run(&caller, &meta, case).await?;
    state.apply_cutoff(signed.cutoff);
    Ok(web::Json(contract_view(&signed.contract)?))
}

/// Cancels a draft whose candidate never signed, with the reason: the seat
/// it held is vacant at once (the next call can be made), the accepted
/// offer is withdrawn and the candidate leaves the list as after a renuncia
/// (DOMAIN.md §5). A signed contract is not cancelled: it ends by
/// resignation, withdrawal or exclusion.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ReasonRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = ContractView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "contract-signed or contract-cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "reason required", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/cancel")]
pub async fn cancel_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let case = CancelContract::new(ContractId::from_stored(id.into_inner()), &body.0.reason)?;
    Ok(web::Json(contract_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}
