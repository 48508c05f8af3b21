//! The FAQ search index a server holds in memory between searches
//! (`domain::faq::index`), with the generation of the database's index it
//! was made at. A search reads the generation in its own snapshot and uses
//! the copy only when it is of that generation; otherwise it makes a new
//! copy from the same snapshot. Every change to the postings gives the
//! database's index a new generation in its own transaction, so a search
//! on any server sees an entry published, edited or retired by any other
//! at once, as when the database ranked them itself.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use domain::faq::index::Index;
use persistence::faq;
use persistence::DbConnection;

use crate::error::ApiResult;

/// A copy of the index and its generation.
type Copy = (String, Arc<Index>);

#[derive(Default)]
pub struct HeldIndex {
    current: RwLock<Option<Copy>>,
    /// Held while a copy is made: the searches that found the copy stale
    /// together wait for one copy rather than each making its own.
    making: Mutex<()>,
}

impl HeldIndex {
    /// The index as `tx`'s snapshot sees it.
    pub(crate) fn as_seen_by(&self, tx: &mut DbConnection) -> ApiResult<Arc<Index>> {
        let generation = faq::index_generation(tx)?;
        if let Some(index) = self.of_generation(&generation) {
            return Ok(index);
        }
        let _making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = self.of_generation(&generation) {
            return Ok(index);
        }
        let started = Instant::now();
        let index = Arc::new(faq::load_index(tx)?);
        tracing::info!(
            entries = index.entries(),
            postings = index.postings(),
            ms = started.elapsed().as_millis(),
            "FAQ search index loaded"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) =
            Some((generation, Arc::clone(&index)));
        Ok(index)
    }

    fn of_generation(&self, generation: &str) -> Option<Arc<Index>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|(g, _)| g == generation)
            .map(|(_, index)| Arc::clone(index))
    }
}
