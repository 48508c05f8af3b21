//! Contracts, filtered; coordinators see their own Region's only.

use domain::account::Role;
use domain::contract::ContractStatus;
use persistence::contracts::{self, ContractFilter};
use persistence::DbConnection;

use super::{check_scope, covers, cut_page, dates, record, ContractRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListContracts {
    pub region: Option<String>,
    /// A province's sigla, as given.
    pub province: Option<String>,
    pub status: Option<ContractStatus>,
    pub cursor: Option<String>,
    /// Between 1 and 500.
    pub limit: i64,
}

/// A page of contracts, and the cursor of the next page when there is one.
pub struct ContractPage {
    pub items: Vec<ContractRecord>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListContracts {
    type Outcome = ContractPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractPage> {
        if let Some(r) = &self.region {
            check_scope(act, r)?;
        }
        let limit = self.limit;
        let mut filter = ContractFilter {
            region: self.region,
            province: self.province.map(|p| p.trim().to_ascii_uppercase()),
            after_id: self.cursor,
            // One more than the page, to know whether another follows; at
            // least a hundred, so a rare state costs few reads.
            limit: (limit + 1).max(100),
        };
        if let Some(p) = &filter.province {
            crate::app::scope::province_filter(conn, act, p)?;
        }
        // A contract's state on a day is the domain's (signature,
        // suspensions, endings), so the status and the caller's Regions
        // are checked row by row, reading batches on until the page is
        // full: a page is never cut before the rows that match.
        let mut matching = Vec::new();
        'batches: loop {
            let rows = contracts::list(conn, &filter)?;
            let exhausted = (rows.len() as i64) < filter.limit;
            for (c, nav, no) in rows {
                filter.after_id = Some(c.id.clone());
                if !covers(act, &c.region_code) {
                    continue;
                }
                if let Some(s) = self.status {
                    if dates(conn, &c)?.status_on(act.today) != s {
                        continue;
                    }
                }
                matching.push(record(conn, c, nav, no, act.today)?);
                if matching.len() as i64 > limit {
                    break 'batches;
                }
            }
            if exhausted {
                break;
            }
        }
        let (items, next_cursor) = cut_page(matching, limit, |r| r.contract.id.clone());
        Ok(ContractPage { items, next_cursor })
    }
}
