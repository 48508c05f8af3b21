//! The background sender: claims due mails, delivers them, records the
//! outcome; failures are retried with exponential backoff.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use persistence::{outbox, Database};
use tokio::sync::watch;

use super::{Mailer, OutgoingMail};
use crate::metrics::{task, Metrics};

/// Seconds before the attempt after `attempts` failed ones: 5 s doubling, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 20) - 1;
    Duration::seconds((5_i64 << exp).min(3600))
}

/// Mails claimed at a time: few enough that a sender that dies leaves
/// little waiting out its lease, and that replicas share a backlog.
const BATCH: usize = 20;

pub struct Sender {
    pub db: Database,
    pub mailer: Arc<dyn Mailer>,
    pub worker_id: String,
    pub max_attempts: i64,
    pub lease: Duration,
    /// Where each run of the sender is counted, when the service counts.
    pub metrics: Option<Metrics>,
}

impl Sender {
    pub fn new(db: Database, mailer: Arc<dyn Mailer>, max_attempts: i64) -> Self {
        Self {
            db,
            mailer,
            worker_id: uuid::Uuid::new_v4().to_string(),
            max_attempts,
            lease: Duration::seconds(120),
            metrics: None,
        }
    }

    /// Counts each run in `metrics`.
    pub fn counted_in(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Delivers one batch of the mails due now; returns how many were sent.
    pub fn drain_once(&self) -> Result<usize, persistence::PersistenceError> {
        self.drain_batch().map(|(_, sent)| sent)
    }

    /// Delivers batch after batch until the mails due now are done (a batch
    /// comes back less than full); returns how many were sent.
    pub fn drain_all(&self) -> Result<usize, persistence::PersistenceError> {
        let mut sent = 0;
        loop {
            let (claimed, batch_sent) = self.drain_batch()?;
            sent += batch_sent;
            if claimed < BATCH {
                return Ok(sent);
            }
        }
    }

    /// One batch: how many mails were claimed, and how many of them sent.
    fn drain_batch(&self) -> Result<(usize, usize), persistence::PersistenceError> {
        let mut conn = self.db.get()?;
        let batch = outbox::claim_due(
            &mut conn,
            &self.worker_id,
            Utc::now(),
            self.lease,
            BATCH as i64,
        )?;
        let claimed = batch.len();
        let mut sent = 0;
        for row in batch {
            let mail = OutgoingMail {
                message_id: row.message_id.clone(),
                to: row.recipient.clone(),
                subject: row.subject.clone(),
                body: row.body.clone(),
            };
            match self.mailer.deliver(&mail) {
                Ok(()) => {
                    outbox::mark_sent(&mut conn, &row.id, &self.worker_id)?;
                    sent += 1;
                    tracing::info!(message_id = %row.message_id, kind = %row.kind, "mail sent");
                }
                Err(e) => {
                    let retry_at = (row.attempts < self.max_attempts)
                        .then(|| Utc::now() + backoff(row.attempts));
                    tracing::warn!(message_id = %row.message_id, attempts = row.attempts, error = %e, gave_up = retry_at.is_none(), "mail not sent");
                    outbox::mark_attempt_failed(
                        &mut conn,
                        &row.id,
                        &self.worker_id,
                        &e.to_string(),
                        retry_at,
                    )?;
                }
            }
        }
        Ok((claimed, sent))
    }

    /// Runs until `stop` turns true. A full batch is followed by the next
    /// at once: results mailed to tens of thousands of applicants go out at
    /// the mail server's pace, not one batch per poll.
    pub async fn run(self: Arc<Self>, poll: StdDuration, mut stop: watch::Receiver<bool>) {
        loop {
            let me = Arc::clone(&self);
            let outcome = tokio::task::spawn_blocking(move || me.drain_batch()).await;
            if let Some(m) = &self.metrics {
                m.task_ran(task::MAIL_SENDER, !matches!(outcome, Ok(Ok(_))));
            }
            let full = matches!(outcome, Ok(Ok((claimed, _))) if claimed >= BATCH);
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "mail sender cannot reach the outbox"),
                Err(e) => tracing::error!(error = %e, "mail sender task failed"),
            }
            if full && !*stop.borrow() {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(3), Duration::seconds(20));
        assert_eq!(backoff(12), Duration::seconds(3600));
        assert_eq!(backoff(100), Duration::seconds(3600));
    }
}
