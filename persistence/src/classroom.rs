//! Classroom sessions and who attended them.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::{classroom_attendance, classroom_sessions};
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = classroom_sessions)]
pub struct SessionRow {
    pub id: String,
    pub day: NaiveDate,
    pub minutes: i64,
    pub place: String,
    pub trainer: String,
    pub created_by: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

pub struct NewSession<'a> {
    pub day: NaiveDate,
    pub minutes: i64,
    pub place: &'a str,
    pub trainer: &'a str,
    pub created_by: Option<&'a str>,
}

pub fn insert_session(conn: &mut DbConnection, s: &NewSession<'_>) -> Result<SessionRow> {
    let id = new_id();
    diesel::insert_into(classroom_sessions::table)
        .values((
            classroom_sessions::id.eq(&id),
            classroom_sessions::day.eq(s.day),
            classroom_sessions::minutes.eq(s.minutes),
            classroom_sessions::place.eq(s.place),
            classroom_sessions::trainer.eq(s.trainer),
            classroom_sessions::created_by.eq(s.created_by),
            classroom_sessions::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_session(conn, &id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("session {id} vanished")))
}

pub fn get_session(conn: &mut DbConnection, id: &str) -> Result<Option<SessionRow>> {
    Ok(classroom_sessions::table
        .select(SessionRow::as_select())
        .filter(classroom_sessions::id.eq(id))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = classroom_attendance)]
pub struct AttendanceRow {
    pub id: String,
    pub session_id: String,
    pub navigator_id: String,
    pub minutes: i64,
    pub recorded_by: Option<String>,
    #[serde(skip)]
    pub recorded_at: chrono::NaiveDateTime,
}

/// The attendance recorded for one person at one session.
pub fn attendance_of(
    conn: &mut DbConnection,
    session_id: &str,
    navigator_id: &str,
) -> Result<Option<AttendanceRow>> {
    Ok(classroom_attendance::table
        .select(AttendanceRow::as_select())
        .filter(classroom_attendance::session_id.eq(session_id))
        .filter(classroom_attendance::navigator_id.eq(navigator_id))
        .first(conn)
        .optional()?)
}

/// Records one person's attendance, or corrects the minutes recorded
/// before. Callers hold the Navigator's row lock, so the two steps cannot
/// race. Returns the row before (on a correction) and after.
pub fn record_attendance(
    conn: &mut DbConnection,
    session_id: &str,
    navigator_id: &str,
    minutes: i64,
    recorded_by: Option<&str>,
) -> Result<(Option<AttendanceRow>, AttendanceRow)> {
    let before = attendance_of(conn, session_id, navigator_id)?;
    match &before {
        Some(row) => {
            diesel::update(
                classroom_attendance::table.filter(classroom_attendance::id.eq(&row.id)),
            )
            .set((
                classroom_attendance::minutes.eq(minutes),
                classroom_attendance::recorded_by.eq(recorded_by),
                classroom_attendance::recorded_at.eq(now()),
            ))
            .execute(conn)?;
        }
        None => {
            diesel::insert_into(classroom_attendance::table)
                .values((
                    classroom_attendance::id.eq(new_id()),
                    classroom_attendance::session_id.eq(session_id),
                    classroom_attendance::navigator_id.eq(navigator_id),
                    classroom_attendance::minutes.eq(minutes),
                    classroom_attendance::recorded_by.eq(recorded_by),
                    classroom_attendance::recorded_at.eq(now()),
                ))
                .execute(conn)?;
        }
    }
    let after = attendance_of(conn, session_id, navigator_id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("attendance at {session_id} vanished")))?;
    Ok((before, after))
}

/// Sessions newest first (ids are time-ordered), a page at a time: those
/// created before `before_id` when given.
pub fn list_sessions(
    conn: &mut DbConnection,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<SessionRow>> {
    let mut q = classroom_sessions::table
        .select(SessionRow::as_select())
        .into_boxed();
    if let Some(id) = before_id {
        q = q.filter(classroom_sessions::id.lt(id.to_owned()));
    }
    Ok(q.order(classroom_sessions::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// How many people attended each of `session_ids` (sessions nobody
/// attended yet are left out).
pub fn attendance_counts(
    conn: &mut DbConnection,
    session_ids: &[String],
) -> Result<Vec<(String, i64)>> {
    Ok(classroom_attendance::table
        .filter(classroom_attendance::session_id.eq_any(session_ids))
        .group_by(classroom_attendance::session_id)
        .select((classroom_attendance::session_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// A session's register: every attendance recorded, first recorded first.
pub fn register_of(conn: &mut DbConnection, session_id: &str) -> Result<Vec<AttendanceRow>> {
    Ok(classroom_attendance::table
        .select(AttendanceRow::as_select())
        .filter(classroom_attendance::session_id.eq(session_id))
        .order(classroom_attendance::id.asc())
        .load(conn)?)
}
