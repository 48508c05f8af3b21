//! The append-only audit log, read by administrators and HR.

use domain::account::Role;
use persistence::audit::{self, AuditFilter, AuditRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// Entries newest first, filtered, a page at a time.
#[derive(Clone)]
pub struct ReadAuditLog {
    pub filter: AuditFilter,
}

impl UseCase for ReadAuditLog {
    type Outcome = Vec<AuditRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<AuditRow>> {
        Ok(audit::list(conn, &self.filter)?)
    }
}
