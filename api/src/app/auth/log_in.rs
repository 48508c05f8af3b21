//! Email and password for an access token and a refresh token. After
//! repeated failures the account from that address, and (far later) the
//! address, are throttled, whether or not the account exists.
//!
//! An account with a second factor gives its code in the same request
//! (`totp`): one request, one throttle slot, no half-signed-in state kept
//! on the server between a password step and a code step. A wrong or
//! missing code counts as a failed attempt like a wrong password.

use std::sync::Arc;

use chrono::Utc;
use domain::account::Role;
use domain::second_factor::{password_sign_in, PasswordSignIn};
use domain::single_sign_on::password_allowed;
use domain::throttle::ThrottlePolicy;
use persistence::accounts::{self, Account};
use persistence::{audit, write_transaction, DbConnection};

use crate::accounts::{open_session, Session};
use crate::app::auth::second_factor::{confirmed_factor, verify_second_factor, FactorUsed};
use crate::app::{Access, Act, UseCase};
use crate::auth::password;
use crate::auth::tokens::JwtKeys;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct LogIn {
    pub email: String,
    pub password: String,
    /// The second factor typed (a code or a recovery code), for an account
    /// that has one.
    pub totp: Option<String>,
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
        let role = account.user.role()?;
        let admitted = self.roles.contains(&role);
        // A role that signs in through the identity provider only: told so
        // once the password is right (a wrong one says no more than
        // usual). The attempt stays counted, as no session opens.
        if admitted && !password_allowed(role, &act.settings.oidc_only_roles) {
            return Err(ApiError::SingleSignOnRequired);
        }
        // The second factor is asked only of the right person at the right
        // door. A missing, wrong or replayed code leaves the claimed slots
        // counted, as a wrong password does.
        let mut factor_used = None;
        let mut enrolment_only = false;
        if admitted {
            let factor = confirmed_factor(conn, &account.user.id)?;
            let required = &act.settings.totp_required_roles;
            match password_sign_in(role, required, factor.is_some()) {
                PasswordSignIn::Session => {}
                PasswordSignIn::EnrolmentOnly => enrolment_only = true,
                PasswordSignIn::CodeAsked => {
                    if let Some(factor) = &factor {
                        let ctx = audit::AuditContext {
                            actor: Some(account.user.id.clone()),
                            ..act.audit()
                        };
                        factor_used = Some(verify_second_factor(
                            conn,
                            &ctx,
                            factor,
                            &account.user.email,
                            self.totp.as_deref(),
                            Utc::now(),
                        )?);
                    }
                }
            }
        }
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
            let session = open_session(
                conn,
                &self.jwt,
                &account,
                refresh_days,
                None,
                enrolment_only,
            )?;
            let ctx = audit::AuditContext {
                actor: Some(account.user.id.clone()),
                ..act.audit()
            };
            let detail = (factor_used.is_some() || enrolment_only).then(|| {
                serde_json::json!({
                    "second_factor": factor_used.map(FactorUsed::as_str),
                    "enrolment_only": enrolment_only,
                })
            });
            audit::append::<(), _>(
                conn,
                &ctx,
                "session.opened",
                "user",
                &account.user.id,
                None,
                detail.as_ref(),
            )?;
            Ok(Some((session, account)))
        })?
        .ok_or(ApiError::Forbidden)
    }
}
