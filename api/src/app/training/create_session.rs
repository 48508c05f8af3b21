//! Creates a classroom session: its day, how long it lasts, where and who
//! teaches (a name, not an account).

use domain::account::Role;
use domain::training::classroom::NewSession;
use persistence::classroom::{self, SessionRow};
use persistence::{audit, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// A session whose fields are checked (`NewSession::parse`).
#[derive(Clone)]
pub struct CreateSession {
    pub session: NewSession,
}

impl UseCase for CreateSession {
    type Outcome = SessionRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Trainer];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<SessionRow> {
        let ctx = act.audit();
        let session = self.session;
        let row = classroom::insert_session(
            conn,
            &classroom::NewSession {
                day: session.day,
                minutes: session.minutes,
                place: &session.place,
                trainer: &session.trainer,
                created_by: ctx.actor.as_deref(),
            },
        )?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "classroom_session.created",
            "classroom_session",
            &row.id,
            None,
            Some(&row),
        )?;
        Ok(row)
    }
}
