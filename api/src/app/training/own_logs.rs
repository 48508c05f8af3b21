//! The calling Navigator's on-the-job logs, newest day first.

use chrono::NaiveDate;
use domain::account::Role;
use persistence::ojt::{self, OjtLogRow};
use persistence::DbConnection;

use crate::app::{own_navigator_id, Access, Act, UseCase};
use crate::error::ApiResult;

/// Up to `limit` logs after the one `after` names (day and id).
#[derive(Clone)]
pub struct OwnLogs {
    pub after: Option<(NaiveDate, String)>,
    pub limit: i64,
}

impl UseCase for OwnLogs {
    type Outcome = Vec<OjtLogRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<OjtLogRow>> {
        let after = self.after.as_ref().map(|(day, id)| (*day, id.as_str()));
        Ok(ojt::of_navigator(
            conn,
            own_navigator_id(act)?,
            after,
            self.limit,
        )?)
    }
}
