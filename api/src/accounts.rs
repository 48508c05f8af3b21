//! Account work shared by the HTTP handlers and the command line: creating
//! accounts (with an activation mail when no password is given) and opening
//! sessions.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::HttpResponse;
use chrono::{Duration, Utc};
use domain::account::{NewAccount, OneTimePurpose};
use openapi::dto::{TokenPair, UserView};
use openapi::ProblemType;
use persistence::accounts::{self, Account};
use persistence::audit::{self, AuditContext};
use persistence::{outbox, DbConnection};

use crate::auth::tokens::{digest, opaque_token, JwtKeys, ENROLMENT_SCOPE};
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;

pub fn user_view(a: &Account) -> ApiResult<UserView> {
    let role = a.user.role()?;
    Ok(UserView {
        id: parse_uuid(&a.user.id)?,
        email: a.user.email.clone(),
        role: role.into(),
        regions: a.regions.clone(),
        navigator_id: a.user.navigator_id.as_deref().map(parse_uuid).transpose()?,
        active: a.user.active,
    })
}

pub fn parse_uuid(raw: &str) -> ApiResult<uuid::Uuid> {
    uuid::Uuid::parse_str(raw).map_err(|_| {
        tracing::error!(id = raw, "stored id is not a UUID");
        ApiError::Internal
    })
}

/// Where links in mails point and which domain Message-IDs carry.
pub struct MailContext<'a> {
    pub public_url: &'a str,
    pub message_domain: &'a str,
}

/// Inserts the account in the caller's transaction. Without a password it
/// stays inactive and an activation link is queued in the same transaction.
pub fn create_account(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    new: &NewAccount,
    password_hash: Option<&str>,
    mail: &MailContext<'_>,
) -> ApiResult<Account> {
    let email_taken = || ApiError::Conflict {
        code: ProblemType::EmailTaken,
        subject: new.email.as_str().into(),
    };
    let navigator_taken = |id: &uuid::Uuid| ApiError::Conflict {
        code: ProblemType::NavigatorHasAccount,
        subject: id.to_string().into(),
    };
    if accounts::find_by_email(conn, new.email.as_str())?.is_some() {
        return Err(email_taken());
    }
    if let Some(id) = &new.navigator_id {
        if accounts::find_by_navigator(conn, &id.to_string())?.is_some() {
            return Err(navigator_taken(id));
        }
    }
    // The checks above answer the common case; the unique indexes answer a
    // concurrent request that passed them at the same moment.
    let account = accounts::insert_user(conn, new, password_hash).map_err(|e| {
        if !e.is_unique_violation() {
            return ApiError::from(e);
        }
        match &new.navigator_id {
            Some(id) if e.to_string().contains("navigator_id") => navigator_taken(id),
            _ => email_taken(),
        }
    })?;
    if password_hash.is_none() {
        send_one_time_link(conn, &account, OneTimePurpose::Activation, mail)?;
    }
    audit::append::<(), _>(
        conn,
        ctx,
        "user.created",
        "user",
        &account.user.id,
        None,
        Some(&account_state(&account)),
    )?;
    Ok(account)
}

/// Issues a one-time token for `purpose` and queues the mail with its link,
/// in the caller's transaction.
pub fn send_one_time_link(
    conn: &mut DbConnection,
    account: &Account,
    purpose: OneTimePurpose,
    mail: &MailContext<'_>,
) -> ApiResult<()> {
    let token = opaque_token();
    accounts::insert_one_time_token(
        conn,
        &account.user.id,
        purpose,
        &digest(&token),
        Utc::now() + purpose.lifetime(),
    )?;
    let text = match purpose {
        OneTimePurpose::Activation => {
            templates::activation(mail.public_url, &token, &account.user.role)
        }
        OneTimePurpose::PasswordReset => templates::password_reset(mail.public_url, &token),
    };
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            recipient: &account.user.email,
            subject: &text.subject,
            body: &text.body,
            kind: purpose.as_str(),
        },
        mail.message_domain,
    )?;
    Ok(())
}

/// The answer of login and refresh. It carries tokens, so no cache (a
/// browser's, a proxy's) may keep it: `no-store`, and `Pragma` for HTTP/1.0
/// caches (RFC 6749 §5.1).
pub fn token_pair(session: Session, account: &Account) -> ApiResult<HttpResponse> {
    let pair = TokenPair {
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        token_type: "Bearer".into(),
        expires_in: session.expires_in,
        user: user_view(account)?,
        totp_enrolment_required: session.enrolment_only,
    };
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(pair))
}

/// What the audit log keeps of an account: never a password hash.
pub fn account_state(a: &Account) -> serde_json::Value {
    serde_json::json!({
        "email": a.user.email,
        "role": a.user.role,
        "regions": a.regions,
        "navigator_id": a.user.navigator_id,
        "active": a.user.active,
    })
}

pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    /// The session: the refresh-token family.
    pub family: String,
    /// The session may only enrol a second factor.
    pub enrolment_only: bool,
}

/// Issues an access token and a refresh token; a new family at login, the
/// same family on rotation. `enrolment_only` limits the access token to
/// enrolling a second factor.
pub fn open_session(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    account: &Account,
    refresh_days: i64,
    family: Option<&str>,
    enrolment_only: bool,
) -> ApiResult<Session> {
    let family = family.map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let access_token = jwt
        .issue_scoped(
            &account.user.id,
            &account.user.role,
            &account.regions,
            account.user.navigator_id.as_deref(),
            Some(&family),
            enrolment_only.then_some(ENROLMENT_SCOPE),
        )
        .map_err(|e| {
            tracing::error!(error = %e, "cannot sign an access token");
            ApiError::Internal
        })?;
    let refresh_token = opaque_token();
    accounts::insert_refresh_token(
        conn,
        &account.user.id,
        &family,
        &digest(&refresh_token),
        Utc::now() + Duration::days(refresh_days),
    )?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_in: jwt.access_ttl.num_seconds(),
        family,
        enrolment_only,
    })
}
