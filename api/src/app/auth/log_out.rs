//! Ends the session: the refresh token's family is revoked, and with it the
//! access tokens it issued.

use domain::account::Role;
use persistence::{accounts, audit, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct LogOut {
    pub refresh_token: String,
}

impl UseCase for LogOut {
    /// The session revoked, if the token was the caller's.
    type Outcome = Option<String>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::ALL;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Option<String>> {
        let user_id = act
            .caller
            .as_ref()
            .map(|c| c.user_id.as_str())
            .ok_or(ApiError::Forbidden)?;
        let hash = digest(self.refresh_token.trim());
        // Only the caller's own sessions; someone else's token is ignored.
        if let Some(token) =
            accounts::find_refresh_token(conn, &hash)?.filter(|t| t.user_id == user_id)
        {
            accounts::revoke_family(conn, &token.family_id)?;
            audit::append::<(), ()>(
                conn,
                &act.audit(),
                "session.closed",
                "user",
                user_id,
                None,
                None,
            )?;
            return Ok(Some(token.family_id));
        }
        Ok(None)
    }
}
