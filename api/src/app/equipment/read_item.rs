//! One item, and the pairing history of a SIM or a device.

use domain::account::Role;
use domain::ids::EquipmentItemId;
use persistence::equipment::{self, PairingRow};
use persistence::DbConnection;

use super::{item_record, load_item, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ReadItem {
    pub id: EquipmentItemId,
}

impl UseCase for ReadItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<ItemRecord> {
        let row = load_item(conn, &self.id)?;
        item_record(conn, row)
    }
}

/// The pairings an item has been in, oldest first.
#[derive(Clone)]
pub struct PairingHistory {
    pub id: EquipmentItemId,
}

impl UseCase for PairingHistory {
    type Outcome = Vec<PairingRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<PairingRow>> {
        load_item(conn, &self.id)?;
        Ok(equipment::pairings_of(conn, &self.id)?)
    }
}
