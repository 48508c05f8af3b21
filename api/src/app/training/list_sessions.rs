//! Classroom sessions newest first, with how many attended each: the
//! training office's list.

use domain::account::Role;
use persistence::classroom::{self, SessionRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListSessions {
    /// Sessions created before this one (the cursor of the page).
    pub before_id: Option<String>,
    pub limit: i64,
}

/// A session with how many people its register holds.
pub struct ListedSession {
    pub session: SessionRow,
    pub attended: i64,
}

/// A page of sessions, and the cursor of the next when there may be one.
pub struct SessionPage {
    pub items: Vec<ListedSession>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListSessions {
    type Outcome = SessionPage;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Trainer];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<SessionPage> {
        let rows = classroom::list_sessions(conn, self.before_id.as_deref(), self.limit)?;
        let ids: Vec<String> = rows.iter().map(|s| s.id.clone()).collect();
        let counts = classroom::attendance_counts(conn, &ids)?;
        let next_cursor = (rows.len() as i64 == self.limit)
            .then(|| rows.last().map(|r| r.id.clone()))
            .flatten();
        let items = rows
            .into_iter()
            .map(|session| ListedSession {
                attended: counts
                    .iter()
                    .find(|(id, _)| *id == session.id)
                    .map_or(0, |(_, n)| *n),
                session,
            })
            .collect();
        Ok(SessionPage { items, next_cursor })
    }
}
