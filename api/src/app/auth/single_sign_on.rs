//! Signing staff in through the organisation's identity provider: the
//! attempt recorded as the browser leaves, taken back once on its return,
//! and the session opened for the account the provider vouches for.
//!
//! Only existing staff accounts sign in this way, matched by email: the
//! provider says who the person is and, through the role map, what they
//! do; administrators still decide who has an account here. The role and
//! Regions the groups give replace the account's at each sign-in (the
//! provider is where a coordinator moves Region). The provider's sign-in
//! stands for the second factor: no TOTP code is asked.

use std::sync::Arc;

use chrono::Duration;
use domain::account::Role;
use persistence::accounts::{self, Account};
use persistence::single_sign_on::{self as attempts, Attempt};
use persistence::{audit, sessions, DbConnection};

use crate::accounts::{account_state, open_session, Session};
use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::{digest, JwtKeys};
use crate::error::{ApiError, ApiResult};
use crate::single_sign_on::{Identity, Refusal};

/// How long the provider may keep the browser before it comes back.
pub fn attempt_lifetime() -> Duration {
    Duration::minutes(10)
}

/// Records a sign-in leaving for the provider.
#[derive(Clone)]
pub struct LeaveForProvider {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

impl UseCase for LeaveForProvider {
    type Outcome = ();
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
        attempts::insert_attempt(
            conn,
            &digest(&self.state),
            &self.nonce,
            &self.verifier,
            act.now - attempt_lifetime(),
        )?;
        Ok(())
    }
}

/// Takes back the attempt a return names: once, and only while fresh.
#[derive(Clone)]
pub struct ReturnFromProvider {
    pub state: String,
}

impl UseCase for ReturnFromProvider {
    type Outcome = Option<Attempt>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Option<Attempt>> {
        let taken = attempts::take_attempt(conn, &digest(&self.state))?;
        Ok(taken.filter(|a| act.now - a.created_at <= attempt_lifetime()))
    }
}

/// Opens a console session for the person the provider vouched for.
#[derive(Clone)]
pub struct SignInThroughProvider {
    pub identity: Identity,
    pub jwt: Arc<JwtKeys>,
}

impl UseCase for SignInThroughProvider {
    type Outcome = Result<(Session, Account), Refusal>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome> {
        let who = &self.identity;
        let granted = act.settings.oidc_role_map.grant(&who.groups);
        let account = accounts::find_by_email(conn, &who.email)?;
        let refusal = match (&granted, &account) {
            (None, _) => Some(Refusal::NoRole),
            (_, None) => Some(Refusal::NoAccount),
            (_, Some(a)) if a.user.role()? == Role::Navigator => Some(Refusal::NotStaff),
            (_, Some(a)) if !a.user.not_cut_off_on(act.today) => Some(Refusal::NoAccount),
            _ => None,
        };
        let (Some(granted), Some(account), None) = (granted, account, refusal) else {
            let reason = refusal.unwrap_or(Refusal::NoAccount);
            audit::append::<(), _>(
                conn,
                &act.audit(),
                "session.single-sign-on-refused",
                "single-sign-on",
                &who.email,
                None,
                Some(&serde_json::json!({
                    "email": who.email,
                    "subject": who.subject,
                    "groups": who.groups,
                    "reason": reason.as_str(),
                })),
            )?;
            return Ok(Err(reason));
        };
        let ctx = audit::AuditContext {
            actor: Some(account.user.id.clone()),
            ..act.audit()
        };
        let regions: Vec<String> = granted
            .regions
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        let account = if account.user.role()? != granted.role || account.regions != regions {
            accounts::set_role_and_regions(conn, &account.user.id, granted.role, &regions)?;
            let after = accounts::find_by_id(conn, &account.user.id)?
                .ok_or(ApiError::NotFound { entity: "user" })?;
            audit::append(
                conn,
                &ctx,
                "user.role-from-identity-provider",
                "user",
                &after.user.id,
                Some(&account_state(&account)),
                Some(&account_state(&after)),
            )?;
            after
        } else {
            account
        };
        let session = open_session(
            conn,
            &self.jwt,
            &account,
            act.settings.refresh_token_days,
            None,
            false,
        )?;
        sessions::purge_console_sessions(
            conn,
            act.now - Duration::seconds(act.settings.console_absolute_seconds),
        )?;
        sessions::open_console_session(conn, &session.family, &account.user.id, true)?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "session.opened",
            "user",
            &account.user.id,
            None,
            Some(&serde_json::json!({
                "single_sign_on": true,
                "subject": who.subject,
            })),
        )?;
        Ok(Ok((session, account)))
    }
}
