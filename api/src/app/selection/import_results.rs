//! Imports the test results from the provider's file
//! (`application_no,right,wrong,blank`): all rows or none, every bad row
//! named; between admission and the rankings' publication. The checks are
//! shared with a ranking's correction.

use std::collections::HashMap;

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::{ScoringRules, TestResult};
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::ProblemType;
use persistence::audit;
use persistence::selection::{self, ApplicationRow, ResultUpdate};
use persistence::DbConnection;
use serde::Serialize;

use super::import_applications::parse_int;
use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::csv_import;
use crate::error::{ApiError, ApiResult};

pub const CSV_HEADER: [&str; 4] = ["application_no", "right", "wrong", "blank"];

/// One result line as numbers, before the rules.
pub struct RawResult<'a> {
    pub line: Option<u64>,
    pub field_prefix: String,
    pub application_no: &'a str,
    pub right: i64,
    pub wrong: i64,
    pub blank: i64,
}

/// Checks result lines against the admitted applications and the scoring
/// rules; every violation, or the updates to store.
pub fn check_results(
    lines: &[RawResult<'_>],
    applications: &HashMap<String, ApplicationRow>,
    rules: &ScoringRules,
) -> Result<Vec<ResultUpdate>, Violations> {
    let mut bad = Violations::new();
    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let at = |v: Violation| match l.line {
            Some(n) => v.at_line(n),
            None => v,
        };
        let field = |f: &str| format!("{}{f}", l.field_prefix);
        let no = l.application_no.trim();
        let Some(app) = applications.get(no) else {
            bad.push(at(Violation::new(
                field("application_no"),
                RuleCode::UnknownApplication,
            )
            .with_detail(no)));
            continue;
        };
        if !app.admitted {
            bad.push(at(Violation::new(
                field("application_no"),
                RuleCode::NotAdmitted,
            )
            .with_detail(no)));
            continue;
        }
        if let Some(first) = seen.get(no) {
            let v = Violation::new(field("application_no"), RuleCode::DuplicateInFile);
            bad.push(at(match first {
                Some(n) => v.with_detail(*n),
                None => v,
            }));
            continue;
        }
        seen.insert(no, l.line);
        match TestResult::parse(rules, l.right, l.wrong, l.blank) {
            Err(v) => v.0.into_iter().for_each(|v| {
                let named = Violation {
                    field: field(&v.field),
                    ..v
                };
                bad.push(at(named));
            }),
            Ok(r) => out.push(ResultUpdate {
                id: app.id.clone(),
                right: r.right(),
                wrong: r.wrong(),
                blank: r.blank(),
                score_hundredths: r.score(rules).hundredths(),
            }),
        }
    }
    bad.into_result(out)
}

/// How many results were imported, and how many of them pass.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsImported {
    pub imported: usize,
    pub passed: usize,
}

#[derive(Clone)]
pub struct ImportResults {
    pub selection_id: SelectionId,
    /// The CSV file as sent.
    pub csv: Vec<u8>,
}

impl UseCase for ImportResults {
    type Outcome = ResultsImported;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ResultsImported> {
        let bytes = self.csv;
        let sel = load_selection(conn, &self.selection_id)?;
        if sel.admission_done_at.is_none() {
            return Err(ApiError::conflict(
                ProblemType::AdmissionNotDone,
                sel.code.clone(),
            ));
        }
        if sel.rankings_published_on.is_some() {
            return Err(ApiError::conflict(
                ProblemType::RankingsPublished,
                sel.code.clone(),
            ));
        }
        let records = csv_import::records(&bytes, &CSV_HEADER).map_err(ApiError::FileRejected)?;
        let mut bad = Violations::new();
        let mut lines = Vec::with_capacity(records.len());
        for (line, r) in &records {
            let nums: Vec<_> = ["right", "wrong", "blank"]
                .iter()
                .enumerate()
                .map(|(i, f)| parse_int(&r[i + 1], f, *line).map_err(|v| bad.push(v)).ok())
                .collect();
            if let [Some(right), Some(wrong), Some(blank)] = nums[..] {
                lines.push(RawResult {
                    line: Some(*line),
                    field_prefix: String::new(),
                    application_no: &r[0],
                    right,
                    wrong,
                    blank,
                });
            }
        }
        let apps: HashMap<String, ApplicationRow> =
            selection::list_applications(conn, &sel.id, None)?
                .into_iter()
                .map(|a| (a.application_no.clone(), a))
                .collect();
        let rules = sel.scoring();
        let updates = check_results(&lines, &apps, &rules);
        let updates = match (updates, bad.is_empty()) {
            (Ok(u), true) => u,
            (Ok(_), false) => return Err(ApiError::FileRejected(bad)),
            (Err(mut v), _) => {
                bad.extend(std::mem::take(&mut v));
                bad.0.sort_by_key(|v| v.line);
                return Err(ApiError::FileRejected(bad));
            }
        };
        selection::set_results(conn, &updates)?;
        let passed = updates
            .iter()
            .filter(|u| {
                rules.passes(domain::selection::Score::from_hundredths(
                    u.score_hundredths,
                ))
            })
            .count();
        let result = ResultsImported {
            imported: updates.len(),
            passed,
        };
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "results.imported",
            "selection",
            &sel.id,
            None,
            Some(&result),
        )?;
        Ok(result)
    }
}
