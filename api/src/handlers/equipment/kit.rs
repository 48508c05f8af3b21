use actix_web::{get, post, web};
use domain::ids::NavigatorId;
use openapi::dto::KitView;
use openapi::Problem;

use super::views::kit_view;
use crate::app::equipment::{AcknowledgeKit, ReadKit, ReadOwnKit};
use crate::auth::caller::{HrOnly, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidPath};
use crate::state::AppState;

/// A Navigator's kit: what they hold and which parts are missing.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Navigator id")),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = KitView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators/{id}/kit")]
pub async fn navigator_kit(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<KitView>> {
    let case = ReadKit {
        navigator_id: NavigatorId::from_stored(id.into_inner()),
    };
    let kit = state.run(&caller, &meta, case).await?;
    Ok(web::Json(kit_view(&kit)?))
}

/// The caller's own kit.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses((status = 200, body = KitView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/me/kit")]
pub async fn my_kit(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<KitView>> {
    let kit = state.run(&caller, &meta, ReadOwnKit).await?;
    Ok(web::Json(kit_view(&kit)?))
}

/// The Navigator confirms from the tablet that they received the items they
/// hold; the time is recorded on each. Repeating it changes nothing.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = KitView),
        (status = 409, description = "nothing-to-acknowledge", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/kit/acknowledge")]
pub async fn acknowledge_kit(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<KitView>> {
    let kit = state.run(&caller, &meta, AcknowledgeKit).await?;
    Ok(web::Json(kit_view(&kit)?))
}
