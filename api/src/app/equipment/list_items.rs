//! The inventory, filtered, a page at a time.

use domain::account::Role;
use persistence::equipment::{self, ItemFilter};
use persistence::DbConnection;

use super::{item_record, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListItems {
    pub filter: ItemFilter,
}

/// A page of items, and the cursor of the next page when there may be one.
pub struct ItemPage {
    pub items: Vec<ItemRecord>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListItems {
    type Outcome = ItemPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<ItemPage> {
        let rows = equipment::list(conn, &self.filter)?;
        let next_cursor = (rows.len() as i64 == self.filter.limit)
            .then(|| rows.last().map(|r| r.id.clone()))
            .flatten();
        let items = rows
            .into_iter()
            .map(|r| item_record(conn, r))
            .collect::<ApiResult<_>>()?;
        Ok(ItemPage { items, next_cursor })
    }
}
