//! A correction (rettifica): corrected results, if any, and a new version
//! of the province's ranking with its reason; the old versions stay
//! readable, and validity still runs from the first publication.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::account::Role;
use domain::ids::SelectionId;
use domain::RuleCode;
use openapi::ProblemType;
use persistence::selection::{self, ApplicationRow, NewRanking, RankedCandidate};
use persistence::{audit, DbConnection};

use super::import_results::{check_results, RawResult};
use super::load_selection;
use super::rankings::{build_ranking, store_rankings, RankingSummary};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A candidate's corrected result.
#[derive(Clone)]
pub struct CorrectedResult {
    pub application_no: String,
    pub right: i64,
    pub wrong: i64,
    pub blank: i64,
}

#[derive(Clone)]
pub struct CorrectRanking {
    selection_id: SelectionId,
    province: String,
    reason: String,
    results: Vec<CorrectedResult>,
    published_on: Option<NaiveDate>,
}

impl CorrectRanking {
    /// The reason is required: a correction says why.
    pub fn new(
        selection_id: SelectionId,
        province: &str,
        reason: &str,
        results: Vec<CorrectedResult>,
        published_on: Option<NaiveDate>,
    ) -> ApiResult<Self> {
        if reason.trim().is_empty() {
            return Err(ApiError::violation("reason", RuleCode::Required));
        }
        Ok(Self {
            selection_id,
            province: province.to_ascii_uppercase(),
            reason: reason.trim().to_owned(),
            results,
            published_on,
        })
    }
}

impl UseCase for CorrectRanking {
    /// The new version, in brief.
    type Outcome = RankingSummary;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<RankingSummary> {
        let sigla = self.province.as_str();
        let ctx = act.audit();
        let sel = load_selection(conn, &self.selection_id)?;
        let current = selection::ranking(conn, &sel.id, sigla, None)?
            .ok_or_else(|| ApiError::conflict(ProblemType::RankingNotPublished, sigla))?;
        let applications = selection::list_applications(conn, &sel.id, Some(sigla))?;
        let by_no: HashMap<String, ApplicationRow> = applications
            .into_iter()
            .map(|a| (a.application_no.clone(), a))
            .collect();
        let lines: Vec<RawResult<'_>> = self
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| RawResult {
                line: None,
                field_prefix: format!("results[{i}]."),
                application_no: &r.application_no,
                right: r.right,
                wrong: r.wrong,
                blank: r.blank,
            })
            .collect();
        let updates = check_results(&lines, &by_no, &sel.scoring())?;
        selection::set_results(conn, &updates)?;
        let candidates = selection::ranked_candidates(conn, &sel.id, Some(sigla))?;
        let refs: Vec<&RankedCandidate> = candidates.iter().collect();
        let posts = selection::posts_of(conn, &sel.id, sigla)?.map_or(current.posts, |p| p.posts);
        let published_on = self.published_on.unwrap_or(act.today);
        let built = build_ranking(
            &sel,
            NewRanking {
                selection_id: &sel.id,
                province: sigla,
                version: current.version + 1,
                published_on,
                // Validity runs from the first publication: a correction
                // never extends it.
                valid_until: current.valid_until,
                reason: Some(&self.reason),
                created_by: ctx.actor.as_deref(),
                posts,
            },
            &refs,
        )?;
        let summary = store_rankings(conn, vec![built])?
            .pop()
            .ok_or(ApiError::Internal)?;
        audit::append(
            conn,
            &ctx,
            "ranking.corrected",
            "ranking",
            &format!("{}/{}", sel.id, sigla),
            Some(&serde_json::json!({ "version": current.version })),
            Some(&serde_json::json!({
                "version": summary.version,
                "reason": self.reason,
                "results": self.results.len(),
            })),
        )?;
        Ok(summary)
    }
}
