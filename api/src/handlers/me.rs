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
    let (account, navigator) = state
        .read(move |conn| {
            let account =
                accounts::find_by_id(conn, &id)?.ok_or(ApiError::NotFound { entity: "user" })?;
            let navigator = match &account.user.navigator_id {
                Some(n) => persistence::contracts::get_navigator(conn, n)?,
                None => None,
            };
            Ok((account, navigator))
        })
        .await?;
    Ok(web::Json(MeView {
        user: user_view(&account)?,
        province: navigator.as_ref().map(|n| n.province_sigla.clone()),
        region: navigator.map(|n| n.region_code),
    }))
}
