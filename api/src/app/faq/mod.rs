//! "Question RdC"'s FAQ: experts (and HR, admins) write entries from the
//! answered questions, edit them into new versions and retire them; every
//! signed-in role reads and searches them.
//!
//! The search is the domain's: its Italian analyser makes the terms stored
//! in `faq_terms` for each published entry, with the counts BM25 needs, in
//! the transaction that publishes, edits or retires it; its BM25, in whole
//! numbers (`domain::faq::ranking`), says how each posting weighs. Each
//! server holds a copy of the postings in memory ([`HeldIndex`]) and ranks
//! from it (`domain::faq::index`), after checking in the search's own
//! snapshot that the database's index has not changed since the copy was
//! made: the same entries in the same order with the same scores on both
//! engines and every replica, without the database grouping thousands of
//! postings per search (what kept a search over 5,000 entries above 10 ms
//! when the database summed them). The database stays the one store: the
//! copy is made again from it after a change, a restart or a restore.
//! PostgreSQL's
//! `tsvector` and SQLite's FTS5 were weighed: each ranks by its own formula
//! (`ts_rank` ignores how rare a term is, FTS5 uses BM25), PostgreSQL's
//! `italian` configuration folds no accents without the `unaccent`
//! extension, and a third store (an embedded search library) would have to
//! be kept in step with the database across replicas and backups.

mod edit_entry;
mod held_index;
mod read_entry;
mod retire_entry;
mod search;
mod write_entry;

pub use edit_entry::EditEntry;
pub use held_index::HeldIndex;
pub use read_entry::{ReadEntry, ReadVersions};
pub use retire_entry::RetireEntry;
pub use search::{Found, ListEntries, SearchEntries};
pub use write_entry::WriteEntry;

use domain::account::Role;
use domain::faq::ranking::IndexedText;
use persistence::faq::{self, EntryRow};
use persistence::{write_transaction, DbConnection, PersistenceError};

use crate::error::{ApiError, ApiResult};

/// Who writes, edits and retires entries: the experts who answer the
/// questions, and HR and administrators, who manage the experts.
pub const EDITORS: &[Role] = &[Role::Expert, Role::Hr, Role::Admin];

/// 422 `unknown-topic` for a topic that is not in the `question_topics`
/// reference data: the one list of topics, the questions' and the FAQ's.
pub(crate) fn check_topic(conn: &mut DbConnection, topic: &str) -> ApiResult<()> {
    if persistence::questions::topic_exists(conn, topic)? {
        Ok(())
    } else {
        Err(
            domain::Violation::new("topic", domain::RuleCode::UnknownTopic)
                .with_detail(topic)
                .into(),
        )
    }
}

/// As [`check_topic`], for a search's or a list's `topic` parameter: 400
/// `invalid-query-parameter`.
pub(crate) fn check_topic_parameter(conn: &mut DbConnection, topic: Option<&str>) -> ApiResult<()> {
    match topic {
        Some(t) if !persistence::questions::topic_exists(conn, t)? => {
            Err(ApiError::QueryViolation(
                domain::Violation::new("topic", domain::RuleCode::UnknownTopic).with_detail(t),
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses questions an entry may not come from (`domain::faq::may_come_from`),
/// each named by its place in the request's `questions`.
pub(crate) fn check_sources(conn: &mut DbConnection, ids: &[String]) -> ApiResult<()> {
    let mut refused = domain::Violations::new();
    for (i, id) in ids.iter().enumerate() {
        let field = format!("questions[{i}]");
        match persistence::questions::get(conn, id)? {
            None => refused.push(
                domain::Violation::new(field, domain::RuleCode::UnknownQuestion).with_detail(id),
            ),
            Some(q) => {
                let status = crate::app::questions::status_of(&q)?;
                if !domain::faq::may_come_from(status, q.first_answered_at.is_some()) {
                    refused.push(
                        domain::Violation::new(field, domain::RuleCode::QuestionNotAnswered)
                            .with_detail(id),
                    );
                }
            }
        }
    }
    refused.into_result(()).map_err(ApiError::from)
}

/// An entry with the questions it came from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub row: EntryRow,
    pub questions: Vec<String>,
}

/// The entry `id` with its questions; 404 when there is none.
pub(crate) fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Entry> {
    let row = faq::get(conn, id)?.ok_or(ApiError::NotFound { entity: "faq" })?;
    let questions = faq::questions_of(conn, id)?;
    Ok(Entry { row, questions })
}

/// Fills the word list a question still being typed is looked up in with
/// the entries published before it existed; nothing when it has them. At
/// start, under the start lock.
pub fn index_earlier_words(conn: &mut DbConnection) -> Result<usize, PersistenceError> {
    write_transaction(conn, |tx| {
        if !faq::words_missing(tx)? {
            return Ok(0);
        }
        let entries = faq::published(tx)?;
        for e in &entries {
            faq::index_words(tx, &IndexedText::of(&e.title, &e.answer))?;
        }
        Ok(entries.len())
    })
}
