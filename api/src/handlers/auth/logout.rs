use actix_web::{post, web, HttpResponse};
use openapi::dto::RefreshRequest;
use openapi::Problem;

use crate::app::auth::LogOut;
use crate::auth::caller::Enrolling;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

/// Ends the session: the refresh token's family is revoked, and the access
/// tokens it issued stop working at once.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Logged out (also when the token was already spent)"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    // A session limited to enrolling a second factor may end too.
    caller: Enrolling,
    meta: RequestMeta,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let case = LogOut {
        refresh_token: body.0.refresh_token,
    };
    let revoked = state.run(&caller, &meta, case).await?;
    state.apply_revoked(revoked);
    Ok(HttpResponse::NoContent().finish())
}
