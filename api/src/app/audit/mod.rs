//! The append-only audit log, read by administrators and HR.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Rome;
use domain::account::Role;
use persistence::audit::{self, AuditFilter, AuditRow};
use persistence::{accounts, DbConnection};

use crate::app::subjects::person_scope;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// Entries newest first, filtered, a page at a time.
#[derive(Clone)]
pub struct ReadAuditLog {
    pub filter: AuditFilter,
    /// Only the lines concerning this person: a codice fiscale, or an
    /// account's email or id.
    pub person: Option<String>,
}

/// Narrows `filter` to the person `raw` names; `false`: nobody by that
/// name, so no line.
fn narrow(conn: &mut DbConnection, filter: &mut AuditFilter, raw: Option<&str>) -> ApiResult<bool> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(true);
    };
    match person_scope(conn, raw)? {
        Some(scope) => {
            filter.person = Some(scope);
            Ok(true)
        }
        None => Ok(false),
    }
}

impl UseCase for ReadAuditLog {
    type Outcome = Vec<AuditRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];

    fn run(mut self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<AuditRow>> {
        if !narrow(conn, &mut self.filter, self.person.as_deref())? {
            return Ok(Vec::new());
        }
        let rows = audit::list(conn, &self.filter)?;
        Ok(persistence::retention::mask_erased(conn, rows)?)
    }
}

/// An instant, or an Italian calendar day: its first instant for `from`,
/// the next day's for `to`.
pub fn instant(field: &str, raw: Option<&str>, day_end: bool) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(raw) = raw else { return Ok(None) };
    let out_of_range = || ApiError::InvalidQuery {
        field: field.to_owned(),
        detail: format!(
            "{raw}: outside the accepted range {}",
            domain::day::range_text()
        ),
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        if !domain::day::in_range(t.date_naive()) {
            return Err(out_of_range());
        }
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let invalid = || ApiError::InvalidQuery {
        field: field.to_owned(),
        detail: format!("{raw}: expected YYYY-MM-DD or an RFC 3339 instant"),
    };
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| invalid())?;
    if !domain::day::in_range(day) {
        return Err(out_of_range());
    }
    let day = if day_end {
        day + Duration::days(1)
    } else {
        day
    };
    let midnight = day.and_hms_opt(0, 0, 0).ok_or_else(invalid)?;
    Ok(Rome
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc)))
}

/// The log as the console reads it: "who" may be an account's email as
/// well as its id, and each line names its actor by email.
#[derive(Clone)]
pub struct ReadAuditTrail {
    /// `filter.actor` is read as an email when it holds an `@`.
    pub filter: AuditFilter,
    /// As [`ReadAuditLog::person`].
    pub person: Option<String>,
}

/// A line of the log with its actor's email (`None`: the system, or an
/// account no longer there).
pub struct AuditLine {
    pub row: AuditRow,
    pub actor_email: Option<String>,
}

impl UseCase for ReadAuditTrail {
    type Outcome = Vec<AuditLine>;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = ReadAuditLog::ROLES;

    fn run(mut self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<AuditLine>> {
        if !narrow(conn, &mut self.filter, self.person.as_deref())? {
            return Ok(Vec::new());
        }
        if let Some(who) = self.filter.actor.clone().filter(|w| w.contains('@')) {
            match accounts::find_by_email(conn, &who.trim().to_lowercase())? {
                Some(account) => self.filter.actor = Some(account.user.id),
                // Nobody has that email: nobody did anything under it.
                None => return Ok(Vec::new()),
            }
        }
        let rows = audit::list(conn, &self.filter)?;
        let rows = persistence::retention::mask_erased(conn, rows)?;
        let mut ids: Vec<String> = rows.iter().filter_map(|r| r.actor.clone()).collect();
        ids.sort();
        ids.dedup();
        let emails: HashMap<String, String> =
            accounts::emails_of(conn, &ids)?.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|row| AuditLine {
                actor_email: row.actor.as_ref().and_then(|a| emails.get(a).cloned()),
                row,
            })
            .collect())
    }
}
