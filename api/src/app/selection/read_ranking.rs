//! A province's ranking, in order, each position with the criterion that
//! decided it; the newest version unless an older one is asked for.
//! Candidate states are shown after overdue offers lapse.

use domain::account::Role;
use domain::ids::SelectionId;
use persistence::selection::{self, ApplicationRow, EntryRow, RankingRow};
use persistence::{audit, reference, DbConnection};

use super::load_selection;
use crate::app::scorrimento::lapse_overdue;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadRanking {
    pub selection_id: SelectionId,
    /// The province's sigla, in capitals.
    pub province: String,
    pub version: Option<i64>,
    /// Only the entries of this status (winner or reserve).
    pub status: Option<String>,
}

/// A version of a province's ranking with its entries.
pub struct RankingRecord {
    pub ranking: RankingRow,
    /// Every version of the province's ranking.
    pub versions: Vec<i64>,
    pub entries: Vec<(EntryRow, ApplicationRow)>,
}

/// The province's Region must be the caller's.
fn check_province_scope(conn: &mut DbConnection, act: &Act, province: &str) -> ApiResult<()> {
    let p = reference::get_province(conn, province)?
        .ok_or(ApiError::NotFound { entity: "province" })?;
    crate::app::scope::check_region(act, &p.region_code)
}

impl UseCase for ReadRanking {
    type Outcome = RankingRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<RankingRecord> {
        check_province_scope(conn, act, &self.province)?;
        lapse_overdue(conn, act.now, act.today)?;
        let sel = load_selection(conn, &self.selection_id)?;
        let ranking = selection::ranking(conn, &sel.id, &self.province, self.version)?
            .ok_or(ApiError::NotFound { entity: "ranking" })?;
        let versions =
            selection::ranking_versions(conn, &ranking.selection_id, &ranking.province_sigla)?
                .into_iter()
                .map(|r| r.version)
                .collect();
        let entries = selection::entries(conn, &ranking.id)?
            .into_iter()
            .filter(|(e, _)| self.status.as_deref().is_none_or(|s| e.status == s))
            .collect();
        // One line per read of a ranking, naming the ranking (its version),
        // not each person in it: the person filter of the audit view finds
        // it through the positions.
        audit::append::<(), _>(
            conn,
            &act.audit(),
            audit::RANKING_READ,
            "ranking",
            &ranking.id,
            None,
            Some(&serde_json::json!({
                "selection_id": ranking.selection_id,
                "province": ranking.province_sigla,
                "version": ranking.version,
            })),
        )?;
        Ok(RankingRecord {
            ranking,
            versions,
            entries,
        })
    }
}
