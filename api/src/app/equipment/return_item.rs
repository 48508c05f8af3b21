//! Return with its condition; a device's data wipe must be confirmed. A
//! broken item becomes `broken`.

use chrono::NaiveDate;
use domain::account::Role;
use domain::equipment::{check_return, transition, ReturnCondition};
use domain::ids::EquipmentItemId;
use persistence::equipment::MovementDetail;
use persistence::DbConnection;

use super::{apply_movement, forbidden, item_record, kind_of, load_item, state_of, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ReturnItem {
    pub id: EquipmentItemId,
    pub condition: ReturnCondition,
    pub wiped: bool,
    /// Today when not given.
    pub on: Option<NaiveDate>,
}

impl UseCase for ReturnItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let item = load_item(conn, &self.id)?;
        let movement = self.condition.movement();
        transition(state_of(&item)?, movement).map_err(|_| forbidden(&item, movement))?;
        check_return(kind_of(&item)?, self.wiped)?;
        let detail = MovementDetail {
            condition: Some(self.condition.as_str()),
            wiped: Some(self.wiped),
            ..MovementDetail::default()
        };
        let after = apply_movement(
            conn,
            &act.audit(),
            &item,
            movement,
            self.on.unwrap_or(act.today),
            act.today,
            &detail,
        )?;
        item_record(conn, after)
    }
}
