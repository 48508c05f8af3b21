//! Instants are stored as UTC `TIMESTAMP` on both engines; ids as text UUIDs.

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::PersistenceError;

pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Time-ordered ids, so that ordering by id is ordering by creation.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

pub fn parse_id(raw: &str) -> Result<Uuid, PersistenceError> {
    Uuid::parse_str(raw).map_err(|_| PersistenceError::Corrupt(format!("not a UUID: {raw}")))
}
