use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::ids::NavigatorId;
use openapi::dto::TrainingProgressView;
use openapi::Problem;

use crate::app::navigators::{MakeProgress, ReadStoredProgress};
use crate::auth::caller::{HrCoordinatorOrNavigator, NavigatorOnly};
use crate::auth::{Authorized, Caller};
use crate::error::{ApiError, ApiResult};
use crate::etag::stored_with_etag;
use crate::extract::{RequestMeta, ValidPath};
use crate::progress_polls::ProgressPolls;
use crate::state::AppState;

/// The stored progress of a Navigator the caller may see, made and stored
/// on first read for a Navigator with no record yet, and made anew when the
/// one stored has a body of an older shape.
pub(crate) async fn progress_of(
    state: &AppState,
    polls: &ProgressPolls,
    caller: &Caller,
    meta: &RequestMeta,
    navigator_id: String,
) -> ApiResult<(String, String)> {
    // A Navigator reading their own needs no lookup: the token says who.
    // Their tablets poll, so their reads go together (`ProgressPolls`).
    let stored = if caller.navigator_id.as_deref() == Some(navigator_id.as_str()) {
        polls.stored(&navigator_id).await?
    } else {
        let case = ReadStoredProgress {
            navigator_id: NavigatorId::from_stored(navigator_id.clone()),
        };
        state.run(caller, meta, case).await?
    };
    if let Some(found) = stored {
        return Ok(found);
    }
    state
        .run(
            caller,
            meta,
            MakeProgress {
                navigator_id: NavigatorId::from_stored(navigator_id),
            },
        )
        .await
}

/// The caller's training progress, per bucket, for the tablet: small, with
/// a strong `ETag`; `If-None-Match` answers 304 with no body.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = TrainingProgressView, headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "Not modified since the tag in If-None-Match"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/training")]
pub async fn my_training(
    req: HttpRequest,
    state: web::Data<AppState>,
    polls: web::Data<ProgressPolls>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<HttpResponse> {
    let id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    let (body, tag) = progress_of(&state, &polls, &caller, &meta, id).await?;
    stored_with_etag(&req, body, &tag)
}

/// A Navigator's training progress: HR, their Region's coordinators, and
/// the Navigator themselves.
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id")),
    security(("bearer_auth" = ["hr", "coordinator", "navigator"])),
    responses(
        (status = 200, body = TrainingProgressView, headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "Not modified since the tag in If-None-Match"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators/{id}/training")]
pub async fn navigator_training(
    req: HttpRequest,
    state: web::Data<AppState>,
    polls: web::Data<ProgressPolls>,
    caller: Authorized<HrCoordinatorOrNavigator>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (body, tag) = progress_of(&state, &polls, &caller, &meta, id).await?;
    stored_with_etag(&req, body, &tag)
}
