//! A candidate (an application) and where they stand in scorrimento.

use domain::account::Role;
use domain::ids::ApplicationId;
use persistence::selection::{self, ApplicationRow};
use persistence::{audit, DbConnection};

use super::lapse_overdue;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadCandidate {
    pub id: ApplicationId,
}

impl UseCase for ReadCandidate {
    type Outcome = ApplicationRow;
    /// An overdue offer lapses before the candidate's state is shown.
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ApplicationRow> {
        lapse_overdue(conn, act.now, act.today)?;
        let application =
            selection::get_application(conn, &self.id)?.ok_or(ApiError::NotFound {
                entity: "candidate",
            })?;
        // A read of personal data by staff is recorded, naming the record.
        audit::append::<(), ()>(
            conn,
            &act.audit(),
            "candidate.read",
            "candidate",
            &application.id,
            None,
            None,
        )?;
        Ok(application)
    }
}
