//! Ends the session: the refresh token's family is revoked. The access
//! token lapses on its own within minutes.

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
    type Outcome = ();
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
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
        }
        Ok(())
    }
}
