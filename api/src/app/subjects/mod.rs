//! A person's own data as the service holds it: the subject access file
//! (GDPR art. 15), produced for HR and administrators by codice fiscale
//! and for a Navigator of their own, each production recorded in the
//! audit log; and the person a filter of the audit view names.

use domain::account::Role;
use domain::selection::CodiceFiscale;
use domain::subject_access::{self, FORMAT_VERSION, LEFT_OUT, SECTIONS};
use openapi::dto::{LeftOutView, SubjectAccessFile, SubjectAccessSection};
use persistence::audit::{self, AuditRow, PersonScope};
use persistence::subject::{self, Footprint, SubjectRecords};
use persistence::{accounts, DbConnection};
use serde::Serialize;
use serde_json::Value;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The name of the file's shape, with [`FORMAT_VERSION`].
pub const FORMAT: &str = "navigator-ops/subject-access-file";

/// The audit action of a production of the file.
pub const PRODUCED: &str = "subject.access_file";

/// The file of the person with this codice fiscale, for HR and
/// administrators.
#[derive(Clone)]
pub struct ProduceAccessFile {
    pub codice: CodiceFiscale,
}

impl UseCase for ProduceAccessFile {
    type Outcome = SubjectAccessFile;
    /// A write: the file and the line recording it are one transaction.
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<SubjectAccessFile> {
        produce(conn, act, self.codice.as_str())
    }
}

/// The calling Navigator's own file.
#[derive(Clone)]
pub struct ProduceOwnAccessFile;

impl UseCase for ProduceOwnAccessFile {
    type Outcome = SubjectAccessFile;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<SubjectAccessFile> {
        let account =
            act.caller
                .as_ref()
                .map(|c| c.user_id.as_str())
                .ok_or(ApiError::NotFound {
                    entity: "navigator",
                })?;
        let codice = subject::codice_of_account(conn, account)?.ok_or(ApiError::NotFound {
            entity: "navigator",
        })?;
        produce(conn, act, &codice)
    }
}

fn produce(conn: &mut DbConnection, act: &Act, codice: &str) -> ApiResult<SubjectAccessFile> {
    let footprint = subject::footprint(conn, codice)?;
    if !footprint.is_known() {
        return Err(ApiError::NotFound { entity: "person" });
    }
    let records = subject::records(conn, &footprint)?;
    let lines = subject::audit_lines(conn, &footprint)?;
    let file = assemble(act, records, lines)?;
    let counts: serde_json::Map<String, Value> = file
        .sections
        .iter()
        .map(|s| (s.key.clone(), Value::from(s.records.len())))
        .collect();
    // For whom, by the person's record (the newest Navigator record, else
    // the first application), never by codice fiscale: the log keeps no
    // more personal data than the ids it already holds.
    let (entity, id) = match (footprint.navigators.last(), footprint.applications.first()) {
        (Some(n), _) => ("navigator", n.clone()),
        (None, Some(a)) => ("candidate", a.clone()),
        (None, None) => return Err(ApiError::NotFound { entity: "person" }),
    };
    audit::append::<(), _>(
        conn,
        &act.audit(),
        PRODUCED,
        entity,
        &id,
        None,
        Some(&serde_json::json!({
            "format_version": FORMAT_VERSION,
            "records": counts,
        })),
    )?;
    Ok(file)
}

/// Each record as a JSON object, secrets removed wherever they are.
fn records_of<T: Serialize>(rows: &[T]) -> ApiResult<Vec<Value>> {
    rows.iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).map_err(|e| {
                tracing::error!(error = %e, "a stored record does not serialise");
                ApiError::Internal
            })?;
            strip_secrets(&mut v);
            Ok(v)
        })
        .collect()
}

fn strip_secrets(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !subject_access::is_secret(k));
            map.values_mut().for_each(strip_secrets);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_secrets),
        _ => {}
    }
}

/// An audit line as the file shows it.
#[derive(Serialize)]
struct LineRecord {
    id: String,
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<Value>,
    after: Option<Value>,
}

fn line_record(row: AuditRow) -> LineRecord {
    let json = |raw: Option<String>| raw.and_then(|s| serde_json::from_str(&s).ok());
    LineRecord {
        at: row.at_utc(),
        id: row.id,
        actor: row.actor,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        before: json(row.before_json),
        after: json(row.after_json),
    }
}

fn assemble(act: &Act, r: SubjectRecords, lines: Vec<AuditRow>) -> ApiResult<SubjectAccessFile> {
    let lines: Vec<LineRecord> = lines.into_iter().map(line_record).collect();
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for s in SECTIONS {
        let records = match s.key {
            "accounts" => records_of(&r.accounts)?,
            "applications" => records_of(&r.applications)?,
            "scores" => records_of(&r.scores)?,
            "ranking_positions" => records_of(&r.ranking_positions)?,
            "offers" => records_of(&r.offers)?,
            "navigators" => records_of(&r.navigators)?,
            "contracts" => records_of(&r.contracts)?,
            "hr_events" => records_of(&r.hr_events)?,
            "assignments" => records_of(&r.assignments)?,
            "training" => records_of(&r.training)?,
            "ojt_logs" => records_of(&r.ojt_logs)?,
            "equipment" => records_of(&r.equipment)?,
            "questions" => records_of(&r.questions)?,
            "mails" => records_of(&r.mails)?,
            "audit" => records_of(&lines)?,
            _ => Vec::new(),
        };
        sections.push(SubjectAccessSection {
            key: s.key.to_owned(),
            title_it: s.title_it.to_owned(),
            title_en: s.title_en.to_owned(),
            records,
        });
    }
    Ok(SubjectAccessFile {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        codice_fiscale: r.codice_fiscale,
        produced_at: act.now,
        produced_by: act.caller.as_ref().map(|c| c.user_id.clone()),
        sections,
        left_out: LEFT_OUT
            .iter()
            .map(|l| LeftOutView {
                what_it: l.what_it.to_owned(),
                what_en: l.what_en.to_owned(),
                why_it: l.why_it.to_owned(),
                why_en: l.why_en.to_owned(),
            })
            .collect(),
    })
}

/// The audit lines concerning the person `raw` names: a codice fiscale,
/// or an account's email or id. `None`: nobody by that name, so no line.
pub fn person_scope(conn: &mut DbConnection, raw: &str) -> ApiResult<Option<PersonScope>> {
    let raw = raw.trim();
    let account = if raw.contains('@') {
        accounts::find_by_email(conn, &raw.to_lowercase())?
    } else if uuid::Uuid::parse_str(raw).is_ok() {
        accounts::find_by_id(conn, raw)?
    } else {
        let codice = CodiceFiscale::parse("person", raw).map_err(ApiError::QueryViolation)?;
        let footprint = subject::footprint(conn, codice.as_str())?;
        return Ok(Some(footprint.scope()));
    };
    let Some(account) = account else {
        return Ok(None);
    };
    match subject::codice_of_account(conn, &account.user.id)? {
        Some(codice) => Ok(Some(subject::footprint(conn, &codice)?.scope())),
        // Staff: what they did, and what was done to their account.
        None => Ok(Some(
            Footprint {
                accounts: vec![account.user.id.clone()],
                ..Footprint::default()
            }
            .scope(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stripped_at_any_depth() {
        let mut v = serde_json::json!({
            "email": "a@b.it",
            "password_hash": "x",
            "inner": [{ "token_hash": "y", "kind": "k" }],
        });
        strip_secrets(&mut v);
        assert_eq!(
            v,
            serde_json::json!({ "email": "a@b.it", "inner": [{ "kind": "k" }] })
        );
    }
}
