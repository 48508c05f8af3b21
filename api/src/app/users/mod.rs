//! Accounts: created and listed by administrators; everyone reads their
//! own. HR creates and deactivates the experts' accounts.

use domain::account::{NewAccount, Role};
use domain::RuleCode;
use persistence::accounts::{self, Account};
use persistence::contracts::NavigatorRow;
use persistence::DbConnection;

use crate::accounts::{create_account, MailContext};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A new account. Without a password hash, the person gets an activation
/// link by mail and the account stays inactive until they use it.
#[derive(Clone)]
pub struct CreateUser {
    pub new: NewAccount,
    /// Hashed before the transaction: hashing takes tens of milliseconds,
    /// too long to hold the write lock for.
    pub password_hash: Option<String>,
}

impl UseCase for CreateUser {
    type Outcome = Account;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Account> {
        check_manages(act, self.new.role)?;
        if let Some(nav) = self.new.navigator_id {
            if persistence::contracts::get_navigator(conn, &nav.to_string())?.is_none() {
                return Err(
                    domain::Violation::new("navigator_id", RuleCode::UnknownNavigator)
                        .with_detail(nav.to_string())
                        .into(),
                );
            }
        }
        let domain = act.settings.public_host();
        let mail = MailContext {
            public_url: &act.settings.public_url,
            message_domain: &domain,
        };
        create_account(
            conn,
            &act.audit(),
            &self.new,
            self.password_hash.as_deref(),
            &mail,
        )
    }
}

/// Whether the caller may create or deactivate an account of `role` (the
/// system always may).
fn check_manages(act: &Act, role: Role) -> ApiResult<()> {
    match &act.caller {
        Some(c) if !c.role.manages_accounts_of(role) => Err(ApiError::Forbidden),
        _ => Ok(()),
    }
}

/// An account closed from today: it can no longer sign in, its sessions
/// end, its pending activation or reset links stop working, and the open
/// questions an expert held go back to the desk. The record stays, for the
/// audit log and what the person did.
#[derive(Clone)]
pub struct DeactivateUser {
    pub id: String,
}

/// The account as it now is, the cut-off and the sessions closed, to be
/// applied once committed.
pub struct Deactivated {
    pub account: Account,
    pub cutoff: (String, chrono::NaiveDate),
    pub closed_sessions: Vec<String>,
}

impl UseCase for DeactivateUser {
    type Outcome = Deactivated;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Deactivated> {
        let account =
            accounts::find_by_id(conn, &self.id)?.ok_or(ApiError::NotFound { entity: "user" })?;
        check_manages(act, account.user.role()?)?;
        // An earlier cut-off (a contract that ended) stays as it is.
        let from = match account.user.disabled_from {
            Some(d) if d <= act.today => d,
            _ => act.today,
        };
        accounts::set_disabled_from(conn, &account.user.id, Some(from))?;
        accounts::void_one_time_tokens_of_user(conn, &account.user.id)?;
        let closed_sessions = accounts::revoke_all_of_user(conn, &account.user.id)?;
        crate::app::questions::release_all_of(conn, act, &account.user.id)?;
        persistence::audit::append(
            conn,
            &act.audit(),
            "user.deactivated",
            "user",
            &account.user.id,
            Some(&serde_json::json!({ "disabled_from": account.user.disabled_from })),
            Some(&serde_json::json!({ "disabled_from": from })),
        )?;
        let account =
            accounts::find_by_id(conn, &self.id)?.ok_or(ApiError::NotFound { entity: "user" })?;
        Ok(Deactivated {
            cutoff: (account.user.id.clone(), from),
            account,
            closed_sessions,
        })
    }
}

/// Every account, by creation, a page at a time.
#[derive(Clone)]
pub struct ListUsers {
    pub after: Option<String>,
    pub limit: i64,
}

impl UseCase for ListUsers {
    type Outcome = Vec<Account>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<Account>> {
        Ok(accounts::list(conn, self.after.as_deref(), self.limit)?)
    }
}

/// The caller's own account, and for a Navigator their record.
#[derive(Clone)]
pub struct ReadOwnAccount;

impl UseCase for ReadOwnAccount {
    type Outcome = (Account, Option<NavigatorRow>);
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome> {
        let id = act
            .caller
            .as_ref()
            .map(|c| c.user_id.as_str())
            .ok_or(ApiError::NotFound { entity: "user" })?;
        let account =
            accounts::find_by_id(conn, id)?.ok_or(ApiError::NotFound { entity: "user" })?;
        let navigator = match &account.user.navigator_id {
            Some(n) => persistence::contracts::get_navigator(conn, n)?,
            None => None,
        };
        Ok((account, navigator))
    }
}
