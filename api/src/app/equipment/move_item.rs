//! The movements that need nothing but a day: personalisation (device
//! management enrolment, SIM activation, mailbox creation: `in_stock` →
//! `personalised`) and retirement of an item that came back or was written
//! off.

use chrono::NaiveDate;
use domain::account::Role;
use domain::equipment::Movement;
use domain::ids::EquipmentItemId;
use persistence::equipment::MovementDetail;
use persistence::DbConnection;

use super::{apply_movement, item_record, load_item, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainMovement {
    Personalise,
    Retire,
}

#[derive(Clone)]
pub struct MoveItem {
    pub id: EquipmentItemId,
    pub movement: PlainMovement,
    /// Today when not given.
    pub on: Option<NaiveDate>,
}

impl UseCase for MoveItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let item = load_item(conn, &self.id)?;
        let movement = match self.movement {
            PlainMovement::Personalise => Movement::Personalise,
            PlainMovement::Retire => Movement::Retire,
        };
        let after = apply_movement(
            conn,
            &act.audit(),
            &item,
            movement,
            self.on.unwrap_or(act.today),
            act.today,
            &MovementDetail::default(),
        )?;
        item_record(conn, after)
    }
}
