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
    /// Only the lines concerning one person.
    pub person: Option<PersonScope>,
    pub limit: i64,
}

/// What makes a line concern a person: they acted (`accounts`), or it is
/// about one of their records. The log names people by their records' ids
/// only, never by codice fiscale: a person is found through their records.
#[derive(Debug, Clone, Default)]
pub struct PersonScope {
    pub accounts: Vec<String>,
    /// Each entity of the log with the ids of the person's records.
    pub records: Vec<(String, Vec<String>)>,
    /// Rankings the person has a position in: their reads concern them
    /// (not their corrections or extracts, which name other people).
    pub rankings: Vec<String>,
    /// Records-request extracts asked for the person: the ranking's
    /// `selection/province` and the person's application number there.
    pub extracts: Vec<(String, String)>,
}

/// The action of a recorded read of a whole ranking.
pub const RANKING_READ: &str = "ranking.read";

/// The action of a records-request extract.
pub const RANKING_EXTRACTED: &str = "ranking.extracted";

type Condition = Box<
    dyn BoxableExpression<
        audit_log::table,
        <DbConnection as diesel::Connection>::Backend,
        SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
    >,
>;

/// The person's lines as one condition; none matches an empty scope.
fn concerning(p: &PersonScope) -> Condition {
    // No line has an empty action: the start of a disjunction.
    let mut any: Condition = Box::new(audit_log::action.eq("").nullable());
    if !p.accounts.is_empty() {
        any = Box::new(any.or(audit_log::actor.eq_any(p.accounts.clone())));
    }
    for (entity, ids) in p.records.iter().filter(|(_, ids)| !ids.is_empty()) {
        let about = audit_log::entity
            .eq(entity.clone())
            .and(audit_log::entity_id.eq_any(ids.clone()));
        any = Box::new(any.or(about.nullable()));
    }
    if !p.rankings.is_empty() {
        let read = audit_log::action
            .eq(RANKING_READ)
            .and(audit_log::entity.eq("ranking"))
            .and(audit_log::entity_id.eq_any(p.rankings.clone()));
        any = Box::new(any.or(read.nullable()));
    }
    for (ranking, application_no) in &p.extracts {
        // The extract's line names its requester by application number in
        // its details (compact JSON, so no space after the colon).
        let escaped: String = application_no
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let named = audit_log::action
            .eq(RANKING_EXTRACTED)
            .and(audit_log::entity.eq("ranking"))
            .and(audit_log::entity_id.eq(ranking.clone()))
            .and(
                audit_log::after_json
                    .like(format!("%\"application_no\":\"{escaped}\"%"))
                    .escape('\\'),
            );
        any = Box::new(any.or(named));
    }
    any
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
    if let Some(p) = &f.person {
        q = q.filter(concerning(p));
    }
    if let Some(c) = &f.before_id {
        q = q.filter(audit_log::id.lt(c.clone()));
    }
    Ok(q.order(audit_log::id.desc()).limit(f.limit).load(conn)?)
}
