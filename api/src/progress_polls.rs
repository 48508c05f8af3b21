//! The tablets' progress polls: answered from what this server holds in
//! memory (`crate::held_progress`) when it holds the Navigator's progress,
//! otherwise read from the database together.
//!
//! Each worker thread has one reader. While its read of stored progress is
//! at the database, the polls that arrive queue up, and the next read takes
//! all of them (up to `MOST_PER_READ`): one round trip and one hand-off to
//! the blocking pool for many polls instead of one each. A poll never joins
//! a read already sent, so it sees every change committed before it
//! arrived, as a read of its own would. With no other poll waiting, a poll
//! is read at once, alone. What a read finds is then held for the next
//! polls.

use std::collections::HashMap;
use std::sync::Arc;

use persistence::{training, Database};
use tokio::sync::{mpsc, oneshot};

use crate::app::training::PROGRESS_BODY_VERSION;
use crate::error::{ApiError, ApiResult};
use crate::held_progress::{HeldProgress, StoredProgress};

/// Polls taken by one read: a bound on the statement's size (SQLite binds
/// each id as a parameter) and on the wait of the first poll in line.
const MOST_PER_READ: usize = 256;

struct Poll {
    navigator_id: String,
    answer: oneshot::Sender<ApiResult<Option<StoredProgress>>>,
}

/// A worker thread's reader of stored progress.
pub struct ProgressPolls {
    polls: mpsc::UnboundedSender<Poll>,
    held: Arc<HeldProgress>,
}

impl ProgressPolls {
    /// Starts the reader on the current thread's runtime; it stops when the
    /// `ProgressPolls` is dropped.
    pub fn start(db: Database, held: Arc<HeldProgress>) -> Self {
        let (polls, queue) = mpsc::unbounded_channel();
        actix_web::rt::spawn(read_in_turn(db, Arc::clone(&held), queue));
        Self { polls, held }
    }

    /// The stored progress of `navigator_id`, or `None` when none is stored
    /// yet or the one stored has a body of another shape than the current.
    pub async fn stored(&self, navigator_id: &str) -> ApiResult<Option<StoredProgress>> {
        if let Some(held) = self.held.get(navigator_id) {
            return Ok(Some(held));
        }
        let (answer, answered) = oneshot::channel();
        self.polls
            .send(Poll {
                navigator_id: navigator_id.to_owned(),
                answer,
            })
            .map_err(|_| ApiError::Unavailable)?;
        answered.await.map_err(|_| ApiError::Unavailable)?
    }
}

/// Reads the waiting polls, all that are queued at once, one read after
/// the other, until every sender is gone.
async fn read_in_turn(
    db: Database,
    held: Arc<HeldProgress>,
    mut queue: mpsc::UnboundedReceiver<Poll>,
) {
    let mut batch = Vec::with_capacity(MOST_PER_READ);
    while queue.recv_many(&mut batch, MOST_PER_READ).await > 0 {
        // Before the read begins: a change forgotten while it is out
        // makes what it finds too old to keep.
        let epoch = held.epoch();
        let ids: Vec<String> = batch.iter().map(|p| p.navigator_id.clone()).collect();
        let db = db.clone();
        let read = actix_web::web::block(move || -> Result<_, persistence::PersistenceError> {
            let mut conn = db.get()?;
            // Of the current shape only: a stale body counts as none and is
            // rebuilt, in the same read.
            training::stored_progresses(&mut conn, &ids, PROGRESS_BODY_VERSION)
        })
        .await;
        let failure = match read {
            Ok(Ok(rows)) => {
                let found: HashMap<String, StoredProgress> = rows
                    .into_iter()
                    .map(|(id, body, tag)| (id, (body, tag)))
                    .collect();
                for poll in batch.drain(..) {
                    let progress = found.get(&poll.navigator_id).cloned();
                    // A poll whose request has gone no longer listens.
                    let _ = poll.answer.send(Ok(progress));
                }
                if let Some(epoch) = epoch {
                    held.keep(epoch, found);
                }
                continue;
            }
            Ok(Err(e)) => ApiError::from(e),
            Err(e) => ApiError::from(e),
        };
        // The conversion logged the failure; every poll of the read gets
        // the same answer.
        let unavailable = matches!(failure, ApiError::Unavailable);
        for poll in batch.drain(..) {
            let _ = poll.answer.send(Err(if unavailable {
                ApiError::Unavailable
            } else {
                ApiError::Internal
            }));
        }
    }
}
