//! The candidate answers from the link in the offer mail, without an
//! account: the token works once and only for its own offer.

use domain::account::Role;
use domain::selection::scorrimento::{decline_reason, Outcome};
use persistence::offers;
use persistence::DbConnection;

use super::{apply_outcome, lapse_overdue, offer_record, OfferRecord};
use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct RespondToOffer {
    token_hash: String,
    outcome: Outcome,
    reason: Option<String>,
}

impl RespondToOffer {
    /// `outcome` is the candidate's: accept or decline.
    pub fn new(token: &str, outcome: Outcome) -> Self {
        Self {
            token_hash: digest(token.trim()),
            outcome,
            reason: None,
        }
    }

    /// The candidate's own words on a decline (optional).
    pub fn with_reason(self, reason: Option<String>) -> Self {
        Self { reason, ..self }
    }
}

impl UseCase for RespondToOffer {
    type Outcome = OfferRecord;
    const ACCESS: Access = Access::Write;
    /// Nobody signed in: the token is the candidate's authority.
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OfferRecord> {
        let reason = match self.outcome {
            Outcome::Decline => decline_reason(self.reason.as_deref())?,
            _ => None,
        };
        let recorded = match reason {
            Some(words) => format!("risposta del candidato: {words}"),
            None => "risposta del candidato".to_owned(),
        };
        lapse_overdue(conn, act.now, act.today)?;
        let offer =
            offers::offer_by_token(conn, &self.token_hash)?.ok_or(ApiError::OneTimeTokenInvalid)?;
        if !offers::use_token(conn, &offer.id)? {
            return Err(ApiError::OneTimeTokenInvalid);
        }
        let after = apply_outcome(
            conn,
            &act.audit(),
            &offer,
            self.outcome,
            Some(&recorded),
            act.today,
        )?;
        offer_record(conn, after)
    }
}
