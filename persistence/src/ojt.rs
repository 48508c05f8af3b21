//! On-the-job logs from the tablets, and their validation.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use domain::training::ojt::LogStatus;

use crate::error::{stored, PersistenceError, Result};
use crate::schema::ojt_logs;
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = ojt_logs)]
pub struct OjtLogRow {
    pub id: String,
    pub navigator_id: String,
    pub client_id: String,
    pub day: NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub cpi_code: Option<String>,
    pub region_code: String,
    pub status: String,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl OjtLogRow {
    pub fn status(&self) -> Result<LogStatus> {
        stored("ojt_logs.status", &self.status, LogStatus::parse)
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<OjtLogRow>> {
    Ok(ojt_logs::table
        .select(OjtLogRow::as_select())
        .filter(ojt_logs::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn by_client_id(
    conn: &mut DbConnection,
    navigator_id: &str,
    client_id: &str,
) -> Result<Option<OjtLogRow>> {
    Ok(ojt_logs::table
        .select(OjtLogRow::as_select())
        .filter(ojt_logs::navigator_id.eq(navigator_id))
        .filter(ojt_logs::client_id.eq(client_id))
        .first(conn)
        .optional()?)
}

/// Minutes logged for a day and not rejected.
pub fn day_minutes(conn: &mut DbConnection, navigator_id: &str, day: NaiveDate) -> Result<i64> {
    let minutes: Vec<i64> = ojt_logs::table
        .select(ojt_logs::minutes)
        .filter(ojt_logs::navigator_id.eq(navigator_id))
        .filter(ojt_logs::day.eq(day))
        .filter(ojt_logs::status.ne("rejected"))
        .load(conn)?;
    Ok(minutes.iter().sum())
}

pub struct NewLog<'a> {
    pub navigator_id: &'a str,
    pub client_id: &'a str,
    pub day: NaiveDate,
    pub minutes: i64,
    pub activity: &'a str,
    pub cpi_code: Option<&'a str>,
    pub region_code: &'a str,
}

/// Inserts a pending log; the unique `(navigator_id, client_id)` refuses a
/// second one for the same tablet entry.
pub fn insert(conn: &mut DbConnection, l: &NewLog<'_>) -> Result<OjtLogRow> {
    let id = new_id();
    diesel::insert_into(ojt_logs::table)
        .values((
            ojt_logs::id.eq(&id),
            ojt_logs::navigator_id.eq(l.navigator_id),
            ojt_logs::client_id.eq(l.client_id),
            ojt_logs::day.eq(l.day),
            ojt_logs::minutes.eq(l.minutes),
            ojt_logs::activity.eq(l.activity),
            ojt_logs::cpi_code.eq(l.cpi_code),
            ojt_logs::region_code.eq(l.region_code),
            ojt_logs::status.eq("pending"),
            ojt_logs::created_at.eq(now()),
        ))
        .execute(conn)?;
    get(conn, &id)?.ok_or_else(|| PersistenceError::Corrupt(format!("log {id} vanished")))
}

/// A Navigator's logs, newest day first (then newest id), those after
/// `after`: the day and id of the last log of the previous page.
pub fn of_navigator(
    conn: &mut DbConnection,
    navigator_id: &str,
    after: Option<(NaiveDate, &str)>,
    limit: i64,
) -> Result<Vec<OjtLogRow>> {
    let mut q = ojt_logs::table
        .select(OjtLogRow::as_select())
        .filter(ojt_logs::navigator_id.eq(navigator_id))
        .into_boxed();
    if let Some((day, id)) = after {
        q = q.filter(
            ojt_logs::day
                .lt(day)
                .or(ojt_logs::day.eq(day).and(ojt_logs::id.lt(id.to_owned()))),
        );
    }
    Ok(q.order((ojt_logs::day.desc(), ojt_logs::id.desc()))
        .limit(limit)
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Only these Regions; `None` for all.
    pub regions: Option<Vec<String>>,
    pub status: Option<String>,
    pub navigator_id: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Logs by id (oldest first), for the coordinators' queue.
pub fn list(conn: &mut DbConnection, f: &LogFilter) -> Result<Vec<OjtLogRow>> {
    let mut q = ojt_logs::table.select(OjtLogRow::as_select()).into_boxed();
    if let Some(r) = &f.regions {
        q = q.filter(ojt_logs::region_code.eq_any(r.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(ojt_logs::status.eq(s.clone()));
    }
    if let Some(n) = &f.navigator_id {
        q = q.filter(ojt_logs::navigator_id.eq(n.clone()));
    }
    if let Some(a) = &f.after_id {
        q = q.filter(ojt_logs::id.gt(a.clone()));
    }
    Ok(q.order(ojt_logs::id).limit(f.limit).load(conn)?)
}

/// Validates or rejects a pending log; `false` when it was no longer
/// pending (decided meanwhile by someone else).
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    reason: Option<&str>,
    by: Option<&str>,
) -> Result<bool> {
    let n = diesel::update(
        ojt_logs::table
            .filter(ojt_logs::id.eq(id))
            .filter(ojt_logs::status.eq("pending")),
    )
    .set((
        ojt_logs::status.eq(status),
        ojt_logs::reason.eq(reason),
        ojt_logs::decided_by.eq(by),
        ojt_logs::decided_at.eq(Some(now())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
