use actix_web::{get, web};
use openapi::dto::{TrainingBucketView, TrainingModuleView, TrainingPathView};
use openapi::Problem;

use crate::accounts::parse_uuid;
use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::state::AppState;

/// Training paths with their buckets; the distance bucket lists its modules.
#[utoipa::path(
    tag = "training",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<TrainingPathView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/training/paths")]
pub async fn list_paths(
    state: web::Data<AppState>,
    _caller: Authorized<AnyRole>,
) -> ApiResult<web::Json<Vec<TrainingPathView>>> {
    let paths = state
        .read(|conn| Ok(persistence::training::list_paths(conn)?))
        .await?;
    let views = paths
        .into_iter()
        .map(|p| {
            Ok(TrainingPathView {
                id: parse_uuid(&p.path.id)?,
                code: p.path.code,
                name: p.path.name,
                total_hours: p.path.total_hours,
                final_assessment_required: p.path.final_assessment_required,
                buckets: p
                    .buckets
                    .into_iter()
                    .map(|b| TrainingBucketView {
                        modules: (b.kind == "distance").then(|| {
                            p.modules
                                .iter()
                                .map(|m| TrainingModuleView {
                                    code: m.code.clone(),
                                    title: m.title.clone(),
                                    hours: m.hours,
                                })
                                .collect()
                        }),
                        kind: b.kind,
                        share_percent: b.share_percent,
                        hours: b.hours,
                    })
                    .collect(),
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(views))
}
