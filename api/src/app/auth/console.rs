//! Sessions of the back-office console: recorded when opened, ended when
//! left idle or some hours after their sign-in (the settings say how
//! long), and every session of an account ended at once on request.

use chrono::Duration;
use domain::account::{console_session_state, ConsoleSessionState, Role};
use persistence::{accounts, audit, sessions, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// Records a session just opened at the console's sign-in.
#[derive(Clone)]
pub struct OpenConsoleSession {
    pub family: String,
}

impl UseCase for OpenConsoleSession {
    type Outcome = ();
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;
    // A session that may only enrol a second factor opens the console's
    // enrolment page.
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
        let user = act.caller.as_ref().ok_or(ApiError::Forbidden)?;
        // Sessions left to lapse are forgotten as new ones open.
        let absolute = Duration::seconds(act.settings.console_absolute_seconds);
        sessions::purge_console_sessions(conn, act.now - absolute)?;
        sessions::open_console_session(conn, &self.family, &user.user_id, false)?;
        Ok(())
    }
}

/// What became of a console session asked for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleSessionKept {
    /// Still open; marked used now.
    Live,
    /// Ended now (idle, too old) or never opened in the console: the
    /// session revoked, if there was one to revoke.
    Ended {
        state: ConsoleSessionState,
        revoked: Option<String>,
    },
}

/// Keeps the caller's console session going, or ends it when it was left
/// idle or is older than the absolute limit.
#[derive(Clone)]
pub struct KeepConsoleSession;

impl UseCase for KeepConsoleSession {
    type Outcome = ConsoleSessionKept;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ConsoleSessionKept> {
        let caller = act.caller.as_ref().ok_or(ApiError::Forbidden)?;
        let Some(family) = caller.session.as_deref() else {
            return Ok(ConsoleSessionKept::Ended {
                state: ConsoleSessionState::Expired,
                revoked: None,
            });
        };
        let found =
            sessions::find_console_session(conn, family)?.filter(|s| s.user_id == caller.user_id);
        let Some(session) = found else {
            // A session opened elsewhere (the API) does not open the console.
            return Ok(ConsoleSessionKept::Ended {
                state: ConsoleSessionState::Expired,
                revoked: None,
            });
        };
        let state = console_session_state(
            session.signed_in_at,
            session.last_seen_at,
            act.now,
            Duration::seconds(act.settings.console_idle_seconds),
            Duration::seconds(act.settings.console_absolute_seconds),
        );
        if state == ConsoleSessionState::Live {
            sessions::touch_console_session(conn, family)?;
            return Ok(ConsoleSessionKept::Live);
        }
        accounts::revoke_family(conn, family)?;
        sessions::end_console_session(conn, family)?;
        let reason = match state {
            ConsoleSessionState::Idle => "idle",
            _ => "expired",
        };
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "session.timed-out",
            "user",
            &caller.user_id,
            None,
            Some(&serde_json::json!({ "family": family, "reason": reason })),
        )?;
        Ok(ConsoleSessionKept::Ended {
            state,
            revoked: Some(family.to_owned()),
        })
    }
}

/// Ends every session of the caller's account: the console's, the tablet
/// app's, the API's, on every device.
#[derive(Clone)]
pub struct LogOutEverywhere;

impl UseCase for LogOutEverywhere {
    /// The sessions ended.
    type Outcome = Vec<String>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::ALL;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<String>> {
        let caller = act.caller.as_ref().ok_or(ApiError::Forbidden)?;
        let mut ended = accounts::revoke_all_of_user(conn, &caller.user_id)?;
        // The session in hand, even if its refresh token was spent already.
        if let Some(family) = caller.session.as_ref().filter(|f| !ended.contains(f)) {
            accounts::revoke_family(conn, family)?;
            ended.push(family.clone());
        }
        for family in &ended {
            sessions::end_console_session(conn, family)?;
        }
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "session.closed-everywhere",
            "user",
            &caller.user_id,
            None,
            Some(&serde_json::json!({ "sessions": ended.len() })),
        )?;
        Ok(ended)
    }
}
