//! Offers and scorrimento (DOMAIN.md §5): who is called next, what each
//! outcome does to the candidate and to the province's seats.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::ranking::{compare, RankingEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Pending,
    Accepted,
    /// Renuncia.
    Declined,
    /// The deadline passed without an answer.
    Lapsed,
    /// Withdrawn because the candidate was excluded or suspended.
    Withdrawn,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 5] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Lapsed,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Lapsed => "lapsed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateState {
    /// In the ranking, not yet called: the next call may pick them.
    Waiting,
    /// Holds a pending offer.
    Offered,
    /// Accepted an offer: holds a seat.
    Accepted,
    Declined,
    Lapsed,
    /// Requirements not met (esclusione): out of this selection.
    Excluded,
    /// Pending a check: skipped by calls until reinstated.
    Suspended,
}

impl CandidateState {
    pub const ALL: [CandidateState; 7] = [
        Self::Waiting,
        Self::Offered,
        Self::Accepted,
        Self::Declined,
        Self::Lapsed,
        Self::Excluded,
        Self::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Lapsed => "lapsed",
            Self::Excluded => "excluded",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What happens to a pending offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accept,
    Decline,
    Lapse,
}

/// How an event moves a province's seat counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeatDelta {
    pub filled: i64,
    pub pending: i64,
}

/// Only a pending offer has an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("offer is {0:?}, not pending")]
pub struct OfferNotPending(pub OfferStatus);

/// The offer's new status, the candidate's new state and the seat movement
/// of an outcome. A declined or lapsed offer frees the seat; whether the
/// candidate may be called again is the selection's `decline_is_final`.
pub fn outcome(
    status: OfferStatus,
    outcome: Outcome,
    decline_is_final: bool,
) -> Result<(OfferStatus, CandidateState, SeatDelta), OfferNotPending> {
    if status != OfferStatus::Pending {
        return Err(OfferNotPending(status));
    }
    let after_refusal = |s| {
        if decline_is_final {
            s
        } else {
            CandidateState::Waiting
        }
    };
    Ok(match outcome {
        Outcome::Accept => (
            OfferStatus::Accepted,
            CandidateState::Accepted,
            SeatDelta {
                filled: 1,
                pending: -1,
            },
        ),
        Outcome::Decline => (
            OfferStatus::Declined,
            after_refusal(CandidateState::Declined),
            SeatDelta {
                filled: 0,
                pending: -1,
            },
        ),
        Outcome::Lapse => (
            OfferStatus::Lapsed,
            after_refusal(CandidateState::Lapsed),
            SeatDelta {
                filled: 0,
                pending: -1,
            },
        ),
    })
}

/// What cancelling a draft contract does to the offer it came from, to its
/// candidate and to the seat: the accepted offer is withdrawn, the seat it
/// filled is vacant at once, and the candidate leaves the list as after a
/// renuncia (DOMAIN.md §5: never called again in this selection, unless the
/// selection's `decline_is_final` says otherwise).
pub fn draft_cancelled(decline_is_final: bool) -> (OfferStatus, CandidateState, SeatDelta) {
    let candidate = if decline_is_final {
        CandidateState::Declined
    } else {
        CandidateState::Waiting
    };
    (
        OfferStatus::Withdrawn,
        candidate,
        SeatDelta {
            filled: -1,
            pending: 0,
        },
    )
}

/// A call: the seat is held pending the answer.
pub const CALL: SeatDelta = SeatDelta {
    filled: 0,
    pending: 1,
};

/// HR actions on a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateAction {
    Exclude,
    Suspend,
    Reinstate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} a candidate who is {state:?}")]
pub struct ActionNotAllowed {
    pub action: CandidateAction,
    pub state: CandidateState,
}

/// The candidate's new state, whether an open offer is withdrawn, and what
/// happens to the seat: excluding or suspending someone with a pending offer
/// withdraws it and frees the seat; excluding someone who had accepted frees
/// the seat they held.
pub fn candidate_action(
    state: CandidateState,
    action: CandidateAction,
) -> Result<(CandidateState, SeatDelta), ActionNotAllowed> {
    use CandidateState as S;
    let refused = Err(ActionNotAllowed { action, state });
    match (action, state) {
        (CandidateAction::Exclude, S::Excluded) => refused,
        (CandidateAction::Exclude, S::Offered) => Ok((
            S::Excluded,
            SeatDelta {
                filled: 0,
                pending: -1,
            },
        )),
        (CandidateAction::Exclude, S::Accepted) => Ok((
            S::Excluded,
            SeatDelta {
                filled: -1,
                pending: 0,
            },
        )),
        (CandidateAction::Exclude, _) => Ok((S::Excluded, SeatDelta::default())),
        (CandidateAction::Suspend, S::Waiting) => Ok((S::Suspended, SeatDelta::default())),
        (CandidateAction::Suspend, S::Offered) => Ok((
            S::Suspended,
            SeatDelta {
                filled: 0,
                pending: -1,
            },
        )),
        (CandidateAction::Suspend, _) => refused,
        (CandidateAction::Reinstate, S::Suspended) => Ok((S::Waiting, SeatDelta::default())),
        (CandidateAction::Reinstate, _) => refused,
    }
}

