//! The accepted offers still waiting for their draft contract, a page at a
//! time: what HR drafts next, once the requirements are verified.

use domain::account::Role;
use persistence::{contracts, DbConnection};

use super::cut_page;
use crate::app::scorrimento::OfferRecord;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListUndrafted {
    pub cursor: Option<String>,
    /// Between 1 and 500.
    pub limit: i64,
}

pub struct UndraftedPage {
    pub items: Vec<OfferRecord>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListUndrafted {
    type Outcome = UndraftedPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<UndraftedPage> {
        let rows = contracts::accepted_undrafted(conn, self.cursor.as_deref(), self.limit + 1)?;
        let records = rows
            .into_iter()
            .map(|(offer, application_no)| OfferRecord {
                offer,
                application_no,
            })
            .collect();
        let (items, next_cursor) = cut_page(records, self.limit, |r| r.offer.id.clone());
        Ok(UndraftedPage { items, next_cursor })
    }
}
