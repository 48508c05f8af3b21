//! One item received into the inventory, in stock.

use domain::account::Role;
use domain::equipment::NewItem;
use persistence::{audit, equipment, DbConnection};

use super::{check_unique, item_record, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReceiveItem {
    pub item: NewItem,
}

impl UseCase for ReceiveItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let items = std::slice::from_ref(&self.item);
        let clashes = check_unique(conn, items, None)?;
        if !clashes.is_empty() {
            return Err(ApiError::Validation(clashes));
        }
        let ctx = act.audit();
        let ids = equipment::insert_items(conn, items, act.today, ctx.actor.as_deref())?;
        let id = ids.first().ok_or(ApiError::Internal)?;
        let row = equipment::must_get(conn, id)?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "equipment.received",
            "equipment",
            id,
            None,
            Some(&row),
        )?;
        item_record(conn, row)
    }
}
