//! Searches the published entries, and lists them for reading offline.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use domain::account::Role;
use domain::faq::ranking::score_value;
use domain::faq::{Search, MAX_WORDS_OF_UNFINISHED};
use persistence::faq::{self, EntryRow};
use persistence::DbConnection;

use super::HeldIndex;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// The best `limit` entries for a question.
#[derive(Clone)]
pub struct SearchEntries {
    pub search: Search,
    pub limit: i64,
    /// The server's copy of the index.
    pub index: Arc<HeldIndex>,
}

/// A search's results: the entries, most relevant first, with their
/// scores, how many matched in all, and the terms looked for (the
/// question's, and those of the words its unfinished last word begins):
/// what the results highlight.
#[derive(Debug)]
pub struct Found {
    pub entries: Vec<(EntryRow, f64)>,
    pub matches: i64,
    pub terms: BTreeSet<String>,
}

impl UseCase for SearchEntries {
    type Outcome = Found;
    // The index and the counts it is ranked against must agree.
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Found> {
        let topic = self.search.topic.as_deref();
        super::check_topic_parameter(conn, topic)?;
        let mut terms = self.search.terms;
        if let Some(word) = &self.search.unfinished {
            terms.extend(faq::terms_of_words_beginning(
                conn,
                word,
                MAX_WORDS_OF_UNFINISHED,
            )?);
        }
        if terms.is_empty() {
            return Ok(Found {
                entries: Vec::new(),
                matches: 0,
                terms,
            });
        }
        // The index as this snapshot sees it ranks the entries; the
        // database gives the best ones' texts, from the same snapshot.
        let index = self.index.as_seen_by(conn)?;
        let best = index.best(&terms, topic, usize::try_from(self.limit).unwrap_or(0));
        let ids: Vec<String> = best.ranked.iter().map(|r| r.entry.clone()).collect();
        let mut rows: HashMap<String, EntryRow> = faq::by_ids(conn, &ids)?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let entries = best
            .ranked
            .into_iter()
            .filter_map(|r| rows.remove(&r.entry).map(|row| (row, score_value(r.score))))
            .collect();
        Ok(Found {
            entries,
            matches: best.matches,
            terms,
        })
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
        super::check_topic_parameter(conn, self.topic.as_deref())?;
        Ok(faq::list_published(
            conn,
            self.topic.as_deref(),
            self.after.as_deref(),
            self.limit,
        )?)
    }
}
