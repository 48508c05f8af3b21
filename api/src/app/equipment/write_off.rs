//! Write-off of a lost or stolen item, with the day it was reported; a SIM
//! is marked for blocking.

use chrono::NaiveDate;
use domain::account::Role;
use domain::equipment::{ItemKind, Movement, WriteOff};
use domain::ids::EquipmentItemId;
use domain::RuleCode;
use domain::Violation;
use persistence::equipment::MovementDetail;
use persistence::DbConnection;

use super::{apply_movement, item_record, kind_of, load_item, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct WriteOffItem {
    pub id: EquipmentItemId,
    pub how: WriteOff,
    pub reported_on: NaiveDate,
}

impl UseCase for WriteOffItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let item = load_item(conn, &self.id)?;
        if self.reported_on > act.today {
            return Err(Violation::new("reported_on", RuleCode::DayInFuture)
                .with_detail(self.reported_on)
                .into());
        }
        let detail = MovementDetail {
            reported_on: Some(self.reported_on),
            block_requested: kind_of(&item)? == ItemKind::Sim,
            ..MovementDetail::default()
        };
        let after = apply_movement(
            conn,
            &act.audit(),
            &item,
            Movement::WriteOff(self.how),
            self.reported_on,
            act.today,
            &detail,
        )?;
        item_record(conn, after)
    }
}
