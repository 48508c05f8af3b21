use domain::RuleCode;
use openapi::ProblemType;
use std::collections::HashMap;

use actix_web::{post, web, HttpResponse};
use domain::selection::{ScoringRules, TestResult};
use domain::{Violation, Violations};
use openapi::dto::ResultsImportResult;
use openapi::Problem;
use persistence::audit;
use persistence::selection::{self, ApplicationRow, ResultUpdate};

use super::applications::parse_int;
use super::load_selection;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::csv_import;
use crate::error::{ApiError, ApiResult};
use crate::extract::{CsvUpload, RequestMeta};
use crate::state::AppState;

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

/// Imports the test results from the provider's file
/// (`application_no,right,wrong,blank`): all rows or none, every bad row named.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body(content = String, content_type = "text/csv", description = "application_no,right,wrong,blank"),
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = ResultsImportResult),
        (status = 409, description = "admission-not-done or rankings-published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "file-rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/results/import")]
pub async fn import_results(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    file: CsvUpload,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let ctx = meta.audit(Some(&caller));
    let bytes = file.0;
    let result = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
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
            let records =
                csv_import::records(&bytes, &CSV_HEADER).map_err(ApiError::FileRejected)?;
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
            let result = ResultsImportResult {
                imported: updates.len(),
                passed,
            };
            audit::append::<(), _>(
                conn,
                &ctx,
                "results.imported",
                "selection",
                &sel.id,
                None,
                Some(&result),
            )?;
            Ok(result)
        })
        .await?;
    Ok(HttpResponse::Created().json(result))
}
