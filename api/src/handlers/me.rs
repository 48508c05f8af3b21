use actix_web::{get, web};
use openapi::dto::MeView;
use openapi::Problem;
use persistence::accounts;

use crate::accounts::user_view;
use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The caller's account; for a Navigator also their province and Region.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = MeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
) -> ApiResult<web::Json<MeView>> {
    let id = caller.user_id.clone();
    let account = state
        .read(move |conn| Ok(accounts::find_by_id(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound { entity: "user" })?;
    Ok(web::Json(MeView {
        user: user_view(&account)?,
        // Filled once Navigators have contracts with a seat.
        province: None,
        region: None,
    }))
}
