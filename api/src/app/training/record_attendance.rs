//! Records who attended a classroom session and for how long. All rows or
//! none; recording a person again for the same session corrects their
//! hours, and the audit log keeps both. Each person's progress is updated
//! at once.

use std::collections::{BTreeSet, HashMap};

use domain::account::Role;
use domain::ids::{NavigatorId, TrainingSessionId};
use domain::selection::CodiceFiscale;
use domain::training::classroom::{attended_minutes, check_held, check_under_contract};
use domain::{RuleCode, Violations};
use openapi::ProblemType;
use persistence::classroom;
use persistence::contracts::{self, NavigatorRow};
use persistence::{audit, DbConnection};

use super::{lock_in_order, navigators_by_codice, refresh_each};
use crate::app::{Access, Act, UseCase};
use crate::csv_import::{self, RowAt};
use crate::error::{ApiError, ApiResult};

/// The header of a register file: who, and for how long.
pub const REGISTER_HEADER: [&str; 2] = ["codice_fiscale", "hours"];

/// The rows of a register file (`codice_fiscale,hours`), with what is wrong
/// in them on their own, each by its line. The JSON API and the console
/// read a register with this one parser.
pub fn register_of_file(bytes: &[u8]) -> (Vec<RegisterRow>, Violations) {
    let records = match csv_import::records(bytes, &REGISTER_HEADER) {
        Ok(r) => r,
        Err(v) => return (Vec::new(), v),
    };
    let mut bad = Violations::new();
    let mut rows = Vec::new();
    for (line, r) in records {
        let codice = CodiceFiscale::parse("codice_fiscale", &r[0])
            .map_err(|v| bad.push(v.at_line(line)))
            .ok();
        let hours = csv_import::hours_cell(&r[1], "hours", line)
            .map_err(|v| bad.push(v))
            .ok();
        if let (Some(codice), Some(hours)) = (codice, hours) {
            rows.push(RegisterRow {
                at: RowAt::Line(line),
                person: Person::Codice(codice),
                hours,
            });
        }
    }
    (rows, bad)
}

/// Who a register row names: a Navigator id (JSON) or a codice fiscale (CSV).
#[derive(Clone)]
pub enum Person {
    Id(NavigatorId),
    Codice(CodiceFiscale),
}

impl Person {
    fn field(&self) -> &'static str {
        match self {
            Self::Id(_) => "navigator_id",
            Self::Codice(_) => "codice_fiscale",
        }
    }
}

/// One row of the register, where it stands in the body.
#[derive(Clone)]
pub struct RegisterRow {
    pub at: RowAt,
    pub person: Person,
    pub hours: f64,
}

#[derive(Clone)]
pub struct RecordAttendance {
    pub session_id: TrainingSessionId,
    pub rows: Vec<RegisterRow>,
    /// What is wrong in the rows on their own, named with the others'.
    pub rejected: Violations,
    /// How the body names its rows (index or line), for the rejection.
    pub kind: RowAt,
}

/// How many were recorded for the first time, and how many corrected.
pub struct Attendance {
    pub recorded: usize,
    pub corrected: usize,
}

impl UseCase for RecordAttendance {
    type Outcome = Attendance;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Trainer];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Attendance> {
        let ctx = act.audit();
        let (rows, mut bad) = (self.rows, self.rejected);
        let session =
            classroom::get_session(conn, &self.session_id)?.ok_or(ApiError::NotFound {
                entity: "classroom session",
            })?;
        check_held(session.day, act.today)
            .map_err(|day| ApiError::rule(ProblemType::SessionNotHeldYet, day))?;
        let navs = resolve(conn, &rows)?;
        let known: BTreeSet<String> = navs.iter().flatten().map(|n| n.id.clone()).collect();
        // Locked before their contracts are read: what is checked stays
        // true until the attendance is written.
        lock_in_order(conn, &known)?;
        let mut seen: HashMap<String, RowAt> = HashMap::new();
        let mut accepted = Vec::with_capacity(rows.len());
        for (row, nav) in rows.iter().zip(&navs) {
            let who = row.person.field();
            let minutes = attended_minutes(&row.at.field("hours"), row.hours, session.minutes)
                .map_err(|v| bad.push(row.at.place(v)))
                .ok();
            let Some(nav) = nav else {
                bad.push(match &row.person {
                    Person::Id(id) => row
                        .at
                        .violation(who, RuleCode::UnknownNavigator)
                        .with_detail(id.clone()),
                    // A codice fiscale is personal data: never echoed.
                    Person::Codice(_) => row.at.violation(who, RuleCode::UnknownCodiceFiscale),
                });
                continue;
            };
            if let Some(first) = seen.get(&nav.id) {
                bad.push(
                    row.at
                        .violation(who, row.at.duplicate_code())
                        .with_detail(first.describe()),
                );
                continue;
            }
            seen.insert(nav.id.clone(), row.at);
            let contract = match contracts::contract_of_navigator(conn, &nav.id)? {
                Some(c) => Some(persistence::contracts::dates_of(conn, &c)?),
                None => None,
            };
            if let Err(v) = check_under_contract(&row.at.field(who), contract.as_ref(), session.day)
            {
                bad.push(row.at.place(v));
            }
            if let Some(minutes) = minutes {
                accepted.push((nav.id.clone(), minutes));
            }
        }
        if !bad.is_empty() {
            return Err(self.kind.rejection(bad));
        }
        let mut result = Attendance {
            recorded: 0,
            corrected: 0,
        };
        for (navigator_id, minutes) in &accepted {
            let (before, after) = classroom::record_attendance(
                conn,
                &session.id,
                navigator_id,
                *minutes,
                ctx.actor.as_deref(),
            )?;
            let action = if before.is_some() {
                result.corrected += 1;
                "classroom_attendance.corrected"
            } else {
                result.recorded += 1;
                "classroom_attendance.recorded"
            };
            audit::append(
                conn,
                &ctx,
                action,
                "classroom_attendance",
                &after.id,
                before.as_ref(),
                Some(&after),
            )?;
        }
        refresh_each(conn, act, &known)?;
        Ok(result)
    }
}

/// The Navigator each row names, `None` when nobody has that id or code.
fn resolve(conn: &mut DbConnection, rows: &[RegisterRow]) -> ApiResult<Vec<Option<NavigatorRow>>> {
    let codici: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| match &r.person {
            Person::Codice(c) => Some(c.as_str().to_owned()),
            Person::Id(_) => None,
        })
        .collect();
    let by_codice = navigators_by_codice(conn, &codici)?;
    let mut by_id: HashMap<NavigatorId, Option<NavigatorRow>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(match &r.person {
            Person::Codice(c) => by_codice.get(c.as_str()).cloned(),
            Person::Id(id) => {
                if !by_id.contains_key(id) {
                    let nav = contracts::get_navigator(conn, id)?;
                    by_id.insert(id.clone(), nav);
                }
                by_id.get(id).cloned().flatten()
            }
        });
    }
    Ok(out)
}
