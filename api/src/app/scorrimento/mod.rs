//! Scorrimento: calls, outcomes, lapses and HR actions on candidates
//! (DOMAIN.md §5). The rules are `domain`'s; these use cases move the
//! records and hold the invariants with conditional updates. The shared
//! steps below are also what the contracts and the background task use:
//! [`lapse_overdue`] before any read of offers and seats, and
//! [`release_cancelled_draft`] when HR cancels a draft contract.

mod act_on_candidate;
mod call_next;
mod decide_offer;
mod lapse_offers;
mod list_offers;
mod read_candidate;
mod read_offer_letter;
mod respond_to_offer;

pub use act_on_candidate::ActOnCandidate;
pub use call_next::{CallNext, Called};
pub use decide_offer::DecideOffer;
pub use lapse_offers::LapseOffers;
pub use list_offers::ListOffers;
pub use read_candidate::ReadCandidate;
pub use read_offer_letter::{LetterState, OfferLetter, ReadOfferLetter};
pub use respond_to_offer::RespondToOffer;

use chrono::{DateTime, NaiveDate, Utc};
use domain::selection::scorrimento::{self, CandidateState, Outcome, RankedCandidate};
use domain::selection::{RankingEntry, Score};
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::offers::{self, OfferRow};
use persistence::selection;
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

/// An offer as the service shows it: its row and its candidate's
/// application number.
#[derive(Debug, Clone)]
pub struct OfferRecord {
    pub offer: OfferRow,
    pub application_no: String,
}

/// `offer` with its candidate's application number.
pub(crate) fn offer_record(conn: &mut DbConnection, offer: OfferRow) -> ApiResult<OfferRecord> {
    let application =
        selection::get_application(conn, &offer.application_id)?.ok_or(ApiError::Internal)?;
    Ok(OfferRecord {
        offer,
        application_no: application.application_no,
    })
}

/// The candidates of a province's newest ranking, as scorrimento sees them.
pub(crate) fn ranked_candidates(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
) -> ApiResult<Vec<RankedCandidate>> {
    let Some(ranking) = selection::ranking(conn, selection_id, province, None)? else {
        return Ok(Vec::new());
    };
    selection::entries(conn, &ranking.id)?
        .into_iter()
        .map(|(e, a)| {
            Ok(RankedCandidate {
                entry: RankingEntry {
                    application_no: a.application_no.clone(),
                    score: Score::from_hundredths(e.score_hundredths),
                    degree_grade: e.degree_grade()?,
                    birth_date: e.birth_date,
                },
                position: e.position,
                state: a.state()?,
                own_posts: ranking.posts,
            })
        })
        .collect()
}

/// Applies an outcome to a pending offer: its status, the candidate's state
/// and the seat counters move together or not at all.
pub fn apply_outcome(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    offer: &OfferRow,
    outcome: Outcome,
    reason: Option<&str>,
    today: NaiveDate,
) -> ApiResult<OfferRow> {
    let sel = selection::get_selection(conn, &offer.selection_id)?.ok_or(ApiError::Internal)?;
    let current = offer.status()?;
    let (status, candidate, delta) =
        scorrimento::outcome(current, outcome, sel.decline_is_final)
            .map_err(|e| ApiError::conflict(ProblemType::OfferNotPending, e.0.as_str()))?;
    if !offers::change_status(
        conn,
        &offer.id,
        current.as_str(),
        status.as_str(),
        reason,
        today,
    )? {
        let now = offers::get_offer(conn, &offer.id)?
            .map(|o| o.status)
            .unwrap_or_default();
        return Err(ApiError::conflict(ProblemType::OfferNotPending, now));
    }
    if !selection::change_candidate_state(
        conn,
        &offer.application_id,
        "offered",
        candidate.as_str(),
        reason,
    )? {
        return Err(ApiError::Internal);
    }
    selection::move_seats(
        conn,
        &offer.selection_id,
        &offer.province_sigla,
        delta.filled,
        delta.pending,
    )?;
    let after = offers::get_offer(conn, &offer.id)?.ok_or(ApiError::Internal)?;
    let action = match outcome {
        Outcome::Accept => "offer.accepted",
        Outcome::Decline => "offer.declined",
        Outcome::Lapse => "offer.lapsed",
    };
    audit::append(
        conn,
        ctx,
        action,
        "offer",
        &offer.id,
        Some(offer),
        Some(&after),
    )?;
    Ok(after)
}

/// Lapses every pending offer whose deadline has passed; returns how many.
/// Runs in the background and before every read of offers and seats, so no
/// read ever shows an overdue offer as pending.
pub fn lapse_overdue(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> ApiResult<usize> {
    let mut lapsed = 0;
    for offer in offers::overdue(conn, now)? {
        match apply_outcome(
            conn,
            &AuditContext::system(),
            &offer,
            Outcome::Lapse,
            Some("termine scaduto"),
            today,
        ) {
            Ok(_) => lapsed += 1,
            // Another process lapsed it first.
            Err(ApiError::Conflict {
                code: ProblemType::OfferNotPending,
                ..
            }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(lapsed)
}

/// After an offer is withdrawn (its candidate excluded or suspended, its
/// draft cancelled): the seats of its province move by `delta`, and the
/// withdrawal is in the audit log with the offer before and after.
pub(crate) fn seats_after_withdrawal(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    offer: &OfferRow,
    delta: scorrimento::SeatDelta,
) -> ApiResult<()> {
    selection::move_seats(
        conn,
        &offer.selection_id,
        &offer.province_sigla,
        delta.filled,
        delta.pending,
    )?;
    let after = offers::get_offer(conn, &offer.id)?;
    audit::append(
        conn,
        ctx,
        "offer.withdrawn",
        "offer",
        &offer.id,
        Some(offer),
        after.as_ref(),
    )?;
    Ok(())
}

/// What the cancellation of a draft does to the offer it came from and to
/// its candidate (DOMAIN.md §5), in the transaction that cancelled it: the
/// accepted offer is withdrawn, the seat it filled is vacant at once, and
/// the candidate leaves the list as after a renuncia.
pub fn release_cancelled_draft(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    contract: &persistence::contracts::ContractRow,
    reason: &str,
) -> ApiResult<()> {
    let sel = selection::get_selection(conn, &contract.selection_id)?.ok_or(ApiError::Internal)?;
    let offer = offers::get_offer(conn, &contract.offer_id)?.ok_or(ApiError::Internal)?;
    let (offer_status, candidate, delta) = scorrimento::draft_cancelled(sel.decline_is_final);
    // A draft's offer stays accepted and its candidate too: neither can move
    // while the contract exists, so a refusal here is a broken record.
    if !offers::close_accepted(conn, &offer.id, offer_status.as_str(), reason)? {
        return Err(ApiError::Internal);
    }
    let application =
        selection::get_application(conn, &offer.application_id)?.ok_or(ApiError::Internal)?;
    if !selection::change_candidate_state(
        conn,
        &application.id,
        CandidateState::Accepted.as_str(),
        candidate.as_str(),
        Some(reason),
    )? {
        return Err(ApiError::Internal);
    }
    seats_after_withdrawal(conn, ctx, &offer, delta)?;
    audit::append(
        conn,
        ctx,
        "candidate.contract_cancelled",
        "candidate",
        &application.id,
        Some(&serde_json::json!({ "state": application.state })),
        Some(&serde_json::json!({ "state": candidate.as_str(), "reason": reason })),
    )?;
    Ok(())
}