/// A candidate of a ranking as scorrimento sees them.
#[derive(Debug, Clone)]
pub struct RankedCandidate {
    pub entry: RankingEntry,
    pub position: i64,
    pub state: CandidateState,
    /// Posts of the candidate's own province in the ranking's version.
    pub own_posts: i64,
}

/// The best-ranked waiting candidate of the province's own ranking: nobody
/// better placed who is still waiting is ever skipped.
pub fn next_in_ranking(candidates: &[RankedCandidate]) -> Option<&RankedCandidate> {
    candidates
        .iter()
        .filter(|c| c.state == CandidateState::Waiting)
        .min_by_key(|c| c.position)
}

/// Fallback (DOMAIN.md §5.3): from the other provinces of the Region, the
/// waiting reserves placed beyond their own province's posts (so no province
/// loses its winners), best score first, then the usual tie-breaks.
pub fn next_from_neighbours(candidates: &[RankedCandidate]) -> Option<&RankedCandidate> {
    candidates
        .iter()
        .filter(|c| c.state == CandidateState::Waiting && c.position > c.own_posts)
        .min_by(|a, b| match compare(&a.entry, &b.entry) {
            Ordering::Equal => a.position.cmp(&b.position),
            o => o,
        })
}

/// The most characters a candidate's reason for declining may hold.
pub const DECLINE_REASON_MAX_CHARS: usize = 500;

