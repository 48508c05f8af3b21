//! Distance-learning (FAD) completions from the e-learning platform: one
//! kept per person and module.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::distance_completions;
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = distance_completions)]
pub struct CompletionRow {
    pub id: String,
    pub navigator_id: String,
    pub module_id: String,
    pub completed_on: NaiveDate,
    pub test_passed: bool,
    pub recorded_by: Option<String>,
    #[serde(skip)]
    pub recorded_at: chrono::NaiveDateTime,
}

impl CompletionRow {
    pub fn to_domain(&self) -> domain::training::distance::Completion {
        domain::training::distance::Completion {
            completed_on: self.completed_on,
            test_passed: self.test_passed,
        }
    }
}

/// The completion kept for a person and module.
pub fn completion_of(
    conn: &mut DbConnection,
    navigator_id: &str,
    module_id: &str,
) -> Result<Option<CompletionRow>> {
    Ok(distance_completions::table
        .select(CompletionRow::as_select())
        .filter(distance_completions::navigator_id.eq(navigator_id))
        .filter(distance_completions::module_id.eq(module_id))
        .first(conn)
        .optional()?)
}

/// Keeps `completion` for the person and module: inserted when nothing was
/// kept, in place of the kept one otherwise. Callers hold the Navigator's
/// row lock and decide with `domain::training::distance::record`.
pub fn keep_completion(
    conn: &mut DbConnection,
    navigator_id: &str,
    module_id: &str,
    completion: domain::training::distance::Completion,
    recorded_by: Option<&str>,
) -> Result<CompletionRow> {
    let n = diesel::update(
        distance_completions::table
            .filter(distance_completions::navigator_id.eq(navigator_id))
            .filter(distance_completions::module_id.eq(module_id)),
    )
    .set((
        distance_completions::completed_on.eq(completion.completed_on),
        distance_completions::test_passed.eq(completion.test_passed),
        distance_completions::recorded_by.eq(recorded_by),
        distance_completions::recorded_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(distance_completions::table)
            .values((
                distance_completions::id.eq(new_id()),
                distance_completions::navigator_id.eq(navigator_id),
                distance_completions::module_id.eq(module_id),
                distance_completions::completed_on.eq(completion.completed_on),
                distance_completions::test_passed.eq(completion.test_passed),
                distance_completions::recorded_by.eq(recorded_by),
                distance_completions::recorded_at.eq(now()),
            ))
            .execute(conn)?;
    }
    completion_of(conn, navigator_id, module_id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("completion of {module_id} vanished")))
}
