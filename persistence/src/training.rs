//! Training paths as data, and the records a Navigator's progress adds up.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use domain::training::BucketKind;

use crate::error::{stored, Result};
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

impl BucketRow {
    pub fn kind(&self) -> Result<BucketKind> {
        stored("training_buckets.kind", &self.kind, BucketKind::parse)
    }
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

/// The stored progress of a Navigator: `(body, etag)`, when one of body
/// shape `version` is stored; one of another shape is as good as none. The
/// tablets poll it, so it runs on the concrete connection: through the
/// multi-backend one, diesel writes the query's SQL text anew on every run.
pub fn stored_progress(
    conn: &mut DbConnection,
    navigator_id: &str,
    version: i32,
) -> Result<Option<(String, String)>> {
    let query = training_progress::table
        .select((training_progress::body, training_progress::etag))
        .filter(training_progress::navigator_id.eq(navigator_id))
        .filter(training_progress::body_version.eq(version));
    Ok(crate::per_engine!(conn, c => query.first(c).optional())?)
}

/// The stored progress of several Navigators at once, as
/// `(navigator_id, body, etag)`; those with none stored of body shape
/// `version` are left out.
pub fn stored_progresses(
    conn: &mut DbConnection,
    navigator_ids: &[String],
    version: i32,
) -> Result<Vec<(String, String, String)>> {
    let columns = (
        training_progress::navigator_id,
        training_progress::body,
        training_progress::etag,
    );
    let rows = match conn {
        DbConnection::Postgresql(c) => training_progress::table
            .select(columns)
            .filter(training_progress::navigator_id.eq_any(navigator_ids))
            .filter(training_progress::body_version.eq(version))
            .load(c)?,
        // The ids as one JSON array: the statement's text is the same for
        // any number of them, so it is prepared once per connection instead
        // of once per read (`IN (?, ?, …)` is never cached).
        DbConnection::Sqlite(c) => training_progress::table
            .select(columns)
            .filter(OneOfJsonArray {
                column: training_progress::navigator_id,
                values: serde_json::to_string(navigator_ids).map_err(|e| {
                    crate::error::PersistenceError::Corrupt(format!("ids as JSON: {e}"))
                })?,
            })
            .filter(training_progress::body_version.eq(version))
            .load(c)?,
    };
    Ok(rows)
}

/// SQLite's `column IN (SELECT value FROM json_each(?))`, `values` a JSON
/// array of text: a condition on any number of values with one statement
/// text, which diesel's statement cache keeps.
#[derive(Debug, Clone, diesel::query_builder::QueryId)]
struct OneOfJsonArray<C> {
    column: C,
    values: String,
}

impl<C> diesel::Expression for OneOfJsonArray<C> {
    type SqlType = diesel::sql_types::Bool;
}

impl<C, QS> diesel::AppearsOnTable<QS> for OneOfJsonArray<C> where C: diesel::AppearsOnTable<QS> {}

impl<C, QS> diesel::SelectableExpression<QS> for OneOfJsonArray<C> where
    C: diesel::SelectableExpression<QS>
{
}

impl<C> diesel::expression::ValidGrouping<()> for OneOfJsonArray<C> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<C> diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for OneOfJsonArray<C>
where
    C: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<diesel::sql_types::Text, _>(&self.values)?;
        out.push_sql("))");
        Ok(())
    }
}

/// The days a Navigator's buckets filled and their path completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FillDays {
    pub classroom: Option<NaiveDate>,
    pub distance: Option<NaiveDate>,
    pub on_the_job: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
}

/// The tag of every stored progress of body shape `version`, by Navigator
/// id: what the servers compare the progress they hold in memory with.
pub fn progress_tags(conn: &mut DbConnection, version: i32) -> Result<Vec<(String, String)>> {
    Ok(training_progress::table
        .select((training_progress::navigator_id, training_progress::etag))
        .filter(training_progress::body_version.eq(version))
        .load(conn)?)
}

