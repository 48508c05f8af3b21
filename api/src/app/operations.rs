//! What the operator's probes read (the mail still waiting in the outbox),
//! and the housekeeping the background task does.

use domain::account::Role;
use persistence::{idempotency, outbox, DbConnection};

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

/// Forgets the idempotency keys, and their answers, older than `kept_for`.
#[derive(Clone)]
pub struct ForgetIdempotencyKeys {
    pub kept_for: chrono::Duration,
}

impl UseCase for ForgetIdempotencyKeys {
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        Ok(idempotency::purge(conn, act.now - self.kept_for)?)
    }
}
