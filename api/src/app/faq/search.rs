//! Searches the published entries, and lists them for reading offline.

use std::collections::HashMap;

use domain::account::Role;
use domain::faq::ranking::{rank, Ranked};
use domain::faq::Search;
use persistence::faq::{self, EntryRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// The best `limit` entries for a question.
#[derive(Clone)]
pub struct SearchEntries {
    pub search: Search,
    pub limit: i64,
}

/// A search's results: the entries, most relevant first, with their
/// scores, and how many matched in all.
#[derive(Debug)]
pub struct Found {
    pub entries: Vec<(EntryRow, f64)>,
    pub matches: i64,
}

impl UseCase for SearchEntries {
    type Outcome = Found;
    // The index and the counts it is ranked against must agree.
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Found> {
        if self.search.terms.is_empty() {
            return Ok(Found {
                entries: Vec::new(),
                matches: 0,
            });
        }
        let topic = self.search.topic.as_deref();
        let terms: Vec<String> = self.search.terms.iter().cloned().collect();
        let postings = faq::postings(conn, &terms, topic)?;
        let corpus = faq::corpus(conn, topic)?;
        let ranked = rank(&self.search.terms, &postings, corpus);
        let matches = i64::try_from(ranked.len()).unwrap_or(i64::MAX);
        let best: Vec<Ranked<String>> = ranked
            .into_iter()
            .take(usize::try_from(self.limit).unwrap_or(0))
            .collect();
        let ids: Vec<String> = best.iter().map(|r| r.entry.clone()).collect();
        let mut rows: HashMap<String, EntryRow> = faq::by_ids(conn, &ids)?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let entries = best
            .into_iter()
            .filter_map(|r| rows.remove(&r.entry).map(|row| (row, r.score)))
            .collect();
        Ok(Found { entries, matches })
    }
}

/// Published entries in id order, one page.
#[derive(Clone)]
pub struct ListEntries {
    pub topic: Option<String>,
    pub after: Option<String>,
    /// One more than the page shows, to know whether another follows.
    pub limit: i64,
}

impl UseCase for ListEntries {
    type Outcome = Vec<EntryRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<EntryRow>> {
        Ok(faq::list_published(
            conn,
            self.topic.as_deref(),
            self.after.as_deref(),
            self.limit,
        )?)
    }
}
