use actix_web::{post, web, HttpResponse};
use domain::training::check_completed_by;
use domain::training::mandatory::{check_item, MandatoryItem};
use openapi::dto::{MandatoryCompletionView, MandatoryTrainingRequest};
use openapi::Problem;
use openapi::ProblemType;
use persistence::{assignments, audit, contracts, mandatory, training};

use crate::accounts::parse_uuid;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
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
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    body: ValidJson<MandatoryTrainingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let item: MandatoryItem = body.0.item.into();
    let completed_on = body.0.completed_on;
    check_completed_by("completed_on", completed_on, state.today())?;
    let ctx = meta.audit(Some(&caller));
    let row = state
        .write(move |conn| {
            if !assignments::lock_navigator(conn, &id)? {
                return Err(ApiError::NotFound {
                    entity: "navigator",
                });
            }
            let nav = contracts::get_navigator(conn, &id)?.ok_or(ApiError::Internal)?;
            let path =
                training::path_of_selection(conn, &nav.selection_id)?.ok_or(ApiError::Internal)?;
            check_item(item, path.path.final_assessment_required)
                .map_err(|r| ApiError::mandatory(r, path.path.code.clone()))?;
            if mandatory::recorded(conn, &nav.id, item.as_str(), completed_on)? {
                return Err(ApiError::conflict(
                    ProblemType::MandatoryTrainingRecorded,
                    domain::Param::TextOn(item.as_str().to_owned(), completed_on),
                ));
            }
            let row = mandatory::insert(
                conn,
                &nav.id,
                item.as_str(),
                completed_on,
                ctx.actor.as_deref(),
            )?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "mandatory_training.recorded",
                "mandatory_training",
                &row.id,
                None,
                Some(&row),
            )?;
            crate::training::refresh_locked(conn, &nav.id)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(MandatoryCompletionView {
        id: parse_uuid(&row.id)?,
        navigator_id: parse_uuid(&row.navigator_id)?,
        item: row.item,
        completed_on: row.completed_on,
    }))
}
