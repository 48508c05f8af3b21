//! Idempotency keys: a POST's key is claimed in the transaction of its
//! change, so at most one request per key changes anything, and the answer
//! is kept beside it for the retries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::idempotency_keys as keys;
use crate::time::{from_db, now, to_db};

/// A key as stored: what it was first used with, and the answer once kept.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = keys)]
pub struct KeyRow {
    pub fingerprint: String,
    pub created_at: chrono::NaiveDateTime,
    pub status: Option<i64>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<String>,
}

impl KeyRow {
    pub fn claimed_at(&self) -> DateTime<Utc> {
        from_db(self.created_at)
    }
}

/// The answer kept for a key.
#[derive(Debug, Clone)]
pub struct KeptAnswer<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub location: Option<&'a str>,
    pub body: &'a str,
}

pub fn find(conn: &mut DbConnection, caller_id: &str, key: &str) -> Result<Option<KeyRow>> {
    Ok(keys::table
        .filter(keys::caller_id.eq(caller_id))
        .filter(keys::idempotency_key.eq(key))
        .select(KeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Claims `key` for `caller_id` in the caller's transaction. A second claim
/// of the same key fails with a unique violation, which rolls its change
/// back: that is what makes the key exclusive under concurrency.
pub fn claim(conn: &mut DbConnection, caller_id: &str, key: &str, fingerprint: &str) -> Result<()> {
    diesel::insert_into(keys::table)
        .values((
            keys::caller_id.eq(caller_id),
            keys::idempotency_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keeps the answer of a committed claim.
pub fn keep_answer(
    conn: &mut DbConnection,
    caller_id: &str,
    key: &str,
    answer: &KeptAnswer<'_>,
) -> Result<()> {
    diesel::update(
        keys::table
            .filter(keys::caller_id.eq(caller_id))
            .filter(keys::idempotency_key.eq(key)),
    )
    .set((
        keys::status.eq(i64::from(answer.status)),
        keys::content_type.eq(answer.content_type),
        keys::location.eq(answer.location),
        keys::body.eq(answer.body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Forgets the keys claimed before `before`; returns how many.
pub fn purge(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(keys::table.filter(keys::created_at.lt(to_db(before)))).execute(conn)?)
}
