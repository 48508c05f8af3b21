use actix_web::{post, web};
use domain::ids::SelectionId;
use openapi::dto::{AdmissionProvince, AdmissionResult};
use openapi::Problem;

use crate::app::selection::ComputeAdmission;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidPath};
use crate::state::AppState;

/// Computes who sits the test: per province at most `admission_multiplier x
/// posts` applicants, by degree grade, ties to the younger. Can be run again
/// until the rankings are published.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = AdmissionResult),
        (status = 409, description = "rankings-published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/admission")]
pub async fn compute_admission(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<AdmissionResult>> {
    let case = ComputeAdmission {
        selection_id: SelectionId::from_stored(id.into_inner()),
    };
    let a = state.run(&caller, &meta, case).await?;
    let result = AdmissionResult {
        admitted: a.admitted,
        provinces: a
            .provinces
            .into_iter()
            .map(|p| AdmissionProvince {
                province: p.province,
                posts: p.posts,
                applicants: p.applicants,
                quota: p.quota,
                admitted: p.admitted,
            })
            .collect(),
    };
    Ok(web::Json(result))
}
