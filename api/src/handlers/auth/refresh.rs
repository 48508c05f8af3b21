use actix_web::{post, web, HttpResponse};
use openapi::dto::{RefreshRequest, TokenPair};
use openapi::Problem;

use crate::accounts::token_pair;
use crate::app::auth::{Refresh, Refreshed};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

/// Exchanges a refresh token for a new pair. The old token is spent; if a
/// spent token comes back, every token of its family is revoked.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "refresh-token-invalid or refresh-token-reused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let case = Refresh {
        refresh_token: body.0.refresh_token,
        jwt: state.jwt.clone(),
    };
    match state.run_public(&meta, case).await? {
        Refreshed::Rotated(pair) => {
            let (session, account) = *pair;
            token_pair(session, &account)
        }
        Refreshed::Reused { family } => {
            state.apply_revoked([family]);
            Err(ApiError::RefreshTokenReused)
        }
        Refreshed::Refused { revoked } => {
            state.apply_revoked(revoked);
            Err(ApiError::RefreshTokenInvalid)
        }
    }
}
