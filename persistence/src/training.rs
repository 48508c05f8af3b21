//! Training paths as data.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{training_buckets, training_modules, training_paths};

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
