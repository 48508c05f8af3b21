//! The coordinators' queue: logs of their Region, by status; HR reads all.

use domain::account::Role;
use persistence::ojt::{self, LogFilter, OjtLogRow};
use persistence::DbConnection;

use crate::app::scope::regions_in_scope;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// `filter.regions` is replaced by the Regions of `region` the one acting
/// covers.
#[derive(Clone)]
pub struct ListLogs {
    pub region: Option<String>,
    pub filter: LogFilter,
}

/// A page of logs, and the cursor of the next page when there may be one.
pub struct LogPage {
    pub items: Vec<OjtLogRow>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListLogs {
    type Outcome = LogPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(mut self, conn: &mut DbConnection, act: &Act) -> ApiResult<LogPage> {
        self.filter.regions = regions_in_scope(act, self.region)?;
        let rows = ojt::list(conn, &self.filter)?;
        let next_cursor = (rows.len() as i64 == self.filter.limit)
            .then(|| rows.last().map(|r| r.id.clone()))
            .flatten();
        Ok(LogPage {
            items: rows,
            next_cursor,
        })
    }
}
