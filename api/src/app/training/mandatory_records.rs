//! A Navigator's dated completions of mandatory training, every one of
//! them (a refresher has its own date): what HR checks after recording.

use domain::account::Role;
use domain::ids::NavigatorId;
use persistence::contracts::{self, NavigatorRow};
use persistence::training::{self, MandatoryRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct MandatoryRecords {
    pub navigator_id: NavigatorId,
}

impl UseCase for MandatoryRecords {
    type Outcome = (NavigatorRow, Vec<MandatoryRow>);
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Self::Outcome> {
        let nav =
            contracts::get_navigator(conn, &self.navigator_id)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
        let records = training::mandatory_of(conn, &nav.id)?;
        Ok((nav, records))
    }
}
