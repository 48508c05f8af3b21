use actix_web::{post, web};
use chrono::Utc;
use domain::throttle::ThrottlePolicy;
use openapi::dto::{LoginRequest, TokenPair};
use openapi::Problem;
use persistence::accounts;
use persistence::audit;

use crate::accounts::{open_session, token_pair};
use crate::auth::password;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

fn address_key(addr: &str) -> String {
    format!("address:{addr}")
}

/// Exchanges email and password for an access token and a refresh token.
/// After repeated failures the account and the client address are throttled
/// (429 with `Retry-After`), whether or not the account exists.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "invalid-credentials", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too-many-attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<LoginRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let LoginRequest { email, password } = body.0;
    let email = email.trim().to_lowercase();
    let keys = [
        (account_key(&email), ThrottlePolicy::per_account()),
        (
            address_key(&meta.client_addr),
            ThrottlePolicy::per_address(),
        ),
    ];

    let (locked, account) = {
        let keys = keys.clone();
        let email = email.clone();
        state
            .read(move |conn| {
                let now = Utc::now();
                let mut wait = None;
                for (key, policy) in &keys {
                    let rec = accounts::failure_record(conn, key)?;
                    wait = wait.max(policy.retry_after(rec.as_ref(), now));
                }
                Ok((wait, accounts::find_by_email(conn, &email)?))
            })
            .await?
    };
    if let Some(retry_after) = locked {
        return Err(ApiError::Throttled { retry_after });
    }

    let stored = account.as_ref().and_then(|a| a.user.password_hash.clone());
    let verified = web::block(move || password::verify(&password, stored.as_deref())).await?;
    let today = state.today();
    let account = account.filter(|a| verified && a.user.can_log_in_on(today));

    let Some(account) = account else {
        state
            .write(move |conn| {
                let now = Utc::now();
                for (key, policy) in &keys {
                    // Optimistic: re-read and retry when a parallel failure won.
                    for _ in 0..20 {
                        let rec = accounts::failure_record(conn, key)?;
                        let next = policy.after_failure(rec.as_ref(), now);
                        if accounts::replace_failure_record(conn, key, rec.as_ref(), &next)? {
                            break;
                        }
                    }
                }
                Ok(())
            })
            .await?;
        return Err(ApiError::InvalidCredentials);
    };

    let jwt = state.jwt.clone();
    let refresh_days = state.settings.refresh_token_days;
    let ctx = meta.audit(None);
    let (session, account) = state
        .write(move |conn| {
            accounts::clear_failures(conn, &keys[0].0)?;
            let session = open_session(conn, &jwt, &account, refresh_days, None)?;
            let ctx = persistence::audit::AuditContext {
                actor: Some(account.user.id.clone()),
                ..ctx
            };
            audit::append::<(), ()>(
                conn,
                &ctx,
                "session.opened",
                "user",
                &account.user.id,
                None,
                None,
            )?;
            Ok((session, account))
        })
        .await?;
    Ok(web::Json(token_pair(session, &account)?))
}
