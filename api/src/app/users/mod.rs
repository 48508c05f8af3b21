//! Accounts: created and listed by administrators; everyone reads their own.

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
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Account> {
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
