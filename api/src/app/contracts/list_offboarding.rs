//! Offboarding records of ended contracts with the items still held, a
//! page at a time. Ended contracts are settled first, so a record is there
//! from the ending's day. A record closes by itself when the last item
//! comes back or is written off.

use domain::account::Role;
use persistence::contracts::{self, OffboardingRow};
use persistence::{equipment, DbConnection};

use super::{cut_page, settle, Cutoff};
use crate::app::equipment::{item_record, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListOffboarding {
    /// Only the records not closed.
    pub open: bool,
    pub cursor: Option<String>,
    /// Between 1 and 500.
    pub limit: i64,
}

/// A record, and what the Navigator still holds while it is open.
pub struct OffboardingRecord {
    pub offboarding: OffboardingRow,
    pub outstanding: Vec<ItemRecord>,
}

pub struct OffboardingPage {
    pub items: Vec<OffboardingRecord>,
    pub next_cursor: Option<String>,
    /// The login cut-offs of the contracts settled on the way.
    pub cutoffs: Vec<Cutoff>,
}

impl UseCase for ListOffboarding {
    type Outcome = OffboardingPage;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OffboardingPage> {
        let cutoffs = settle(conn, act.now, act.today)?;
        let rows =
            contracts::offboardings(conn, self.open, self.cursor.as_deref(), self.limit + 1)?;
        let (rows, next_cursor) = cut_page(rows, self.limit, |o| o.id.clone());
        let mut items = Vec::new();
        for offboarding in rows {
            let outstanding = if offboarding.closed_at.is_none() {
                equipment::held_by(conn, &offboarding.navigator_id)?
                    .into_iter()
                    .map(|i| item_record(conn, i))
                    .collect::<ApiResult<_>>()?
            } else {
                Vec::new()
            };
            items.push(OffboardingRecord {
                offboarding,
                outstanding,
            });
        }
        Ok(OffboardingPage {
            items,
            next_cursor,
            cutoffs,
        })
    }
}