/// Stores a Navigator's progress, its body of shape `version`, and
/// announces it to the other processes, which forget the progress they
/// hold of this Navigator as the change commits. Callers hold the
/// Navigator's row lock, so the update-or-insert cannot race.
pub fn store_progress(
    conn: &mut DbConnection,
    navigator_id: &str,
    body: &str,
    etag: &str,
    version: i32,
    days: FillDays,
) -> Result<()> {
    let n = diesel::update(
        training_progress::table.filter(training_progress::navigator_id.eq(navigator_id)),
    )
    .set((
        training_progress::body.eq(body),
        training_progress::etag.eq(etag),
        training_progress::body_version.eq(version),
        training_progress::classroom_filled_on.eq(days.classroom),
        training_progress::distance_filled_on.eq(days.distance),
        training_progress::on_the_job_filled_on.eq(days.on_the_job),
        training_progress::completed_on.eq(days.completed),
        training_progress::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(training_progress::table)
            .values((
                training_progress::navigator_id.eq(navigator_id),
                training_progress::body.eq(body),
                training_progress::etag.eq(etag),
                training_progress::body_version.eq(version),
                training_progress::classroom_filled_on.eq(days.classroom),
                training_progress::distance_filled_on.eq(days.distance),
                training_progress::on_the_job_filled_on.eq(days.on_the_job),
                training_progress::completed_on.eq(days.completed),
                training_progress::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    crate::sessions::announce(
        conn,
        &crate::sessions::Announcement::Progress(navigator_id.to_owned()),
    )
}

/// One path with its buckets and modules.
pub fn get_path(conn: &mut DbConnection, id: &str) -> Result<Option<PathWithBuckets>> {
    Ok(list_paths(conn)?.into_iter().find(|p| p.path.id == id))
}

/// Whether a path has this code.
pub fn path_code_taken(conn: &mut DbConnection, code: &str) -> Result<bool> {
    let n: i64 = training_paths::table
        .filter(training_paths::code.eq(code))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Adds a module to a path; a code the path already has is a unique
/// violation.
pub fn insert_module(
    conn: &mut DbConnection,
    path_id: &str,
    module: &domain::training::Module,
) -> Result<ModuleRow> {
    let id = crate::time::new_id();
    diesel::insert_into(training_modules::table)
        .values((
            training_modules::id.eq(&id),
            training_modules::path_id.eq(path_id),
            training_modules::code.eq(&module.code),
            training_modules::title.eq(&module.title),
            training_modules::hours.eq(module.hours),
        ))
        .execute(conn)?;
    Ok(training_modules::table
        .select(ModuleRow::as_select())
        .filter(training_modules::id.eq(&id))
        .first(conn)?)
}

/// The id of the path with this code.
pub fn path_id_of_code(conn: &mut DbConnection, code: &str) -> Result<Option<String>> {
    Ok(training_paths::table
        .select(training_paths::id)
        .filter(training_paths::code.eq(code))
        .first(conn)
        .optional()?)
}

/// Sets the path a selection's Navigators follow (once, when the
/// selection is created).
pub fn set_selection_path(
    conn: &mut DbConnection,
    selection_id: &str,
    path_id: &str,
) -> Result<()> {
    diesel::insert_into(selection_training_paths::table)
        .values((
            selection_training_paths::selection_id.eq(selection_id),
            selection_training_paths::path_id.eq(path_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The code of the path set for each selection that has one.
pub fn selection_path_codes(
    conn: &mut DbConnection,
) -> Result<std::collections::HashMap<String, String>> {
    let chosen: Vec<(String, String)> = selection_training_paths::table
        .select((
            selection_training_paths::selection_id,
            selection_training_paths::path_id,
        ))
        .load(conn)?;
    let codes: std::collections::HashMap<String, String> = training_paths::table
        .select((training_paths::id, training_paths::code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(chosen
        .into_iter()
        .filter_map(|(selection, path)| Some((selection, codes.get(&path)?.clone())))
        .collect())
}

/// The fill days of these Navigators (those with none stored are left out).
pub fn fill_days_of(
    conn: &mut DbConnection,
    navigator_ids: &[String],
) -> Result<Vec<(String, FillDays)>> {
    fill_days(conn, Some(navigator_ids))
}

/// Every Navigator's fill days.
pub fn all_fill_days(conn: &mut DbConnection) -> Result<Vec<(String, FillDays)>> {
    fill_days(conn, None)
}

/// The stored fill days of these Navigators, or of every one.
fn fill_days(
    conn: &mut DbConnection,
    navigator_ids: Option<&[String]>,
) -> Result<Vec<(String, FillDays)>> {
    type Row = (
        String,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let mut query = training_progress::table
        .select((
            training_progress::navigator_id,
            training_progress::classroom_filled_on,
            training_progress::distance_filled_on,
            training_progress::on_the_job_filled_on,
            training_progress::completed_on,
        ))
        .into_boxed();
    if let Some(ids) = navigator_ids {
        query = query.filter(training_progress::navigator_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<Row> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, classroom, distance, on_the_job, completed)| {
            (
                id,
                FillDays {
                    classroom,
                    distance,
                    on_the_job,
                    completed,
                },
            )
        })
        .collect())
}
