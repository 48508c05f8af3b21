//! Seats per province: posts, filled (signed or active contracts), accepted
//! offers whose contract is not signed yet, pending offers, vacant. Overdue
//! offers lapse and ended contracts release their seats first, so a vacant
//! seat is never hidden behind a dead offer or a finished contract.

use std::collections::HashMap;

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::Seats;
use persistence::{selection, DbConnection};

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};
use crate::handlers::{page_in_memory, KeyOrder, KeyedPage};

/// One province's seats.
#[derive(Debug, Clone)]
pub struct SeatRecord {
    pub province: String,
    pub region: String,
    pub seats: Seats,
}

#[derive(Clone)]
pub struct ListSeats {
    pub selection_id: SelectionId,
    /// Only this Region's provinces.
    pub region: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
}

fn covers(act: &Act, region: &str) -> bool {
    act.caller.as_ref().is_none_or(|c| c.covers_region(region))
}

impl UseCase for ListSeats {
    /// By province sigla, of the Regions the caller covers.
    type Outcome = KeyedPage<SeatRecord>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<KeyedPage<SeatRecord>> {
        if let Some(r) = &self.region {
            if !covers(act, r) {
                return Err(ApiError::OutOfScope);
            }
        }
        let sel = load_selection(conn, &self.selection_id)?;
        crate::app::contracts::settle(conn, act.now, act.today)?;
        let unsigned: HashMap<String, i64> = selection::accepted_unsigned(conn, &sel.id)?
            .into_iter()
            .collect();
        let rows: Vec<SeatRecord> = selection::posts(conn, &sel.id, self.region.as_deref())?
            .into_iter()
            .filter(|(_, region)| covers(act, region))
            .map(|(p, region)| {
                // The `filled` counter holds every accepted seat: those
                // not signed yet are told apart.
                let accepted_unsigned = unsigned.get(&p.province_sigla).copied().unwrap_or(0);
                SeatRecord {
                    province: p.province_sigla,
                    region,
                    seats: Seats {
                        posts: p.posts,
                        filled: p.filled - accepted_unsigned,
                        accepted_unsigned,
                        pending_offers: p.pending,
                    },
                }
            })
            .collect();
        Ok(page_in_memory(
            rows,
            |r| r.province.clone(),
            KeyOrder::Ascending,
            self.cursor.as_deref(),
            self.limit,
        ))
    }
}
