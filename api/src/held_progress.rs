//! The stored progress a server holds in memory for the tablets' polls.
//!
//! A tablet polls its progress every few seconds and, most of the time,
//! nothing changed since its last poll. Each server keeps the progress it
//! read, so such a poll is answered from memory instead of a round trip to
//! the database. What it holds is forgotten whenever the stored progress
//! may have changed:
//! - a change made on this server: when its use case returns, before its
//!   answer (`Act::rewritten_progress`), so the writer reads its own write;
//! - a change made by another process: on its announcement, heard as the
//!   change commits (PostgreSQL's `NOTIFY`, `crate::revocations`); while
//!   this server does not listen, it holds nothing and every poll reads;
//! - anything else (a process that did not announce, an announcement lost
//!   with a connection): the periodic comparison with the stored tags.
//!
//! A read started before a change can come back after the change was
//! forgotten: every forgetting moves the epoch on, and a read's rows are
//! kept only if no forgetting happened since the read began.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// The stored progress of a Navigator: body and tag.
pub type StoredProgress = (String, String);

#[derive(Default)]
struct Held {
    /// Whether this server hears of every change (see the module's words).
    trusted: bool,
    /// Moves on at every forgetting.
    epoch: u64,
    /// By Navigator id: at most one each.
    progress: HashMap<String, StoredProgress>,
}

#[derive(Default)]
pub struct HeldProgress {
    held: RwLock<Held>,
}

impl HeldProgress {
    /// Nothing held; `trusted` says whether this server hears of every
    /// change from the start (SQLite: one process applies its own).
    pub fn new(trusted: bool) -> Self {
        Self {
            held: RwLock::new(Held {
                trusted,
                ..Held::default()
            }),
        }
    }

    /// The progress held for `navigator_id`.
    pub fn get(&self, navigator_id: &str) -> Option<StoredProgress> {
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        held.progress.get(navigator_id).cloned()
    }

    /// The epoch to give [`HeldProgress::keep`] with the rows of a read
    /// that begins now; `None` when what the read finds cannot be kept.
    pub fn epoch(&self) -> Option<u64> {
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        held.trusted.then_some(held.epoch)
    }

    /// Keeps what a read begun at `epoch` found, unless something was
    /// forgotten since (it may be older than what was forgotten).
    pub fn keep(&self, epoch: u64, found: impl IntoIterator<Item = (String, StoredProgress)>) {
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        if held.trusted && held.epoch == epoch {
            held.progress.extend(found);
        }
    }

    /// Forgets the progress of these Navigators: it may have changed.
    pub fn forget(&self, navigator_ids: impl IntoIterator<Item = String>) {
        let mut ids = navigator_ids.into_iter().peekable();
        if ids.peek().is_none() {
            return;
        }
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        held.epoch += 1;
        for id in ids {
            held.progress.remove(&id);
        }
    }

    /// Forgets everything; from now on keeps what reads find only if
    /// `trusted` (this server hears of every change again).
    pub fn start_over(&self, trusted: bool) {
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        held.epoch += 1;
        held.trusted = trusted;
        held.progress.clear();
    }

    /// How many Navigators' progress is held.
    pub fn len(&self) -> usize {
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        held.progress.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Navigator ids held, with their tags.
    fn tags(&self) -> Vec<(String, String)> {
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        held.progress
            .iter()
            .map(|(id, (_, tag))| (id.clone(), tag.clone()))
            .collect()
    }

    /// Forgets every held progress whose tag is not the stored one
    /// (`stored`: Navigator id to tag, of the current body shape).
    pub fn forget_unlike(&self, stored: &HashMap<String, String>) {
        let stale: Vec<String> = self
            .tags()
            .into_iter()
            .filter(|(id, tag)| stored.get(id) != Some(tag))
            .map(|(id, _)| id)
            .collect();
        if !stale.is_empty() {
            tracing::info!(
                navigators = stale.len(),
                "held progress unlike the stored one forgotten"
            );
        }
        self.forget(stale);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(tag: &str) -> StoredProgress {
        (format!("{{\"tag\":\"{tag}\"}}"), tag.to_owned())
    }

    fn found(id: &str, tag: &str) -> Vec<(String, StoredProgress)> {
        vec![(id.to_owned(), progress(tag))]
    }

    #[test]
    fn what_a_read_finds_is_kept_and_forgotten_when_it_changes() {
        let held = HeldProgress::new(true);
        let epoch = held.epoch().unwrap();
        held.keep(epoch, found("n1", "a"));
        assert_eq!(held.get("n1"), Some(progress("a")));
        held.forget(["n1".to_owned()]);
        assert_eq!(held.get("n1"), None);
    }

    #[test]
    fn a_read_begun_before_a_change_is_not_kept() {
        let held = HeldProgress::new(true);
        let epoch = held.epoch().unwrap();
        // The change commits and is forgotten while the read is out.
        held.forget(["n1".to_owned()]);
        held.keep(epoch, found("n1", "old"));
        assert_eq!(held.get("n1"), None);
        // A read begun after it is kept.
        let epoch = held.epoch().unwrap();
        held.keep(epoch, found("n1", "new"));
        assert_eq!(held.get("n1"), Some(progress("new")));
    }

    #[test]
    fn nothing_is_kept_while_changes_may_go_unheard() {
        let held = HeldProgress::new(false);
        assert_eq!(held.epoch(), None);
        held.keep(0, found("n1", "a"));
        assert_eq!(held.get("n1"), None);

        held.start_over(true);
        let epoch = held.epoch().unwrap();
        held.keep(epoch, found("n1", "a"));
        assert_eq!(held.get("n1"), Some(progress("a")));
        // The announcements stop: everything goes, and a read begun while
        // they were heard is not kept either.
        let epoch = held.epoch().unwrap();
        held.start_over(false);
        assert_eq!(held.get("n1"), None);
        held.keep(epoch, found("n2", "b"));
        assert_eq!(held.get("n2"), None);
        // Heard again: a read begun before is still not kept.
        held.start_over(true);
        held.keep(epoch, found("n2", "b"));
        assert_eq!(held.get("n2"), None);
    }

    #[test]
    fn the_comparison_forgets_what_is_unlike_the_stored_tags() {
        let held = HeldProgress::new(true);
        let epoch = held.epoch().unwrap();
        held.keep(
            epoch,
            [
                ("same".to_owned(), progress("a")),
                ("changed".to_owned(), progress("b")),
                ("gone".to_owned(), progress("c")),
            ],
        );
        let stored: HashMap<String, String> = [
            ("same".to_owned(), "a".to_owned()),
            ("changed".to_owned(), "b2".to_owned()),
            ("never-held".to_owned(), "d".to_owned()),
        ]
        .into_iter()
        .collect();
        held.forget_unlike(&stored);
        assert_eq!(held.get("same"), Some(progress("a")));
        assert_eq!(held.get("changed"), None);
        assert_eq!(held.get("gone"), None);
        assert_eq!(held.get("never-held"), None);
    }
}
