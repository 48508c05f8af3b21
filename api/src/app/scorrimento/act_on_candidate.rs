//! HR's actions on a candidate of a ranking: esclusione (requirements not
//! met), suspension pending a check, and reinstatement after it. An open
//! offer is withdrawn and the seat it held freed where the rule says so.

use domain::account::Role;
use domain::ids::ApplicationId;
use domain::selection::scorrimento::{self, CandidateAction, OfferStatus};
use openapi::ProblemType;
use persistence::audit;
use persistence::offers;
use persistence::selection::{self, ApplicationRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ActOnCandidate {
    id: ApplicationId,
    action: CandidateAction,
    reason: String,
}

impl ActOnCandidate {
    /// The reason is required: the candidate is told why.
    pub fn new(id: ApplicationId, action: CandidateAction, reason: &str) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self { id, action, reason })
    }
}

impl UseCase for ActOnCandidate {
    type Outcome = ApplicationRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ApplicationRow> {
        let application =
            &selection::get_application(conn, &self.id)?.ok_or(ApiError::NotFound {
                entity: "candidate",
            })?;
        let (action, reason, today, ctx) =
            (self.action, self.reason.as_str(), act.today, &act.audit());
        let state = application.state()?;
        // Once a contract exists, it is ended through the contract (recesso,
        // esclusione); a cancelled draft no longer holds the candidate.
        if let Some(nav) = persistence::contracts::navigator_of_application(conn, &application.id)?
        {
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
            super::seats_after_withdrawal(conn, ctx, &offer, delta)?;
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
}
