//! HR actions on a candidate of a ranking: exclusion, suspension, reinstatement.

use actix_web::{get, post, web};
use domain::ids::ApplicationId;
use domain::selection::scorrimento::CandidateAction;
use openapi::dto::{CandidateView, ReasonRequest};
use openapi::Problem;
use persistence::selection::ApplicationRow;

use crate::accounts::parse_uuid;
use crate::app::scorrimento::{ActOnCandidate, ReadCandidate};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

fn view(a: &ApplicationRow) -> ApiResult<CandidateView> {
    Ok(CandidateView {
        id: parse_uuid(&a.id)?,
        selection_id: parse_uuid(&a.selection_id)?,
        application_no: a.application_no.clone(),
        full_name: format!("{} {}", a.first_name, a.last_name),
        province: a.province_sigla.clone(),
        state: a.state.clone(),
        state_reason: a.state_reason.clone(),
    })
}

/// A candidate (an application) and where they stand in scorrimento.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Candidate id")),
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = CandidateView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/candidates/{id}")]
pub async fn get_candidate(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<CandidateView>> {
    let case = ReadCandidate {
        id: ApplicationId::from_stored(id.into_inner()),
    };
    let a = state.run(&caller, &meta, case).await?;
    Ok(web::Json(view(&a)?))
}

async fn act(
    state: &AppState,
    meta: &RequestMeta,
    caller: &Authorized<HrOnly>,
    id: String,
    action: CandidateAction,
    reason: String,
) -> ApiResult<CandidateView> {
    let case = ActOnCandidate::new(ApplicationId::from_stored(id), action, &reason)?;
    let after = state.run(caller, meta, case).await?;
    view(&after)
}

/// Esclusione: requirements not met. An open offer is withdrawn and its seat freed.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Candidate id")),
    request_body = ReasonRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = CandidateView),
        (status = 409, description = "candidate-action-not-allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/candidates/{id}/exclude")]
pub async fn exclude_candidate(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<CandidateView>> {
    Ok(web::Json(
        act(
            &state,
            &meta,
            &caller,
            id.into_inner(),
            CandidateAction::Exclude,
            body.0.reason,
        )
        .await?,
    ))
}

/// Suspension pending a check: skipped by calls until reinstated; a pending
/// offer is withdrawn and its seat freed.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Candidate id")),
    request_body = ReasonRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = CandidateView),
        (status = 409, description = "candidate-action-not-allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/candidates/{id}/suspend")]
pub async fn suspend_candidate(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<CandidateView>> {
    Ok(web::Json(
        act(
            &state,
            &meta,
            &caller,
            id.into_inner(),
            CandidateAction::Suspend,
            body.0.reason,
        )
        .await?,
    ))
}

/// Back to waiting after a suspension.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Candidate id")),
    request_body = ReasonRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = CandidateView),
        (status = 409, description = "candidate-action-not-allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/candidates/{id}/reinstate")]
pub async fn reinstate_candidate(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<CandidateView>> {
    Ok(web::Json(
        act(
            &state,
            &meta,
            &caller,
            id.into_inner(),
            CandidateAction::Reinstate,
            body.0.reason,
        )
        .await?,
    ))
}
