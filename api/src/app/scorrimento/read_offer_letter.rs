//! What the candidate reads before answering from the link in the offer
//! mail: the offer, its selection's terms and whether the link still
//! works. Reading it uses nothing: only an answer uses the link.

use chrono::{DateTime, NaiveDate, Utc};
use domain::account::Role;
use domain::selection::scorrimento::OfferStatus;
use persistence::{offers, reference, selection, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::digest;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadOfferLetter {
    token_hash: String,
}

impl ReadOfferLetter {
    pub fn new(token: &str) -> Self {
        Self {
            token_hash: digest(token.trim()),
        }
    }
}

/// Where the link stands, as the candidate needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterState {
    /// Pending, the deadline ahead, the link unused: an answer is possible.
    Open,
    /// The candidate answered already (the offer's status says how).
    Answered,
    /// The deadline passed, or HR withdrew the offer.
    Closed,
}

#[derive(Debug, Clone)]
pub struct OfferLetter {
    pub state: LetterState,
    pub status: OfferStatus,
    pub first_name: String,
    pub selection_title: String,
    pub province_name: String,
    pub province_sigla: String,
    pub deadline: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_end: NaiveDate,
}

impl UseCase for ReadOfferLetter {
    type Outcome = OfferLetter;
    const ACCESS: Access = Access::Snapshot;
    /// Nobody signed in: the token is the candidate's authority.
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OfferLetter> {
        let offer =
            offers::offer_by_token(conn, &self.token_hash)?.ok_or(ApiError::OneTimeTokenInvalid)?;
        let sel = selection::get_selection(conn, &offer.selection_id)?.ok_or(ApiError::Internal)?;
        let application =
            selection::get_application(conn, &offer.application_id)?.ok_or(ApiError::Internal)?;
        let province = reference::get_province(conn, &offer.province_sigla)?;
        let status = offer.status()?;
        let deadline = persistence::time::from_db(offer.deadline);
        let state = match (offer.token_used_at.is_some(), status) {
            (true, _) => LetterState::Answered,
            (false, OfferStatus::Pending) if deadline > act.now => LetterState::Open,
            _ => LetterState::Closed,
        };
        Ok(OfferLetter {
            state,
            status,
            first_name: application.first_name,
            selection_title: sel.title,
            province_name: province.map_or_else(|| offer.province_sigla.clone(), |p| p.name),
            province_sigla: offer.province_sigla,
            deadline,
            decided_at: offer.decided_at.map(persistence::time::from_db),
            annual_pay_cents: sel.annual_pay_cents,
            monthly_expenses_cents: sel.monthly_expenses_cents,
            contract_end: sel.contract_end,
        })
    }
}
