//! A coordinator's decision on one pending log of their Region: validated,
//! its hours count; rejected with a reason, they never do.

use domain::account::Role;
use domain::ids::OjtLogId;
use domain::training::ojt::LogStatus;
use domain::Violations;
use persistence::ojt::OjtLogRow;
use persistence::DbConnection;

use super::{decidable, decide, refresh_locked};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ValidateLog {
    pub id: OjtLogId,
}

impl UseCase for ValidateLog {
    type Outcome = OjtLogRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OjtLogRow> {
        let log = decidable(conn, act, &self.id)?;
        let row = decide(conn, &act.audit(), &log, LogStatus::Validated, None)?;
        refresh_locked(conn, act, &row.navigator_id)?;
        Ok(row)
    }
}

/// A rejection with its reason, which cannot be blank.
#[derive(Clone)]
pub struct RejectLog {
    id: OjtLogId,
    reason: String,
}

impl RejectLog {
    pub fn new(id: OjtLogId, reason: &str) -> Result<Self, Violations> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self { id, reason })
    }
}

impl UseCase for RejectLog {
    type Outcome = OjtLogRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OjtLogRow> {
        let log = decidable(conn, act, &self.id)?;
        let row = decide(
            conn,
            &act.audit(),
            &log,
            LogStatus::Rejected,
            Some(&self.reason),
        )?;
        refresh_locked(conn, act, &row.navigator_id)?;
        Ok(row)
    }
}
