//! Dated completions of mandatory training (read back with
//! `training::mandatory_of`).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::mandatory_training;
use crate::time::{new_id, now};
use crate::training::MandatoryRow;

/// Whether this completion (item and day) is recorded already.
pub fn recorded(
    conn: &mut DbConnection,
    navigator_id: &str,
    item: &str,
    completed_on: NaiveDate,
) -> Result<bool> {
    let n: i64 = mandatory_training::table
        .filter(mandatory_training::navigator_id.eq(navigator_id))
        .filter(mandatory_training::item.eq(item))
        .filter(mandatory_training::completed_on.eq(completed_on))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(
    conn: &mut DbConnection,
    navigator_id: &str,
    item: &str,
    completed_on: NaiveDate,
    recorded_by: Option<&str>,
) -> Result<MandatoryRow> {
    let id = new_id();
    diesel::insert_into(mandatory_training::table)
        .values((
            mandatory_training::id.eq(&id),
            mandatory_training::navigator_id.eq(navigator_id),
            mandatory_training::item.eq(item),
            mandatory_training::completed_on.eq(completed_on),
            mandatory_training::recorded_by.eq(recorded_by),
            mandatory_training::created_at.eq(now()),
        ))
        .execute(conn)?;
    mandatory_training::table
        .select(MandatoryRow::as_select())
        .filter(mandatory_training::id.eq(&id))
        .first(conn)
        .optional()?
        .ok_or_else(|| PersistenceError::Corrupt(format!("mandatory training {id} vanished")))
}
