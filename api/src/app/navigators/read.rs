//! One Navigator; a Navigator reads only their own record.

use domain::account::Role;
use domain::ids::NavigatorId;
use persistence::{assignments, audit, contracts, DbConnection};

use super::{covering, navigator_in_scope, navigator_record, own_id_only, NavigatorRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadNavigator {
    pub id: NavigatorId,
}

impl UseCase for ReadNavigator {
    type Outcome = NavigatorRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator, Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<NavigatorRecord> {
        own_id_only(act, &self.id)?;
        let nav = navigator_in_scope(conn, act, &self.id)?;
        let contract =
            contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
        let history = assignments::history_of(conn, &nav.id)?;
        let current = covering(&history, act.today);
        let record = navigator_record(conn, &nav, &contract, current, act.today)?;
        // Staff reading a Navigator's record is recorded, naming the record;
        // the Navigator reading their own is not.
        if act
            .caller
            .as_ref()
            .is_some_and(|c| c.role != Role::Navigator)
        {
            audit::append::<(), ()>(
                conn,
                &act.audit(),
                "navigator.read",
                "navigator",
                &nav.id,
                None,
                None,
            )?;
        }
        Ok(record)
    }
}
