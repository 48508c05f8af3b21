//! Training paths as data, and the records a Navigator's progress adds up.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{
    classroom_attendance, classroom_sessions, distance_completions, mandatory_training, ojt_logs,
    selection_training_paths, training_buckets, training_modules, training_paths,
    training_progress,
};
use crate::time::now;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_paths)]
pub struct PathRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub total_hours: i64,
    pub final_assessment_required: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_buckets)]
pub struct BucketRow {
    pub path_id: String,
    pub kind: String,
    pub share_percent: i64,
    pub hours: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_modules)]
pub struct ModuleRow {
    pub id: String,
    pub path_id: String,
    pub code: String,
    pub title: String,
    pub hours: i64,
}

#[derive(Debug, Clone)]
pub struct PathWithBuckets {
    pub path: PathRow,
    pub buckets: Vec<BucketRow>,
    pub modules: Vec<ModuleRow>,
}

pub fn list_paths(conn: &mut DbConnection) -> Result<Vec<PathWithBuckets>> {
    let paths: Vec<PathRow> = training_paths::table
        .select(PathRow::as_select())
        .order(training_paths::id)
        .load(conn)?;
    let buckets: Vec<BucketRow> = training_buckets::table
        .select(BucketRow::as_select())
        .load(conn)?;
    let modules: Vec<ModuleRow> = training_modules::table
        .select(ModuleRow::as_select())
        .order(training_modules::code)
        .load(conn)?;
    Ok(paths
        .into_iter()
        .map(|path| {
            let order = |k: &str| {
                domain::training::BucketKind::ALL
                    .iter()
                    .position(|b| b.as_str() == k)
            };
            let mut b: Vec<BucketRow> = buckets
                .iter()
                .filter(|b| b.path_id == path.id)
                .cloned()
                .collect();
            b.sort_by_key(|b| order(&b.kind));
            let m = modules
                .iter()
                .filter(|m| m.path_id == path.id)
                .cloned()
                .collect();
            PathWithBuckets {
                path,
                buckets: b,
                modules: m,
            }
        })
        .collect())
}

/// The path a selection's Navigators follow: the one set for the
/// selection, or else the oldest path (the seeded 2019 one).
pub fn path_of_selection(
    conn: &mut DbConnection,
    selection_id: &str,
) -> Result<Option<PathWithBuckets>> {
    let chosen: Option<String> = selection_training_paths::table
        .select(selection_training_paths::path_id)
        .filter(selection_training_paths::selection_id.eq(selection_id))
        .first(conn)
        .optional()?;
    let mut paths = list_paths(conn)?;
    Ok(match chosen {
        Some(id) => paths.into_iter().find(|p| p.path.id == id),
        None => {
            paths.sort_by(|a, b| {
                (a.path.created_at, &a.path.id).cmp(&(b.path.created_at, &b.path.id))
            });
            paths.into_iter().next()
        }
    })
}

/// Attended classroom minutes, by session day.
pub fn attended(conn: &mut DbConnection, navigator_id: &str) -> Result<Vec<(NaiveDate, i64)>> {
    Ok(classroom_attendance::table
        .inner_join(classroom_sessions::table)
        .select((classroom_sessions::day, classroom_attendance::minutes))
        .filter(classroom_attendance::navigator_id.eq(navigator_id))
        .load(conn)?)
}

/// Distance modules of `path_id` whose end test was passed: completion day
/// and the module's hours.
pub fn passed_modules(
    conn: &mut DbConnection,
    navigator_id: &str,
    path_id: &str,
) -> Result<Vec<(NaiveDate, i64)>> {
    Ok(distance_completions::table
        .inner_join(training_modules::table)
        .select((distance_completions::completed_on, training_modules::hours))
        .filter(distance_completions::navigator_id.eq(navigator_id))
        .filter(distance_completions::test_passed.eq(true))
        .filter(training_modules::path_id.eq(path_id))
        .load(conn)?)
}

/// On-the-job minutes by day and status.
pub fn ojt_minutes(
    conn: &mut DbConnection,
    navigator_id: &str,
) -> Result<Vec<(NaiveDate, i64, String)>> {
    Ok(ojt_logs::table
        .select((ojt_logs::day, ojt_logs::minutes, ojt_logs::status))
        .filter(ojt_logs::navigator_id.eq(navigator_id))
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = mandatory_training)]
pub struct MandatoryRow {
    pub id: String,
    pub navigator_id: String,
    pub item: String,
    pub completed_on: NaiveDate,
    pub recorded_by: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

/// Mandatory training completions, oldest first.
pub fn mandatory_of(conn: &mut DbConnection, navigator_id: &str) -> Result<Vec<MandatoryRow>> {
    Ok(mandatory_training::table
        .select(MandatoryRow::as_select())
        .filter(mandatory_training::navigator_id.eq(navigator_id))
        .order((mandatory_training::completed_on, mandatory_training::id))
        .load(conn)?)
}

/// The stored progress of a Navigator: `(body, etag)`. The tablets poll
/// it, so it runs on the concrete connection: through the multi-backend
/// one, diesel writes the query's SQL text anew on every run.
pub fn stored_progress(
    conn: &mut DbConnection,
    navigator_id: &str,
) -> Result<Option<(String, String)>> {
    let query = training_progress::table
        .select((training_progress::body, training_progress::etag))
        .filter(training_progress::navigator_id.eq(navigator_id));
    Ok(crate::per_engine!(conn, c => query.first(c).optional())?)
}

/// Stores a Navigator's progress. Callers hold the Navigator's row lock,
/// so the update-or-insert cannot race.
pub fn store_progress(
    conn: &mut DbConnection,
    navigator_id: &str,
    body: &str,
    etag: &str,
) -> Result<()> {
    let n = diesel::update(
        training_progress::table.filter(training_progress::navigator_id.eq(navigator_id)),
    )
    .set((
        training_progress::body.eq(body),
        training_progress::etag.eq(etag),
        training_progress::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(training_progress::table)
            .values((
                training_progress::navigator_id.eq(navigator_id),
                training_progress::body.eq(body),
                training_progress::etag.eq(etag),
                training_progress::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
