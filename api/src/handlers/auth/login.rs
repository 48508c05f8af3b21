use actix_web::{post, web, HttpResponse};
use openapi::dto::{LoginRequest, TokenPair};
use openapi::Problem;

use crate::accounts::token_pair;
use crate::app::auth::LogIn;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

/// Exchanges email and password for an access token and a refresh token.
/// After repeated failures the account and the client address are throttled
/// (429 with `Retry-After`), whether or not the account exists.
///
/// An account with a second factor gives its code (or a recovery code) in
/// `totp`; without it the answer is 401 `totp-required`, with a wrong one
/// `totp-wrong-code`, with one used already `totp-replayed` or
/// `recovery-code-used`: each counts as a failed attempt. An account whose
/// role must have a second factor and has none gets a session that may
/// only enrol one (`totp_enrolment_required: true`). A role that signs in
/// only through the organisation's identity provider (single sign-on) gets
/// 403 `single-sign-on-required` for a right password, and no session.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "invalid-credentials, totp-required, totp-wrong-code, totp-replayed, recovery-code-used", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "single-sign-on-required", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too-many-attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest {
        email,
        password,
        totp,
    } = body.0;
    let case = LogIn {
        email,
        password,
        totp,
        client_addr: meta.client_addr.clone(),
        jwt: state.jwt.clone(),
        roles: &domain::account::Role::ALL,
    };
    let (session, account) = state
        .metrics
        .counted_login(state.run_public(&meta, case).await)?;
    token_pair(session, &account)
}
