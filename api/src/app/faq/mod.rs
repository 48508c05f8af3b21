//! "Question RdC"'s FAQ: experts (and HR, admins) write entries from the
//! answered questions, edit them into new versions and retire them; every
//! signed-in role reads and searches them.
//!
//! The search is the domain's: its Italian analyser makes the terms stored
//! in `faq_terms` for each published entry, and its BM25 ranks what the
//! index returns for the question's terms. The database only looks terms
//! up through a primary key, which both engines do alike, so both find the
//! same entries in the same order with the same scores. PostgreSQL's
//! `tsvector` and SQLite's FTS5 were weighed: each ranks by its own formula
//! (`ts_rank` ignores how rare a term is, FTS5 uses BM25), PostgreSQL's
//! `italian` configuration folds no accents without the `unaccent`
//! extension, and a third store (an embedded search library) would have to
//! be kept in step with the database across replicas and backups.

mod edit_entry;
mod read_entry;
mod retire_entry;
mod search;
mod write_entry;

pub use edit_entry::EditEntry;
pub use read_entry::{ReadEntry, ReadVersions};
pub use retire_entry::RetireEntry;
pub use search::{Found, ListEntries, SearchEntries};
pub use write_entry::WriteEntry;

use domain::account::Role;
use persistence::faq::{self, EntryRow};
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

/// Who writes, edits and retires entries: the experts who answer the
/// questions, and HR and administrators, who manage the experts.
pub const EDITORS: &[Role] = &[Role::Expert, Role::Hr, Role::Admin];

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
