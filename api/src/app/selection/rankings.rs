//! What publishing and correcting a ranking share: ranking a province's
//! candidates and storing the result.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::selection::{rank, RankingEntry, Score};
use persistence::selection::{self, NewEntry, NewRanking, RankedCandidate, SelectionRow};
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

/// A stored version of a province's ranking, in brief.
#[derive(Debug, Clone)]
pub struct RankingSummary {
    pub province: String,
    pub version: i64,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub posts: i64,
    pub entries: i64,
    pub winners: i64,
}

/// A province's ranking as it will be stored, with its summary.
pub(crate) struct BuiltRanking<'a> {
    ranking: NewRanking<'a>,
    entries: Vec<NewEntry>,
    summary: RankingSummary,
}

/// Ranks a province's admitted applications with a result as `ranking`
/// (whose province and posts it takes), without storing it.
pub(crate) fn build_ranking<'a>(
    sel: &SelectionRow,
    ranking: NewRanking<'a>,
    candidates: &[&RankedCandidate],
) -> ApiResult<BuiltRanking<'a>> {
    let mut by_no: HashMap<&str, &RankedCandidate> = HashMap::new();
    let mut entries = Vec::new();
    for a in candidates {
        let Some(score) = a.score_hundredths else {
            continue;
        };
        entries.push(RankingEntry {
            application_no: a.application_no.clone(),
            score: Score::from_hundredths(score),
            degree_grade: a.degree_grade()?,
            birth_date: a.birth_date,
        });
        by_no.insert(a.application_no.as_str(), a);
    }
    let ranked =
        rank(&entries, ranking.posts, sel.scoring().pass_score()).map_err(ApiError::Validation)?;
    let rows: Vec<NewEntry> = ranked
        .iter()
        .map(|r| {
            let a = by_no
                .get(r.application_no.as_str())
                .ok_or(ApiError::Internal)?;
            Ok(NewEntry {
                position: r.position,
                application_id: a.id.clone(),
                score_hundredths: a.score_hundredths.unwrap_or_default(),
                degree_grade: a.degree_grade,
                degree_honours: a.degree_honours,
                birth_date: a.birth_date,
                status: r.status.as_str(),
                decided_by: r.decided_by.as_str(),
            })
        })
        .collect::<ApiResult<_>>()?;
    let summary = RankingSummary {
        province: ranking.province.to_owned(),
        version: ranking.version,
        published_on: ranking.published_on,
        valid_until: ranking.valid_until,
        posts: ranking.posts,
        entries: rows.len() as i64,
        winners: rows.iter().filter(|r| r.status == "winner").count() as i64,
    };
    Ok(BuiltRanking {
        ranking,
        entries: rows,
        summary,
    })
}

/// Stores built rankings, all in one write; returns their summaries.
pub(crate) fn store_rankings(
    conn: &mut DbConnection,
    built: Vec<BuiltRanking<'_>>,
) -> ApiResult<Vec<RankingSummary>> {
    let (stored, summaries): (Vec<_>, Vec<_>) = built
        .into_iter()
        .map(|b| ((b.ranking, b.entries), b.summary))
        .unzip();
    selection::insert_rankings(conn, &stored)?;
    Ok(summaries)
}
