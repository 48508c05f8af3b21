//! Keeps this process's memory of revoked sessions and login cut-offs in
//! step with the database, so that a logout, a reused refresh token or an
//! ended contract stops an access token on the next request, whichever
//! process served the change; and the stored progress it holds for the
//! tablets' polls (`crate::held_progress`), forgotten when it changes.
//!
//! On PostgreSQL a thread of its own listens on a connection of its own to
//! the announcements the changes make as they commit (`LISTEN/NOTIFY`),
//! polling the socket every few milliseconds (diesel cannot block on it),
//! and reads everything again periodically (`reread_every_seconds`, 30 by
//! default) and after reconnecting, in case an announcement was lost. The
//! held progress is kept only while the connection listens. On SQLite,
//! where one process serves, the handlers and use cases apply their own
//! changes once committed; the periodic reading picks up changes made from
//! the command line.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use persistence::sessions::{self, Announcement, Listener};
use persistence::{accounts, training, Database, Engine};
use tokio::sync::watch;

use crate::app::training::PROGRESS_BODY_VERSION;
use crate::held_progress::HeldProgress;

/// How often the listening socket is looked at (a non-blocking read).
const POLL_EVERY: Duration = Duration::from_millis(20);
/// How long to wait before listening again after losing the connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

pub type RevokedSessions = Arc<RwLock<HashMap<String, DateTime<Utc>>>>;
pub type Cutoffs = Arc<RwLock<HashMap<String, NaiveDate>>>;

pub struct Revocations {
    pub db: Database,
    pub database_url: String,
    pub revoked: RevokedSessions,
    pub cutoffs: Cutoffs,
    /// How long a revoked session matters: longer than an access token lives.
    pub remember: chrono::Duration,
    /// The stored progress this process holds.
    pub progress: Arc<HeldProgress>,
    /// How often everything is read again, announcements or not.
    pub reread_every: Duration,
}

impl Revocations {
    /// Reads the revoked sessions and the cut-offs from the database.
    pub fn read_all(&self) -> anyhow::Result<()> {
        let mut conn = self.db.get()?;
        let since = Utc::now() - self.remember;
        let revoked = sessions::revoked_since(&mut conn, since)?;
        let cutoffs = accounts::cutoffs(&mut conn)?;
        if let Ok(mut m) = self.revoked.write() {
            // Merged, not replaced: a revocation is never undone, and one
            // applied while this read ran must not be lost.
            m.retain(|_, at| *at > since);
            m.extend(revoked);
        }
        if let Ok(mut m) = self.cutoffs.write() {
            *m = cutoffs.into_iter().collect();
        }
        Ok(())
    }

    /// Forgets the held progress whose tag is no longer the stored one.
    fn compare_progress(&self) -> anyhow::Result<()> {
        if self.progress.is_empty() {
            return Ok(());
        }
        let mut conn = self.db.get()?;
        let stored = training::progress_tags(&mut conn, PROGRESS_BODY_VERSION)?;
        self.progress.forget_unlike(&stored.into_iter().collect());
        Ok(())
    }

    fn read_cutoffs(&self) -> anyhow::Result<()> {
        let mut conn = self.db.get()?;
        let cutoffs = accounts::cutoffs(&mut conn)?;
        if let Ok(mut m) = self.cutoffs.write() {
            *m = cutoffs.into_iter().collect();
        }
        Ok(())
    }

    fn apply(&self, announcement: Announcement) {
        match announcement {
            Announcement::Revoked(family) => {
                if let Ok(mut m) = self.revoked.write() {
                    m.entry(family).or_insert_with(Utc::now);
                }
            }
            Announcement::Progress(navigator_id) => self.progress.forget([navigator_id]),
            Announcement::Cutoffs => {
                if let Err(e) = self.read_cutoffs() {
                    tracing::warn!(error = %e, "cannot read the login cut-offs");
                }
            }
        }
    }

    /// Starts the thread that keeps the memory up to date until `stop`.
    pub fn spawn(self, stop: watch::Receiver<bool>) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("revocations".into())
            .spawn(move || self.run(stop))
            .map(|_| ())
    }

    fn run(self, stop: watch::Receiver<bool>) {
        let listens = self.db.engine() == Engine::Postgres;
        let mut listener: Option<Listener> = None;
        let mut next_listen = Instant::now();
        let mut next_read = Instant::now() + self.reread_every;
        loop {
            if stop.has_changed().is_err() || *stop.borrow() {
                return;
            }
            let mut read_now = Instant::now() >= next_read;
            if listens && listener.is_none() && Instant::now() >= next_listen {
                match Listener::open(&self.database_url) {
                    Ok(l) => {
                        listener = Some(l);
                        // Whatever was announced while nobody listened.
                        read_now = true;
                        self.progress.start_over(true);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for revoked sessions");
                        next_listen = Instant::now() + RECONNECT_AFTER;
                    }
                }
            }
            if let Some(l) = listener.as_mut() {
                match l.received().and_then(|received| {
                    if read_now {
                        // A dead connection shows itself here at the latest.
                        l.ping()?;
                    }
                    Ok(received)
                }) {
                    Ok(received) => received.into_iter().for_each(|a| self.apply(a)),
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the connection listening for revoked sessions");
                        listener = None;
                        // Changes would go unheard: nothing held until
                        // listening again.
                        self.progress.start_over(false);
                        next_listen = Instant::now() + RECONNECT_AFTER;
                    }
                }
            }
            if read_now {
                if let Err(e) = self.read_all() {
                    tracing::warn!(error = %e, "cannot read the revoked sessions");
                }
                if let Err(e) = self.compare_progress() {
                    tracing::warn!(error = %e, "cannot compare the held progress with the stored");
                    self.progress.start_over(!listens || listener.is_some());
                }
                next_read = Instant::now() + self.reread_every;
            }
            std::thread::sleep(if listens {
                POLL_EVERY
            } else {
                Duration::from_millis(250)
            });
        }
    }
}
