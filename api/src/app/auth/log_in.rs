//! Email and password for an access token and a refresh token. After
//! repeated failures the account and the client address are throttled,
//! whether or not the account exists.

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
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
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
        let keys = [
            (account_key(&email), ThrottlePolicy::per_account()),
            (
                address_key(&self.client_addr),
                ThrottlePolicy::per_address(),
            ),
        ];
        let mut locked = None;
        for (key, policy) in &keys {
            let rec = accounts::failure_record(conn, key)?;
            locked = locked.max(policy.retry_after(rec.as_ref(), Utc::now()));
        }
        if let Some(retry_after) = locked {
            return Err(ApiError::Throttled { retry_after });
        }
        let account = accounts::find_by_email(conn, &email)?;
        let stored = account.as_ref().and_then(|a| a.user.password_hash.clone());
        let verified = password::verify(&self.password, stored.as_deref());
        let Some(account) = account.filter(|a| verified && a.user.can_log_in_on(act.today)) else {
            write_transaction(conn, |conn| -> ApiResult<()> {
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
            })?;
            return Err(ApiError::InvalidCredentials);
        };
        write_transaction(conn, |conn| {
            accounts::clear_failures(conn, &keys[0].0)?;
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
            Ok((session, account))
        })
    }
}
