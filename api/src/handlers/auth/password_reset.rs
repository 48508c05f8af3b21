use actix_web::{post, web, HttpResponse};
use chrono::Utc;
use domain::account::{check_password, one_time_token_usable, Email, OneTimePurpose};
use domain::throttle::ThrottlePolicy;
use openapi::dto::{PasswordResetConfirm, PasswordResetRequest};
use openapi::Problem;
use persistence::{accounts, audit};

use crate::accounts::{send_one_time_link, MailContext};
use crate::auth::password;
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};
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
    let email = body.0.email.trim().to_lowercase();
    let public_url = state.settings.public_url.clone();
    let domain = state.settings.public_host();
    let ctx = meta.audit(None);
    state
        .write(move |conn| {
            let Some(account) = accounts::find_by_email(conn, &email)? else {
                return Ok(());
            };
            // Past three mails an hour the answer stays 202 but no mail
            // goes out, so the form cannot flood a mailbox.
            let key = format!("reset:{}", account.user.email);
            let policy = ThrottlePolicy::per_reset_mailbox();
            let now = Utc::now();
            let rec = accounts::failure_record(conn, &key)?;
            if policy.retry_after(rec.as_ref(), now).is_some() {
                return Ok(());
            }
            accounts::replace_failure_record(
                conn,
                &key,
                rec.as_ref(),
                &policy.after_failure(rec.as_ref(), now),
            )?;
            let mail = MailContext {
                public_url: &public_url,
                message_domain: &domain,
            };
            send_one_time_link(conn, &account, OneTimePurpose::PasswordReset, &mail)?;
            audit::append::<(), ()>(
                conn,
                &ctx,
                "password.reset-requested",
                "user",
                &account.user.id,
                None,
                None,
            )?;
            Ok(())
        })
        .await?;
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
    let hash = digest(token.trim());
    let found = {
        let hash = hash.clone();
        state
            .read(move |conn| {
                let Some(t) = accounts::find_one_time_token(conn, &hash)? else {
                    return Ok(None);
                };
                Ok(accounts::find_by_id(conn, &t.user_id)?.map(|a| (t, a)))
            })
            .await?
    };
    let Some((token_row, account)) = found.filter(|(t, _)| {
        OneTimePurpose::parse(&t.purpose).is_some()
            && one_time_token_usable(
                t.used_at.is_some(),
                persistence::time::from_db(t.expires_at),
                Utc::now(),
            )
    }) else {
        return Err(ApiError::OneTimeTokenInvalid);
    };
    let email = Email::parse("email", &account.user.email).ok();
    check_password("new_password", &new_password, email.as_ref())?;
    let new_hash = web::block(move || password::hash(&new_password))
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::Internal
        })?;
    let ctx = meta.audit(None);
    let ctx = audit::AuditContext {
        actor: Some(account.user.id.clone()),
        ..ctx
    };
    state
        .write(move |conn| {
            // Conditional: of two requests racing with one token, one wins.
            if !accounts::use_one_time_token(conn, &token_row.id)? {
                return Err(ApiError::OneTimeTokenInvalid);
            }
            accounts::set_password(conn, &account.user.id, &new_hash)?;
            accounts::void_one_time_tokens_of_user(conn, &account.user.id)?;
            accounts::revoke_all_of_user(conn, &account.user.id)?;
            let action = if token_row.purpose == OneTimePurpose::Activation.as_str() {
                "user.activated"
            } else {
                "password.reset"
            };
            audit::append::<(), ()>(conn, &ctx, action, "user", &account.user.id, None, None)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
