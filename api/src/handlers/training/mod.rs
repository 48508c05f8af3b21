//! Training (DOMAIN.md §8): paths, classroom sessions and attendance,
//! distance-learning completions and mandatory training. Every write that
//! changes a Navigator's records refreshes their stored progress in the
//! same transaction.

pub mod distance;
pub mod mandatory;
pub mod paths;
pub mod sessions;

use std::collections::{BTreeSet, HashMap};

use persistence::contracts::{self, NavigatorRow};
use persistence::{assignments, DbConnection};

use crate::error::ApiResult;

/// Navigators by codice fiscale: of a person hired more than once, the
/// newest record.
fn navigators_by_codice(
    conn: &mut DbConnection,
    codici: &BTreeSet<String>,
) -> ApiResult<HashMap<String, NavigatorRow>> {
    let list: Vec<String> = codici.iter().cloned().collect();
    let mut out = HashMap::new();
    for nav in contracts::navigators_by_codice_fiscale(conn, &list)? {
        out.entry(nav.codice_fiscale.clone()).or_insert(nav);
    }
    Ok(out)
}

/// Takes the row locks of several Navigators, always in id order, so that
/// two writers touching the same people never wait on each other crosswise.
fn lock_in_order(conn: &mut DbConnection, ids: &BTreeSet<String>) -> ApiResult<()> {
    for id in ids {
        assignments::lock_navigator(conn, id)?;
    }
    Ok(())
}

/// Stores the new progress of each Navigator whose records changed.
fn refresh_each(conn: &mut DbConnection, ids: &BTreeSet<String>) -> ApiResult<()> {
    for id in ids {
        crate::training::refresh_locked(conn, id)?;
    }
    Ok(())
}
