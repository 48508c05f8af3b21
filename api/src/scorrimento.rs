//! Scorrimento: calls, outcomes, lapses and HR actions on candidates, each
//! in the caller's write transaction. The rules are `domain`'s; this module
//! moves the records and holds the invariants with conditional updates.

use chrono::{DateTime, NaiveDate, Utc};
use domain::selection::merit::DegreeGrade;
use domain::selection::neighbours::fallback_neighbours;
use domain::selection::scorrimento::{
    self, next_from_neighbours, next_in_ranking, CandidateAction, CandidateState, OfferStatus,
    Outcome, RankedCandidate,
};
use domain::selection::settings::{offer_deadline, ranking_open_on};
use domain::selection::{RankingEntry, Score};
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::offers::{self, NewOffer, OfferRow};
use persistence::selection::{self, ApplicationRow, SelectionRow};
use persistence::{outbox, reference, DbConnection};

use crate::accounts::MailContext;
use crate::auth::tokens::{digest, opaque_token};
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;

fn candidate_state(raw: &str) -> ApiResult<CandidateState> {
    CandidateState::parse(raw).ok_or(ApiError::Internal)
}

fn offer_status(raw: &str) -> ApiResult<OfferStatus> {
    OfferStatus::parse(raw).ok_or(ApiError::Internal)
}

/// The candidates of a province's newest ranking, as scorrimento sees them.
fn ranked_candidates(
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
                    degree_grade: DegreeGrade::parse(
                        "degree_grade",
                        e.degree_grade,
                        e.degree_honours,
                    )
                    .map_err(|_| ApiError::Internal)?,
                    birth_date: e.birth_date,
                },
                position: e.position,
                state: candidate_state(&a.state)?,
                own_posts: ranking.posts,
            })
        })
        .collect()
}

pub struct Called {
    pub offer: OfferRow,
    pub application: ApplicationRow,
}

/// Calls the next candidate for a vacant seat of `province`.
#[allow(clippy::too_many_arguments)]
pub fn call(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    sel: &SelectionRow,
    province: &str,
    fallback: bool,
    reason: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
    mail: &MailContext<'_>,
) -> ApiResult<Called> {
    crate::contracts::settle(conn, now, today)?;
    let ranking = selection::ranking(conn, &sel.id, province, None)?
        .ok_or_else(|| ApiError::conflict(ProblemType::RankingNotPublished, province))?;
    if !ranking_open_on(ranking.valid_until, today) {
        return Err(ApiError::rule(
            ProblemType::RankingExpired,
            ranking.valid_until,
        ));
    }
    // Holding the seat first also queues concurrent calls for this province
    // behind this transaction's lock on the seat row.
    if !selection::hold_seat(conn, &sel.id, province)? {
        return Err(ApiError::conflict(ProblemType::NoVacantSeat, province));
    }
    let own = ranked_candidates(conn, &sel.id, province)?;
    let mut chosen = next_in_ranking(&own).map(|c| (c.entry.application_no.clone(), false));
    if chosen.is_none() && fallback {
        let region = reference::get_province(conn, province)?
            .ok_or(ApiError::NotFound { entity: "province" })?;
        let set = persistence::neighbours::of(conn, &sel.id, province)?;
        let region_provinces: Vec<String> =
            reference::list_provinces(conn, Some(&region.region_code))?
                .into_iter()
                .map(|p| p.sigla)
                .collect();
        let mut neighbours = Vec::new();
        for p in fallback_neighbours(province, &set, &region_provinces) {
            neighbours.extend(ranked_candidates(conn, &sel.id, &p)?);
        }
        chosen = next_from_neighbours(&neighbours).map(|c| (c.entry.application_no.clone(), true));
    }
    let Some((application_no, from_neighbours)) = chosen else {
        return Err(ApiError::rule(ProblemType::RankingExhausted, province));
    };
    let application = selection::list_applications_by_no(conn, &sel.id, &application_no)?
        .ok_or(ApiError::Internal)?;
    // Conditional: a candidate of another province's list may be called by
    // that province at the same moment; only one call gets them.
    if !selection::change_candidate_state(conn, &application.id, "waiting", "offered", None)? {
        return Err(ApiError::conflict(ProblemType::NoVacantSeat, province));
    }
    let token = opaque_token();
    let deadline = offer_deadline(now, sel.offer_days);
    let default_reason = from_neighbours.then(|| {
        format!(
            "graduatoria di {province} esaurita: scorrimento dalla provincia {}",
            application.province_sigla
        )
    });
    let reason = reason.map(str::to_owned).or(default_reason);
    let offer = offers::insert_offer(
        conn,
        &NewOffer {
            selection_id: &sel.id,
            application_id: &application.id,
            province,
            deadline,
            token_hash: &digest(&token),
            fallback: from_neighbours,
            reason: reason.as_deref(),
            created_by: ctx.actor.as_deref(),
            called_on: today,
        },
    )?;
    let deadline_it = deadline
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%d/%m/%Y alle %H:%M")
        .to_string();
    let text = templates::offer(mail.public_url, &token, &sel.title, province, &deadline_it);
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            recipient: &application.email,
            subject: &text.subject,
            body: &text.body,
            kind: "offer",
        },
        mail.message_domain,
    )?;
    audit::append::<(), _>(
        conn,
        ctx,
        "offer.called",
        "offer",
        &offer.id,
        None,
        Some(&offer),
    )?;
    let application =
        selection::get_application(conn, &application.id)?.ok_or(ApiError::Internal)?;
    Ok(Called { offer, application })
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
    let current = offer_status(&offer.status)?;
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

