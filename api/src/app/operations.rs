//! What the operator's probes read (the mail outbox at a glance), the
//! failed mails an administrator sends again, and the housekeeping the
//! background task does.

use domain::account::Role;
use persistence::{audit, idempotency, outbox, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The outbox at a glance: mails queued, sent, given up, and the oldest
/// queued. Read by the system for the metrics.
#[derive(Clone)]
pub struct OutboxBacklog;

impl UseCase for OutboxBacklog {
    type Outcome = outbox::OutboxStatus;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<outbox::OutboxStatus> {
        Ok(outbox::status(conn)?)
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

/// The mails the outbox gave up on, the latest first, and how many in all.
#[derive(Clone)]
pub struct ListFailedMails {
    pub limit: i64,
}

impl UseCase for ListFailedMails {
    type Outcome = (Vec<outbox::MailRow>, i64);
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Self::Outcome> {
        let rows = outbox::list_failed(conn, self.limit)?;
        let total = outbox::status(conn)?.failed;
        Ok((rows, total))
    }
}

/// What the audit log keeps of a mail queued again: never its text, which
/// may hold a one-time link.
#[derive(serde::Serialize)]
struct MailState<'a> {
    message_id: &'a str,
    recipient: &'a str,
    kind: &'a str,
    attempts: i64,
    failed: bool,
    last_error: Option<&'a str>,
}

/// Puts failed mails back in the queue: one (`id`), or every one. One
/// audit line per mail. A mail that is not failed (sent, still queued, or
/// no such mail) is not found.
#[derive(Clone)]
pub struct RetryFailedMails {
    pub id: Option<String>,
}

impl UseCase for RetryFailedMails {
    type Outcome = Vec<outbox::MailRow>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome> {
        let again = outbox::retry_failed(conn, self.id.as_deref())?;
        if self.id.is_some() && again.is_empty() {
            return Err(ApiError::NotFound {
                entity: "failed mail",
            });
        }
        let ctx = act.audit();
        for row in &again {
            let before = MailState {
                message_id: &row.message_id,
                recipient: &row.recipient,
                kind: &row.kind,
                attempts: row.attempts,
                failed: true,
                last_error: row.last_error.as_deref(),
            };
            let after = MailState {
                attempts: 0,
                failed: false,
                ..before
            };
            audit::append(
                conn,
                &ctx,
                "mail.retried",
                "mail",
                &row.id,
                Some(&before),
                Some(&after),
            )?;
        }
        Ok(again)
    }
}
