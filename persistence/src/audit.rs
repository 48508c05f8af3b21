//! The append-only audit log, written in the same transaction as each change.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::audit_log;
use crate::time::{from_db, to_db};

/// Who acts and under which request; carried from the HTTP layer into every write.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    /// The acting user's id; `None` for the system itself (seeding, expiry, bootstrap).
    pub actor: Option<String>,
    pub request_id: Option<String>,
}

impl AuditContext {
    pub fn system() -> Self {
        Self::default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: chrono::NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
}

impl AuditRow {
    pub fn at_utc(&self) -> DateTime<Utc> {
        from_db(self.at)
    }
}

/// Appends one line. `before`/`after` are the entity's state around the change.
pub fn append<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let before_json = before
        .map(serde_json::to_string)
        .transpose()
        .map_err(json_err)?;
    let after_json = after
        .map(serde_json::to_string)
        .transpose()
        .map_err(json_err)?;
    // `at` is read from the time-ordered id, so ordering by id and by `at` agree.
    let id = uuid::Uuid::now_v7();
    let at = id
        .get_timestamp()
        .map(|t| t.to_unix())
        .and_then(|(secs, nanos)| {
            chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)
        })
        .unwrap_or_else(Utc::now);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(id.to_string()),
            audit_log::at.eq(to_db(at)),
            audit_log::actor.eq(ctx.actor.as_deref()),
            audit_log::action.eq(action),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id),
            audit_log::before_json.eq(before_json),
            audit_log::after_json.eq(after_json),
            audit_log::request_id.eq(ctx.request_id.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}

fn json_err(e: serde_json::Error) -> crate::PersistenceError {
    crate::PersistenceError::Corrupt(format!("audit state not serialisable: {e}"))
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub to: Option<DateTime<Utc>>,
    /// Return lines older than this id (newest first).
    pub before_id: Option<String>,
    pub limit: i64,
}

/// Newest first; ids are time-ordered, so the id is a stable cursor.
pub fn list(conn: &mut DbConnection, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let mut q = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::entity.eq(e.clone()));
    }
    if let Some(e) = &f.entity_id {
        q = q.filter(audit_log::entity_id.eq(e.clone()));
    }
    if let Some(a) = &f.actor {
        q = q.filter(audit_log::actor.eq(a.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::at.ge(to_db(t)));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_log::at.lt(to_db(t)));
    }
    if let Some(c) = &f.before_id {
        q = q.filter(audit_log::id.lt(c.clone()));
    }
    Ok(q.order(audit_log::id.desc()).limit(f.limit).load(conn)?)
}