/// A candidate may say why they decline an offer (optional): kept trimmed,
/// nothing when blank, at most [`DECLINE_REASON_MAX_CHARS`] characters.
pub fn decline_reason(raw: Option<&str>) -> Result<Option<String>, crate::Violation> {
    let Some(reason) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if reason.chars().count() > DECLINE_REASON_MAX_CHARS {
        return Err(crate::Violation::new("reason", crate::RuleCode::TooLong)
            .with_detail(DECLINE_REASON_MAX_CHARS));
    }
    Ok(Some(reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::merit::DegreeGrade;
    use crate::selection::scoring::Score;
    use chrono::NaiveDate;

    fn candidate(
        no: &str,
        score: i64,
        position: i64,
        state: CandidateState,
        own_posts: i64,
    ) -> RankedCandidate {
        RankedCandidate {
            entry: RankingEntry {
                application_no: no.into(),
                score: Score::from_points(score),
                degree_grade: DegreeGrade::parse("g", 100, false).unwrap(),
                birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            },
            position,
            state,
            own_posts,
        }
    }

    #[test]
    fn the_next_call_is_the_best_placed_waiting_candidate() {
        use CandidateState::*;
        let list = vec![
            candidate("1", 90, 1, Accepted, 2),
            candidate("2", 85, 2, Declined, 2),
            candidate("3", 80, 3, Suspended, 2),
            candidate("5", 70, 5, Waiting, 2),
            candidate("4", 75, 4, Waiting, 2),
        ];
        assert_eq!(next_in_ranking(&list).unwrap().entry.application_no, "4");
        let none = vec![candidate("1", 90, 1, Offered, 2)];
        assert!(next_in_ranking(&none).is_none());
    }

    #[test]
    fn fallback_takes_only_reserves_best_score_first() {
        use CandidateState::*;
        let list = vec![
            // A winner of its own province: never taken by a neighbour.
            candidate("W", 99, 1, Waiting, 1),
            candidate("R1", 70, 2, Waiting, 1),
            candidate("R2", 80, 5, Waiting, 3),
            candidate("R3", 95, 4, Excluded, 3),
        ];
        assert_eq!(
            next_from_neighbours(&list).unwrap().entry.application_no,
            "R2"
        );
    }

    #[test]
    fn outcomes_move_seats_and_candidates() {
        let (s, c, d) = outcome(OfferStatus::Pending, Outcome::Accept, true).unwrap();
        assert_eq!(
            (s, c, d),
            (
                OfferStatus::Accepted,
                CandidateState::Accepted,
                SeatDelta {
                    filled: 1,
                    pending: -1
                }
            )
        );
        let (s, c, d) = outcome(OfferStatus::Pending, Outcome::Decline, true).unwrap();
        assert_eq!(
            (s, c, d),
            (
                OfferStatus::Declined,
                CandidateState::Declined,
                SeatDelta {
                    filled: 0,
                    pending: -1
                }
            )
        );
        let (s, c, _) = outcome(OfferStatus::Pending, Outcome::Lapse, true).unwrap();
        assert_eq!((s, c), (OfferStatus::Lapsed, CandidateState::Lapsed));
        // When a renuncia is not final the candidate waits again.
        let (_, c, _) = outcome(OfferStatus::Pending, Outcome::Decline, false).unwrap();
        assert_eq!(c, CandidateState::Waiting);
        let (_, c, _) = outcome(OfferStatus::Pending, Outcome::Lapse, false).unwrap();
        assert_eq!(c, CandidateState::Waiting);
    }

    #[test]
    fn a_cancelled_draft_frees_its_seat_and_its_candidate_leaves_as_after_a_renuncia() {
        assert_eq!(
            draft_cancelled(true),
            (
                OfferStatus::Withdrawn,
                CandidateState::Declined,
                SeatDelta {
                    filled: -1,
                    pending: 0
                }
            )
        );
        // The same as a renuncia's outcome for the candidate, whatever the setting.
        for is_final in [true, false] {
            let (_, after_decline, _) =
                outcome(OfferStatus::Pending, Outcome::Decline, is_final).unwrap();
            assert_eq!(draft_cancelled(is_final).1, after_decline);
        }
        // Whoever waits is called; a candidate who left is not.
        let (_, c, _) = draft_cancelled(true);
        assert!(next_in_ranking(&[candidate("1", 90, 1, c, 1)]).is_none());
    }

    #[test]
    fn only_pending_offers_have_outcomes() {
        for s in OfferStatus::ALL
            .into_iter()
            .filter(|s| *s != OfferStatus::Pending)
        {
            for o in [Outcome::Accept, Outcome::Decline, Outcome::Lapse] {
                assert_eq!(outcome(s, o, true), Err(OfferNotPending(s)));
            }
        }
    }

    #[test]
    fn exclusion_and_suspension_free_what_the_candidate_held() {
        use CandidateAction::*;
        use CandidateState::*;
        assert_eq!(
            candidate_action(Offered, Exclude).unwrap(),
            (
                Excluded,
                SeatDelta {
                    filled: 0,
                    pending: -1
                }
            )
        );
        assert_eq!(
            candidate_action(Accepted, Exclude).unwrap(),
            (
                Excluded,
                SeatDelta {
                    filled: -1,
                    pending: 0
                }
            )
        );
        assert_eq!(
            candidate_action(Waiting, Exclude).unwrap(),
            (Excluded, SeatDelta::default())
        );
        assert!(candidate_action(Excluded, Exclude).is_err());
        assert_eq!(
            candidate_action(Offered, Suspend).unwrap(),
            (
                Suspended,
                SeatDelta {
                    filled: 0,
                    pending: -1
                }
            )
        );
        assert_eq!(
            candidate_action(Waiting, Suspend).unwrap(),
            (Suspended, SeatDelta::default())
        );
        assert!(candidate_action(Accepted, Suspend).is_err());
        assert_eq!(
            candidate_action(Suspended, Reinstate).unwrap(),
            (Waiting, SeatDelta::default())
        );
        for s in [Waiting, Offered, Accepted, Declined, Lapsed, Excluded] {
            assert!(candidate_action(s, Reinstate).is_err(), "{s:?}");
        }
    }

    #[test]
    fn states_round_trip() {
        for s in CandidateState::ALL {
            assert_eq!(CandidateState::parse(s.as_str()), Some(s));
        }
        for s in OfferStatus::ALL {
            assert_eq!(OfferStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_decline_reason_is_optional_trimmed_and_bounded() {
        assert_eq!(decline_reason(None), Ok(None));
        assert_eq!(decline_reason(Some("   ")), Ok(None));
        assert_eq!(
            decline_reason(Some("  altro incarico ")),
            Ok(Some("altro incarico".to_owned()))
        );
        let longest = "è".repeat(DECLINE_REASON_MAX_CHARS);
        assert_eq!(decline_reason(Some(&longest)), Ok(Some(longest.clone())));
        let too_long = format!("{longest}x");
        let refused = decline_reason(Some(&too_long)).unwrap_err();
        assert_eq!(
            (refused.field.as_str(), refused.code),
            ("reason", crate::RuleCode::TooLong)
        );
    }
}
