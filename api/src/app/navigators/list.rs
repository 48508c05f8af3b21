//! Navigators with their contract's state and CPI today: all of them, or
//! those working in one CPI. Coordinators see their own Region's only.

use domain::account::Role;
use domain::contract::ContractStatus;
use persistence::assignments::{self, NavigatorFilter};
use persistence::{reference, DbConnection};

use super::{covers_region, navigator_records, regions_in_scope, NavigatorRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A page of Navigators, and the cursor of the next page when there may be one.
pub struct NavigatorPage {
    pub items: Vec<NavigatorRecord>,
    pub next_cursor: Option<String>,
}

/// Every Navigator in scope, filtered. `filter.regions` is replaced by the
/// Regions of `region` the one acting covers.
#[derive(Clone)]
pub struct ListNavigators {
    pub region: Option<String>,
    pub filter: NavigatorFilter,
    pub status: Option<ContractStatus>,
}

impl UseCase for ListNavigators {
    type Outcome = NavigatorPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(mut self, conn: &mut DbConnection, act: &Act) -> ApiResult<NavigatorPage> {
        self.filter.regions = regions_in_scope(act, self.region)?;
        page_of(conn, act, self.filter, self.status)
    }
}

/// The Navigators working in a CPI today.
#[derive(Clone)]
pub struct CpiNavigators {
    pub code: String,
    pub after_id: Option<String>,
    pub limit: i64,
}

impl UseCase for CpiNavigators {
    type Outcome = NavigatorPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<NavigatorPage> {
        let cpi =
            reference::get_cpi(conn, &self.code)?.ok_or(ApiError::NotFound { entity: "CPI" })?;
        if !covers_region(act, &cpi.region_code) {
            return Err(ApiError::OutOfScope);
        }
        let filter = NavigatorFilter {
            regions: Some(vec![cpi.region_code]),
            province: None,
            cpi: Some(self.code),
            unassigned: false,
            name: None,
            order: Default::default(),
            day: None,
            after_id: self.after_id,
            limit: self.limit,
        };
        page_of(conn, act, filter, None)
    }
}

/// One page of Navigators: SQL filters first, then the contract's state on
/// `today` (which depends on suspensions and endings), reading on until the
/// page is full.
fn page_of(
    conn: &mut DbConnection,
    act: &Act,
    mut filter: NavigatorFilter,
    status: Option<ContractStatus>,
) -> ApiResult<NavigatorPage> {
    let today = act.today;
    let limit = filter.limit;
    filter.day = Some(today);
    if let Some(p) = &filter.province {
        crate::app::scope::province_filter(conn, act, p)?;
    }
    let mut items = Vec::new();
    let mut next_cursor = None;
    loop {
        let rows = assignments::list_navigators(conn, &filter)?;
        let exhausted = (rows.len() as i64) < filter.limit;
        for r in navigator_records(conn, &rows, today)? {
            filter.after_id = Some(r.navigator.id.clone());
            if status.is_none_or(|s| r.status == s) {
                items.push(r);
            }
            if items.len() as i64 == limit {
                next_cursor = filter.after_id.clone();
                break;
            }
        }
        if next_cursor.is_some() || exhausted {
            break;
        }
    }
    Ok(NavigatorPage { items, next_cursor })
}
