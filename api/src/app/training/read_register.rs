//! A classroom session and its register: who attended and for how long.

use domain::account::Role;
use domain::ids::TrainingSessionId;
use persistence::classroom::{self, SessionRow};
use persistence::contracts::{self, NavigatorRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadRegister {
    pub session_id: TrainingSessionId,
}

/// One person of the register.
pub struct Attended {
    pub navigator: NavigatorRow,
    pub minutes: i64,
}

pub struct Register {
    pub session: SessionRow,
    /// In the order they were first recorded.
    pub attended: Vec<Attended>,
}

impl UseCase for ReadRegister {
    type Outcome = Register;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Trainer];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Register> {
        let session =
            classroom::get_session(conn, &self.session_id)?.ok_or(ApiError::NotFound {
                entity: "classroom session",
            })?;
        let mut attended = Vec::new();
        for row in classroom::register_of(conn, &session.id)? {
            let navigator =
                contracts::get_navigator(conn, &row.navigator_id)?.ok_or(ApiError::Internal)?;
            attended.push(Attended {
                navigator,
                minutes: row.minutes,
            });
        }
        Ok(Register { session, attended })
    }
}
