//! Records distance-learning completions from the e-learning platform.
//! All rows or none. A failed test is stored but does not count; a passed
//! test replaces a failed one and is never undone by a later failure; a
//! module counts from the first day it was passed. Each person's progress
//! is updated at once.

use std::collections::{BTreeSet, HashMap};

use domain::account::Role;
use domain::selection::CodiceFiscale;
use domain::training::distance::{record, Completion, Recording};
use domain::training::{check_completed_by, module_code};
use domain::{RuleCode, Violation, Violations};
use persistence::training::{self, PathWithBuckets};
use persistence::{audit, distance, DbConnection};

use super::{lock_in_order, navigators_by_codice, refresh_each};
use crate::app::{Access, Act, UseCase};
use crate::csv_import::{self, RowAt};
use crate::error::ApiResult;

/// The header of a completions file from the e-learning platform.
pub const COMPLETIONS_HEADER: [&str; 4] = [
    "codice_fiscale",
    "module_code",
    "completed_on",
    "test_passed",
];

/// The rows of a completions file, with what is wrong in them on their
/// own, each by its line. The JSON API and the console read the file with
/// this one parser.
pub fn completions_of_file(bytes: &[u8]) -> (Vec<Reported>, Violations) {
    let records = match csv_import::records(bytes, &COMPLETIONS_HEADER) {
        Ok(r) => r,
        Err(v) => return (Vec::new(), v),
    };
    let mut bad = Violations::new();
    let mut rows = Vec::new();
    for (line, r) in records {
        let codice = CodiceFiscale::parse("codice_fiscale", &r[0])
            .map_err(|v| bad.push(v.at_line(line)))
            .ok();
        let code = module_code(&r[1]);
        if code.is_empty() {
            bad.push(Violation::new("module_code", RuleCode::Required).at_line(line));
        }
        let day = csv_import::date_cell(&r[2], "completed_on", line)
            .map_err(|v| bad.push(v))
            .ok();
        let passed = csv_import::bool_cell(&r[3], "test_passed", line)
            .map_err(|v| bad.push(v))
            .ok();
        if let (Some(codice), Some(completed_on), Some(test_passed)) = (codice, day, passed) {
            rows.push(Reported {
                at: RowAt::Line(line),
                codice,
                module_code: code,
                completion: Completion {
                    completed_on,
                    test_passed,
                },
            });
        }
    }
    (rows, bad)
}

/// One completion as the platform reported it.
#[derive(Clone)]
pub struct Reported {
    pub at: RowAt,
    pub codice: CodiceFiscale,
    pub module_code: String,
    pub completion: Completion,
}

#[derive(Clone)]
pub struct RecordCompletions {
    pub rows: Vec<Reported>,
    /// What is wrong in the rows on their own, named with the others'.
    pub rejected: Violations,
    /// How the body names its rows (index or line), for the rejection.
    pub kind: RowAt,
}

/// What the import did.
pub struct Completions {
    /// Stored: new, or in place of a failed attempt.
    pub recorded: usize,
    /// Of them, with the test passed.
    pub passed: usize,
    /// Changing nothing.
    pub unchanged: usize,
}

impl UseCase for RecordCompletions {
    type Outcome = Completions;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Completions> {
        let ctx = act.audit();
        let mut bad = self.rejected;
        let checked = check_rows(conn, &self.rows, act.today, &mut bad)?;
        if !bad.is_empty() {
            return Err(self.kind.rejection(bad));
        }
        let people: BTreeSet<String> = checked.iter().map(|c| c.navigator_id.clone()).collect();
        lock_in_order(conn, &people)?;
        let mut result = Completions {
            recorded: 0,
            passed: 0,
            unchanged: 0,
        };
        let mut changed = BTreeSet::new();
        for c in &checked {
            let kept = distance::completion_of(conn, &c.navigator_id, &c.module_id)?;
            let action = match record(kept.as_ref().map(|k| k.to_domain()), c.completion) {
                Recording::Keeps => {
                    result.unchanged += 1;
                    continue;
                }
                Recording::New => "distance_completion.recorded",
                Recording::Replaces => "distance_completion.replaced",
            };
            let after = distance::keep_completion(
                conn,
                &c.navigator_id,
                &c.module_id,
                c.completion,
                ctx.actor.as_deref(),
            )?;
            result.recorded += 1;
            if c.completion.test_passed {
                result.passed += 1;
            }
            changed.insert(c.navigator_id.clone());
            let audited = |row: &distance::CompletionRow| serde_json::json!({ "module_code": c.module_code, "completion": row });
            audit::append(
                conn,
                &ctx,
                action,
                "distance_completion",
                &after.id,
                kept.as_ref().map(audited).as_ref(),
                Some(&audited(&after)),
            )?;
        }
        refresh_each(conn, act, &changed)?;
        Ok(result)
    }
}

/// A row checked against the records: whose completion of which module.
struct Checked {
    navigator_id: String,
    module_id: String,
    module_code: String,
    completion: Completion,
}

fn check_rows(
    conn: &mut DbConnection,
    rows: &[Reported],
    today: chrono::NaiveDate,
    bad: &mut Violations,
) -> ApiResult<Vec<Checked>> {
    let codici: BTreeSet<String> = rows.iter().map(|r| r.codice.as_str().to_owned()).collect();
    let navigators = navigators_by_codice(conn, &codici)?;
    // One path per selection, read once.
    let mut paths: HashMap<String, Option<PathWithBuckets>> = HashMap::new();
    let mut seen: HashMap<(String, String), RowAt> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Err(v) = check_completed_by(
            &row.at.field("completed_on"),
            row.completion.completed_on,
            today,
        ) {
            bad.push(row.at.place(v));
        }
        let Some(nav) = navigators.get(row.codice.as_str()) else {
            // A codice fiscale is personal data: never echoed.
            bad.push(
                row.at
                    .violation("codice_fiscale", RuleCode::UnknownCodiceFiscale),
            );
            continue;
        };
        if !paths.contains_key(&nav.selection_id) {
            let path = training::path_of_selection(conn, &nav.selection_id)?;
            paths.insert(nav.selection_id.clone(), path);
        }
        let path = paths.get(&nav.selection_id).and_then(Option::as_ref);
        let module = path.and_then(|p| p.modules.iter().find(|m| m.code == row.module_code));
        let Some(module) = module else {
            let path_code = path.map_or("-", |p| p.path.code.as_str());
            bad.push(
                row.at
                    .violation("module_code", RuleCode::UnknownModule)
                    .with_detail(format!("{} ({path_code})", row.module_code)),
            );
            continue;
        };
        let key = (nav.id.clone(), module.id.clone());
        if let Some(first) = seen.get(&key) {
            bad.push(
                row.at
                    .violation("module_code", row.at.duplicate_code())
                    .with_detail(first.describe()),
            );
            continue;
        }
        seen.insert(key, row.at);
        out.push(Checked {
            navigator_id: nav.id.clone(),
            module_id: module.id.clone(),
            module_code: module.code.clone(),
            completion: row.completion,
        });
    }
    Ok(out)
}
