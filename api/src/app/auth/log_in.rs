//! Email and password for an access token and a refresh token. After
//! repeated failures the account from that address, and (far later) the
//! address, are throttled, whether or not the account exists.

use std::sync::Arc;

use chrono::Utc;
use domain::account::Role;
use domain::throttle::ThrottlePolicy;
use persistence::accounts::{self, Account};
use persistence::{audit, write_transaction, DbConnection};

use crate::accounts::{open_session, Session};
use crate::app::{Access, Act, UseCase};
use crate::auth::password;
use crate::auth::tokens::JwtKeys;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct LogIn {
    pub email: String,
    pub password: String,
    /// The address the attempt came from, throttled beside the account.
    pub client_addr: String,
    pub jwt: Arc<JwtKeys>,
    /// The roles this door lets in (the API: every role; the tablet app:
    /// Navigators). Another role with the right password opens no session
    /// and is told so ([`ApiError::Forbidden`]).
    pub roles: &'static [Role],
}

/// The account from one address: the key the password guesses count on.
fn account_key(email: &str, addr: &str) -> String {
    format!("account:{email}|address:{addr}")
}

fn address_key(addr: &str) -> String {
    format!("address:{addr}")
}

impl UseCase for LogIn {
    type Outcome = (Session, Account);
    // The password check takes tens of milliseconds: no transaction is held
    // across it.
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome> {
        let email = self.email.trim().to_lowercase();
        // Always locked in this order, so two attempts never wait on each other
        // crosswise.
        let keys = [
            (
                account_key(&email, &self.client_addr),
                ThrottlePolicy::per_account_from_address(),
            ),
            (
                address_key(&self.client_addr),
                ThrottlePolicy::per_address(),
            ),
        ];
        // The attempt claims its slot before the password is checked, in a
        // short transaction of its own: of any number of parallel guesses,
        // at most the policy's number get checked; the others wait out the
        // lock.
        write_transaction(conn, |conn| -> ApiResult<()> {
            let now = Utc::now();
            let mut claimed = Vec::with_capacity(keys.len());
            for (key, policy) in &keys {
                let rec = accounts::lock_failure_record(conn, key, now)?;
                if let Some(retry_after) = policy.retry_after(Some(&rec), now) {
                    return Err(ApiError::Throttled { retry_after });
                }
                claimed.push((key, policy.after_failure(Some(&rec), now)));
            }
            for (key, rec) in claimed {
                accounts::store_failure_record(conn, key, &rec)?;
            }
            Ok(())
        })?;
        let account = accounts::find_by_email(conn, &email)?;
        let stored = account.as_ref().and_then(|a| a.user.password_hash.clone());
        let verified = password::verify(&self.password, stored.as_deref());
        let Some(account) = account.filter(|a| verified && a.user.can_log_in_on(act.today)) else {
            // The claimed slots stay counted as failures.
            return Err(ApiError::InvalidCredentials);
        };
        let admitted = account
            .user
            .role()
            .is_ok_and(|role| self.roles.contains(&role));
        write_transaction(conn, |conn| {
            // A right password clears the account's count and gives the
            // address its slot back.
            accounts::clear_failures(conn, &keys[0].0, Utc::now())?;
            let (key, policy) = &keys[1];
            let rec = accounts::lock_failure_record(conn, key, Utc::now())?;
            accounts::store_failure_record(conn, key, &policy.after_refund(&rec))?;
            if !admitted {
                // Not a failure: the right person at the wrong door.
                return Ok::<_, ApiError>(None);
            }
            let refresh_days = act.settings.refresh_token_days;
            let session = open_session(conn, &self.jwt, &account, refresh_days, None)?;
            let ctx = audit::AuditContext {
                actor: Some(account.user.id.clone()),
                ..act.audit()
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
            Ok(Some((session, account)))
        })?
        .ok_or(ApiError::Forbidden)
    }
}
