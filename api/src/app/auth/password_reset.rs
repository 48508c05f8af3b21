//! Setting a password from a mailed link: asking for the link, and using
//! it (an activation link works the same way).

use chrono::Utc;
use domain::account::{check_password, one_time_token_usable, Email, OneTimePurpose, Role};
use domain::throttle::ThrottlePolicy;
use persistence::{accounts, audit, write_transaction, DbConnection};

use crate::accounts::{send_one_time_link, MailContext};
use crate::app::{Access, Act, UseCase};
use crate::auth::password;
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};

/// Mails a one-time link to set a new password, if the address has an
/// account; whoever asks learns nothing either way.
#[derive(Clone)]
pub struct RequestPasswordReset {
    pub email: String,
}

impl UseCase for RequestPasswordReset {
    type Outcome = ();
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
        let email = self.email.trim().to_lowercase();
        let Some(account) = accounts::find_by_email(conn, &email)? else {
            return Ok(());
        };
        // Past three mails an hour no mail goes out, so the form cannot
        // flood a mailbox.
        let key = format!("reset:{}", account.user.email);
        let policy = ThrottlePolicy::per_reset_mailbox();
        let now = Utc::now();
        let rec = accounts::lock_failure_record(conn, &key, now)?;
        if policy.retry_after(Some(&rec), now).is_some() {
            return Ok(());
        }
        accounts::store_failure_record(conn, &key, &policy.after_failure(Some(&rec), now))?;
        let domain = act.settings.public_host();
        let mail = MailContext {
            public_url: &act.settings.public_url,
            message_domain: &domain,
        };
        send_one_time_link(conn, &account, OneTimePurpose::PasswordReset, &mail)?;
        audit::append::<(), ()>(
            conn,
            &act.audit(),
            "password.reset-requested",
            "user",
            &account.user.id,
            None,
            None,
        )?;
        Ok(())
    }
}

/// Sets the password with the token of an activation or reset mail. The
/// token works once; every session of the account is closed.
#[derive(Clone)]
pub struct ConfirmPasswordReset {
    pub token: String,
    pub new_password: String,
}

impl UseCase for ConfirmPasswordReset {
    /// The sessions closed.
    type Outcome = Vec<String>;
    // Hashing the new password takes tens of milliseconds: no transaction
    // is held across it.
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<String>> {
        let hash = digest(self.token.trim());
        let found = match accounts::find_one_time_token(conn, &hash)? {
            Some(t) => accounts::find_by_id(conn, &t.user_id)?.map(|a| (t, a)),
            None => None,
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
        check_password("new_password", &self.new_password, email.as_ref())?;
        let new_hash = password::hash(&self.new_password).map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::Internal
        })?;
        let ctx = audit::AuditContext {
            actor: Some(account.user.id.clone()),
            ..act.audit()
        };
        write_transaction(conn, |conn| {
            // Conditional: of two requests racing with one token, one wins.
            if !accounts::use_one_time_token(conn, &token_row.id)? {
                return Err(ApiError::OneTimeTokenInvalid);
            }
            accounts::set_password(conn, &account.user.id, &new_hash)?;
            accounts::void_one_time_tokens_of_user(conn, &account.user.id)?;
            let closed = accounts::revoke_all_of_user(conn, &account.user.id)?;
            let action = if token_row.purpose == OneTimePurpose::Activation.as_str() {
                "user.activated"
            } else {
                "password.reset"
            };
            audit::append::<(), ()>(conn, &ctx, action, "user", &account.user.id, None, None)?;
            Ok(closed)
        })
    }
}

/// Whether a mailed activation or reset link still works, and for what:
/// the page asks before showing its form, so that nobody types a new
/// password into a link that can no longer take it. Uses nothing.
#[derive(Clone)]
pub struct CheckOneTimeLink {
    pub token: String,
}

impl UseCase for CheckOneTimeLink {
    type Outcome = OneTimePurpose;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<OneTimePurpose> {
        let hash = digest(self.token.trim());
        accounts::find_one_time_token(conn, &hash)?
            .filter(|t| {
                one_time_token_usable(
                    t.used_at.is_some(),
                    persistence::time::from_db(t.expires_at),
                    Utc::now(),
                )
            })
            .and_then(|t| OneTimePurpose::parse(&t.purpose))
            .ok_or(ApiError::OneTimeTokenInvalid)
    }
}
