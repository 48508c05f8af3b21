//! A Navigator's kit: what they hold and which parts are missing.

use domain::account::Role;
use domain::ids::NavigatorId;
use persistence::{contracts, DbConnection};

use super::{kit_record, KitRecord};
use crate::app::{own_navigator_id, Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// Any Navigator's kit, for HR.
#[derive(Clone)]
pub struct ReadKit {
    pub navigator_id: NavigatorId,
}

impl UseCase for ReadKit {
    type Outcome = KitRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<KitRecord> {
        contracts::get_navigator(conn, &self.navigator_id)?.ok_or(ApiError::NotFound {
            entity: "navigator",
        })?;
        kit_record(conn, &self.navigator_id)
    }
}

/// The calling Navigator's own kit.
#[derive(Clone)]
pub struct ReadOwnKit;

impl UseCase for ReadOwnKit {
    type Outcome = KitRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<KitRecord> {
        kit_record(conn, own_navigator_id(act)?)
    }
}
