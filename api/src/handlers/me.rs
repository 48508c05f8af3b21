use actix_web::{get, web};
use openapi::dto::MeView;
use openapi::Problem;

use crate::accounts::user_view;
use crate::app::users::ReadOwnAccount;
use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::RequestMeta;
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
    meta: RequestMeta,
) -> ApiResult<web::Json<MeView>> {
    let (account, navigator) = state.run(&caller, &meta, ReadOwnAccount).await?;
    Ok(web::Json(MeView {
        user: user_view(&account)?,
        province: navigator.as_ref().map(|n| n.province_sigla.clone()),
        region: navigator.map(|n| n.region_code),
    }))
}
