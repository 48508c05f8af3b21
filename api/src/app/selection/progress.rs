//! Where a selection stands, province by province: its posts, how many
//! applied, were admitted and have a result, and the ranking in force.

use domain::account::Role;
use domain::ids::SelectionId;
use persistence::selection::{self, ApplicationCounts, RankingRow};
use persistence::DbConnection;

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ReadProgress {
    pub selection_id: SelectionId,
}

/// A province of the selection: its posts, its applications counted and
/// the newest version of its ranking, once published.
pub struct ProvinceProgress {
    pub province: String,
    pub posts: i64,
    pub counts: ApplicationCounts,
    pub ranking: Option<RankingRow>,
}

impl UseCase for ReadProgress {
    /// Every province with posts, applications or a ranking, by sigla.
    type Outcome = Vec<ProvinceProgress>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<ProvinceProgress>> {
        let sel = load_selection(conn, &self.selection_id)?;
        let posts = selection::posts(conn, &sel.id, None)?;
        let mut counts = selection::application_counts(conn, &sel.id)?;
        let mut rankings = selection::current_rankings(conn, &sel.id)?;
        let mut out: Vec<ProvinceProgress> = posts
            .into_iter()
            .map(|(p, _)| ProvinceProgress {
                counts: counts.remove(&p.province_sigla).unwrap_or_default(),
                posts: p.posts,
                ranking: None,
                province: p.province_sigla,
            })
            .collect();
        // Applications left in a province whose posts were taken away.
        out.extend(
            counts
                .into_iter()
                .map(|(province, counts)| ProvinceProgress {
                    province,
                    posts: 0,
                    counts,
                    ranking: None,
                }),
        );
        out.sort_by(|a, b| a.province.cmp(&b.province));
        for p in &mut out {
            if let Some(i) = rankings.iter().position(|r| r.province_sigla == p.province) {
                p.ranking = Some(rankings.swap_remove(i));
            }
        }
        Ok(out)
    }
}
