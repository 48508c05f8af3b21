use actix_web::{post, web, HttpResponse};
use domain::ids::NavigatorId;
use openapi::dto::{MandatoryCompletionView, MandatoryTrainingRequest};
use openapi::Problem;

use crate::accounts::parse_uuid;
use crate::app::training::RecordMandatory;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Records a dated completion of mandatory training.
///
/// `health_and_safety` (salute e sicurezza) or `data_protection`
/// (protezione dei dati), tracked apart from the path's hours; or
/// `final_assessment`, the final assessment of a path that requires one
/// (`final_assessment_required`): the path is complete only once it is
/// passed, on the later of that day and the day the last bucket filled (422
/// `no-final-assessment` on a path without one). A course can be repeated
/// (a refresher), so an item may have several dates; the same item on the
/// same day twice is 409 `mandatory-training-recorded`. No date after
/// today.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Navigator id")),
    request_body = MandatoryTrainingRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = MandatoryCompletionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "mandatory-training-recorded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed, no-final-assessment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/navigators/{id}/mandatory-training")]
pub async fn record_mandatory(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<MandatoryTrainingRequest>,
) -> ApiResult<HttpResponse> {
    let case = RecordMandatory {
        navigator_id: NavigatorId::from_stored(id.into_inner()),
        item: body.0.item.into(),
        completed_on: body.0.completed_on,
    };
    let row = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Created().json(MandatoryCompletionView {
        id: parse_uuid(&row.id)?,
        navigator_id: parse_uuid(&row.navigator_id)?,
        item: row.item,
        completed_on: row.completed_on,
    }))
}
