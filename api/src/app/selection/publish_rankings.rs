//! Builds and freezes the ranking (graduatoria) of every province with posts.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::settings::ranking_valid_until;
use domain::RuleCode;
use openapi::ProblemType;
use persistence::selection::{self, NewRanking, RankedCandidate};
use persistence::{audit, DbConnection};

use super::load_selection;
use super::rankings::{build_ranking, store_rankings, RankingSummary};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct PublishRankings {
    pub selection_id: SelectionId,
    pub published_on: NaiveDate,
}

impl UseCase for PublishRankings {
    /// Each province's ranking, in brief.
    type Outcome = Vec<RankingSummary>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<RankingSummary>> {
        let published_on = self.published_on;
        let ctx = act.audit();
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
        if published_on < sel.published_on {
            return Err(
                domain::Violation::new("published_on", RuleCode::BeforeTheNotice)
                    .with_detail(sel.published_on)
                    .into(),
            );
        }
        let candidates = selection::ranked_candidates(conn, &sel.id, None)?;
        let mut by_province: HashMap<&str, Vec<&RankedCandidate>> = HashMap::new();
        for a in &candidates {
            by_province
                .entry(a.province_sigla.as_str())
                .or_default()
                .push(a);
        }
        let posts = selection::posts(conn, &sel.id, None)?;
        let valid_until = ranking_valid_until(published_on, sel.ranking_valid_months);
        let built = posts
            .iter()
            .map(|(p, _)| {
                let apps = by_province
                    .get(p.province_sigla.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                build_ranking(
                    &sel,
                    NewRanking {
                        selection_id: &sel.id,
                        province: &p.province_sigla,
                        version: 1,
                        published_on,
                        valid_until,
                        posts: p.posts,
                        reason: None,
                        created_by: ctx.actor.as_deref(),
                    },
                    apps,
                )
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let rankings = store_rankings(conn, built)?;
        selection::mark_published(conn, &sel.id, published_on)?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "rankings.published",
            "selection",
            &sel.id,
            None,
            Some(&serde_json::json!({ "published_on": published_on, "provinces": rankings.len() })),
        )?;
        Ok(rankings)
    }
}