/// Excludes, suspends or reinstates a candidate, withdrawing their open
/// offer and freeing the seat it held where the rule says so.
pub fn act_on_candidate(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    application: &ApplicationRow,
    action: CandidateAction,
    reason: &str,
    today: NaiveDate,
) -> ApiResult<ApplicationRow> {
    let state = candidate_state(&application.state)?;
    // Once a contract exists, it is ended through the contract (recesso,
    // esclusione); a cancelled draft no longer holds the candidate.
    if let Some(nav) = persistence::contracts::navigator_of_application(conn, &application.id)? {
        if let Some(c) = persistence::contracts::contract_of_navigator(conn, &nav.id)? {
            if c.cancelled_on.is_none() {
                return Err(ApiError::conflict(ProblemType::CandidateHasContract, c.id));
            }
        }
    }
    let (next, delta) = scorrimento::candidate_action(state, action).map_err(|e| {
        ApiError::conflict(ProblemType::CandidateActionNotAllowed, e.state.as_str())
    })?;
    if !selection::change_candidate_state(
        conn,
        &application.id,
        state.as_str(),
        next.as_str(),
        Some(reason),
    )? {
        return Err(ApiError::conflict(
            ProblemType::CandidateActionNotAllowed,
            state.as_str(),
        ));
    }
    if delta != scorrimento::SeatDelta::default() {
        let offer = offers::open_offer_of(conn, &application.id)?.ok_or(ApiError::Internal)?;
        if !offers::change_status(
            conn,
            &offer.id,
            &offer.status,
            OfferStatus::Withdrawn.as_str(),
            Some(reason),
            today,
        )? {
            return Err(ApiError::conflict(
                ProblemType::OfferNotPending,
                offer.status,
            ));
        }
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
            Some(&offer),
            after.as_ref(),
        )?;
    }
    let after = selection::get_application(conn, &application.id)?.ok_or(ApiError::Internal)?;
    let action_name = match action {
        CandidateAction::Exclude => "candidate.excluded",
        CandidateAction::Suspend => "candidate.suspended",
        CandidateAction::Reinstate => "candidate.reinstated",
    };
    audit::append(
        conn,
        ctx,
        action_name,
        "candidate",
        &application.id,
        Some(&serde_json::json!({ "state": application.state })),
        Some(&serde_json::json!({ "state": after.state, "reason": reason })),
    )?;
    Ok(after)
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
    selection::move_seats(
        conn,
        &contract.selection_id,
        &contract.province_sigla,
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
        Some(&offer),
        after.as_ref(),
    )?;
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
