//! The accounts cut off from a day on (a Navigator whose contract ended),
//! as every process keeps them to refuse tokens issued before the ending.

use chrono::NaiveDate;
use domain::account::Role;
use persistence::{accounts, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// Read by the system only.
#[derive(Clone)]
pub struct LoginCutoffs;

impl UseCase for LoginCutoffs {
    type Outcome = Vec<(String, NaiveDate)>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Self::Outcome> {
        Ok(accounts::cutoffs(conn)?)
    }
}
