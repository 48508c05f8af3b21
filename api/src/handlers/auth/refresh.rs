use actix_web::{post, web};
use chrono::Utc;
use domain::account::{decide_refresh, RefreshDecision};
use openapi::dto::{RefreshRequest, TokenPair};
use openapi::Problem;
use persistence::{accounts, audit};

use crate::accounts::{open_session, token_pair, Session};
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

enum Outcome {
    Rotated(Box<(Session, accounts::Account)>),
    Reused,
    Refused,
}

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
) -> ApiResult<web::Json<TokenPair>> {
    let hash = digest(body.0.refresh_token.trim());
    let jwt = state.jwt.clone();
    let refresh_days = state.settings.refresh_token_days;
    let ctx = meta.audit(None);
    let today = state.today();
    // Revocations commit even though the caller gets a 401.
    let outcome = state
        .write(move |conn| {
            let Some(token) = accounts::find_refresh_token(conn, &hash)? else {
                return Ok(Outcome::Refused);
            };
            let ctx = audit::AuditContext { actor: Some(token.user_id.clone()), ..ctx };
            let now = Utc::now();
            let revoke = |conn: &mut persistence::DbConnection| -> ApiResult<Outcome> {
                let n = accounts::revoke_family(conn, &token.family_id)?;
                audit::append::<(), _>(
                    conn,
                    &ctx,
                    "session.refresh-token-reused",
                    "user",
                    &token.user_id,
                    None,
                    Some(&serde_json::json!({ "family": token.family_id, "revoked": n })),
                )?;
                tracing::warn!(user = %token.user_id, family = %token.family_id, "refresh token reused: family revoked");
                Ok(Outcome::Reused)
            };
            match decide_refresh(token.state(), token.expires_at_utc(), now) {
                RefreshDecision::Refuse => Ok(Outcome::Refused),
                RefreshDecision::RevokeFamily => revoke(conn),
                RefreshDecision::Rotate => {
                    if !accounts::spend_refresh_token(conn, &token.id)? {
                        return revoke(conn);
                    }
                    let account = accounts::find_by_id(conn, &token.user_id)?.ok_or(ApiError::RefreshTokenInvalid)?;
                    if !account.user.can_log_in_on(today) {
                        accounts::revoke_family(conn, &token.family_id)?;
                        return Ok(Outcome::Refused);
                    }
                    let session = open_session(conn, &jwt, &account, refresh_days, Some(&token.family_id))?;
                    Ok(Outcome::Rotated(Box::new((session, account))))
                }
            }
        })
        .await?;
    match outcome {
        Outcome::Rotated(pair) => {
            let (session, account) = *pair;
            Ok(web::Json(token_pair(session, &account)?))
        }
        Outcome::Reused => Err(ApiError::RefreshTokenReused),
        Outcome::Refused => Err(ApiError::RefreshTokenInvalid),
    }
}
