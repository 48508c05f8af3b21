//! HR records a candidate's answer on their behalf: acceptance, or a
//! renuncia that frees the seat at once.

use domain::account::Role;
use domain::ids::OfferId;
use domain::selection::scorrimento::Outcome;
use persistence::offers;
use persistence::DbConnection;

use super::{apply_outcome, lapse_overdue, offer_record, OfferRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct DecideOffer {
    pub id: OfferId,
    pub outcome: Outcome,
}

impl UseCase for DecideOffer {
    type Outcome = OfferRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OfferRecord> {
        lapse_overdue(conn, act.now, act.today)?;
        let offer =
            offers::get_offer(conn, &self.id)?.ok_or(ApiError::NotFound { entity: "offer" })?;
        let after = apply_outcome(
            conn,
            &act.audit(),
            &offer,
            self.outcome,
            Some("registrato da HR"),
            act.today,
        )?;
        offer_record(conn, after)
    }
}
