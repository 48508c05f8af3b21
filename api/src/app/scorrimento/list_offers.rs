//! Offers, oldest first. Overdue offers lapse before they are read, so no
//! list shows one as pending.

use domain::account::Role;
use persistence::offers::{self, OfferFilter};
use persistence::DbConnection;

use super::{lapse_overdue, OfferRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ListOffers {
    pub filter: OfferFilter,
}

impl UseCase for ListOffers {
    type Outcome = Vec<OfferRecord>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<OfferRecord>> {
        lapse_overdue(conn, act.now, act.today)?;
        Ok(offers::list(conn, &self.filter)?
            .into_iter()
            .map(|(offer, application_no)| OfferRecord {
                offer,
                application_no,
            })
            .collect())
    }
}
