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

/// Mails claimed at a time per delivery running at once: few enough that
/// a sender that dies leaves little waiting out its lease, and that
/// replicas share a backlog; enough that no delivery waits for the next
/// claim.
const CLAIMED_PER_DELIVERY: usize = 4;
/// The fewest mails claimed at a time.
const BATCH_AT_LEAST: usize = 20;

pub struct Sender {
    pub db: Database,
    pub mailer: Arc<dyn Mailer>,
    /// Whose claims these are: the process instance, stable across its
    /// restarts (see [`Sender::known_as`]); a random one by default.
    pub worker_id: String,
    pub max_attempts: i64,
    pub lease: Duration,
    /// Mails delivered at once. Each SMTP delivery mostly waits on the
    /// network (lettre writes a message's end apart from its body, and the
    /// server acknowledges late), so throughput grows with the deliveries
    /// in flight, up to the connections the SMTP server allows.
    pub parallel: usize,
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
            parallel: 1,
            metrics: None,
        }
    }

    /// Claims mail as `instance`, the name this process keeps across
    /// restarts, so that a restart can take back what its previous life
    /// had claimed ([`Sender::take_back_own_claims`]). No two live senders
    /// may share it.
    pub fn known_as(mut self, instance: &str) -> Self {
        self.worker_id = instance.to_owned();
        self
    }

    /// Makes the mails this instance claimed and left unsent due again at
    /// once, rather than after their lease: run at start, before the
    /// sender, by a process whose previous life died holding claims.
    /// Returns how many were taken back.
    pub fn take_back_own_claims(&self) -> Result<usize, persistence::PersistenceError> {
        let mut conn = self.db.get()?;
        outbox::release_claims_of(&mut conn, &self.worker_id)
    }

    /// Delivers up to `parallel` mails at once.
    pub fn delivering_at_once(mut self, parallel: usize) -> Self {
        self.parallel = parallel.max(1);
        self
    }

    fn batch(&self) -> usize {
        (self.parallel * CLAIMED_PER_DELIVERY).max(BATCH_AT_LEAST)
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
            if claimed < self.batch() {
                return Ok(sent);
            }
        }
    }

    /// One batch: how many mails were claimed, and how many of them sent.
    /// Deliveries run on up to `parallel` threads; each outcome is recorded
    /// as soon as it is known, so a crash repeats as few mails as possible.
    fn drain_batch(&self) -> Result<(usize, usize), persistence::PersistenceError> {
        let mut conn = self.db.get()?;
        let batch = outbox::claim_due(
            &mut conn,
            &self.worker_id,
            Utc::now(),
            self.lease,
            self.batch() as i64,
        )?;
        let claimed = batch.len();
        let threads = self.parallel.min(claimed);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (done, outcomes) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let done = done.clone();
                let (next, batch) = (&next, &batch);
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(row) = batch.get(i) else { return };
                    if done.send((i, self.mailer.deliver(&outgoing(row)))).is_err() {
                        return;
                    }
                });
            }
            drop(done);
            // The outcomes known at a time are recorded in one commit: a
            // commit per mail would make the database, not the mail
            // server, set the pace.
            let mut sent = 0;
            while let Ok(first) = outcomes.recv() {
                let known: Vec<_> = std::iter::once(first).chain(outcomes.try_iter()).collect();
                sent += persistence::write_transaction(&mut conn, |conn| {
                    let mut sent = 0;
                    for (i, outcome) in known {
                        sent += usize::from(self.record(conn, &batch[i], outcome)?);
                    }
                    Ok::<_, persistence::PersistenceError>(sent)
                })?;
            }
            Ok((claimed, sent))
        })
    }

    /// Records one delivery's outcome; whether the mail went out.
    fn record(
        &self,
        conn: &mut persistence::DbConnection,
        row: &outbox::MailRow,
        outcome: Result<(), super::MailError>,
    ) -> Result<bool, persistence::PersistenceError> {
        match outcome {
            Ok(()) => {
                outbox::mark_sent(conn, &row.id, &self.worker_id)?;
                tracing::info!(message_id = %row.message_id, kind = %row.kind, "mail sent");
                Ok(true)
            }
            Err(e) => {
                let retry_at =
                    (row.attempts < self.max_attempts).then(|| Utc::now() + backoff(row.attempts));
                tracing::warn!(message_id = %row.message_id, attempts = row.attempts, error = %e, gave_up = retry_at.is_none(), "mail not sent");
                outbox::mark_attempt_failed(
                    conn,
                    &row.id,
                    &self.worker_id,
                    &e.to_string(),
                    retry_at,
                )?;
                Ok(false)
            }
        }
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
            let full = matches!(outcome, Ok(Ok((claimed, _))) if claimed >= self.batch());
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

fn outgoing(row: &outbox::MailRow) -> OutgoingMail {
    OutgoingMail {
        message_id: row.message_id.clone(),
        to: row.recipient.clone(),
        subject: row.subject.clone(),
        body: row.body.clone(),
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
