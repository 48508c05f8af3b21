//! One contract: HR reads any, a coordinator their own Region's, a
//! Navigator their own.

use domain::account::Role;
use domain::ids::ContractId;
use persistence::{contracts, DbConnection};

use super::{check_scope, load, record, ContractRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadContract {
    pub id: ContractId,
}

impl UseCase for ReadContract {
    type Outcome = ContractRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractRecord> {
        let (c, nav, no) = load(conn, &self.id)?;
        check_scope(act, &c.region_code)?;
        record(conn, c, nav, no, act.today)
    }
}

/// The calling Navigator's newest contract.
#[derive(Clone)]
pub struct ReadOwnContract;

impl UseCase for ReadOwnContract {
    type Outcome = ContractRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractRecord> {
        let nav_id = act
            .caller
            .as_ref()
            .and_then(|c| c.navigator_id.as_deref())
            .ok_or(ApiError::NotFound { entity: "contract" })?;
        let c = contracts::contract_of_navigator(conn, nav_id)?
            .ok_or(ApiError::NotFound { entity: "contract" })?;
        let (c, nav, no) = load(conn, &c.id)?;
        record(conn, c, nav, no, act.today)
    }
}
