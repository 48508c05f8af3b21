//! What the operator's probes read: the mail still waiting in the outbox.

use domain::account::Role;
use persistence::{outbox, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// Mails queued and not sent yet. Read by the system for the metrics.
#[derive(Clone)]
pub struct OutboxBacklog;

impl UseCase for OutboxBacklog {
    type Outcome = i64;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<i64> {
        Ok(outbox::pending_count(conn)?)
    }
}
