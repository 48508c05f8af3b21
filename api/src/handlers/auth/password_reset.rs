use actix_web::{post, web, HttpResponse};
use openapi::dto::{PasswordResetConfirm, PasswordResetRequest};
use openapi::Problem;

use crate::app::auth::{ConfirmPasswordReset, RequestPasswordReset};
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

/// Mails a one-time link to set a new password. Always answers 202, so the
/// answer does not tell whether the address has an account.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a mail is on its way"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_reset(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let case = RequestPasswordReset {
        email: body.0.email,
    };
    state.run_public(&meta, case).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets the password with the token of an activation or reset mail. The
/// token works once; every session of the account is closed.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password set; the account is active"),
        (status = 400, description = "one-time-token-invalid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "password rules", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    let PasswordResetConfirm {
        token,
        new_password,
    } = body.0;
    let case = ConfirmPasswordReset {
        token,
        new_password,
    };
    let closed = state.run_public(&meta, case).await?;
    state.apply_revoked(closed);
    Ok(HttpResponse::NoContent().finish())
}
