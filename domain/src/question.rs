//! Question RdC: the Navigators' questions on running the Reddito di
//! Cittadinanza, answered by ANPAL Servizi's experts.
//!
//! A question is `open` when asked; one expert takes it (one owner at a
//! time) and may hand it back to the desk while it is open, and the owner
//! answers it (`answered`) or asks the Navigator for
//! detail first (still `open`, waiting for the reply). An expert closes it
//! (`closed`) or merges it into another question on the same point
//! (`merged`). The author may withdraw it while it is open (`withdrawn`).
//! Every move, who may make it and from which status, is [`decide`].

use serde::{Deserialize, Serialize};

use crate::account::Role;
use crate::violation::Violation;
use crate::RuleCode;

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    Open,
    Answered,
    Closed,
    Merged,
    Withdrawn,
}

impl QuestionStatus {
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::Answered,
        Self::Closed,
        Self::Merged,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
            Self::Merged => "merged",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What someone does to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionMove {
    /// An expert becomes the owner.
    Take,
    /// The owner hands the open question back to the experts' desk, for
    /// another expert to take (away, or not their subject).
    Release,
    /// The owner answers.
    Answer,
    /// The owner asks the author for detail.
    RequestDetail,
    /// The author gives the detail asked for.
    GiveDetail,
    /// The author withdraws the question.
    Withdraw,
    /// An expert closes the question.
    Close,
    /// An expert merges the question into another one.
    Merge,
}

/// Who makes a move, as the question sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mover {
    pub role: Role,
    /// The Navigator who asked it.
    pub is_author: bool,
    /// The expert who took it.
    pub is_owner: bool,
}

/// A question as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionState {
    pub status: QuestionStatus,
    /// Whether an expert has taken it.
    pub taken: bool,
    /// Whether a request for detail waits for the author's reply.
    pub awaiting_detail: bool,
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionRefusal {
    /// Not this person's move, whatever the status (a Navigator answering,
    /// an expert withdrawing, someone else's question).
    NotYourMove,
    /// The status does not allow the move.
    Status(QuestionStatus),
    /// Another expert owns the question.
    TakenByAnother,
    /// Nobody has taken the question yet: take it first.
    NotTaken,
    /// The author gives detail nobody asked for.
    NoDetailRequested,
}

/// What the question becomes after `mv` by `who`, or why not.
pub fn decide(
    state: QuestionState,
    mv: QuestionMove,
    who: Mover,
) -> Result<QuestionState, QuestionRefusal> {
    use QuestionMove as M;
    use QuestionRefusal as R;
    use QuestionStatus as S;
    let expert = who.role == Role::Expert;
    let author = who.role == Role::Navigator && who.is_author;
    let open = state.status == S::Open;
    let wrong_status = || Err(R::Status(state.status));
    match mv {
        M::Take if !expert => Err(R::NotYourMove),
        M::Take if !open => wrong_status(),
        M::Take if state.taken && !who.is_owner => Err(R::TakenByAnother),
        M::Take => Ok(QuestionState {
            taken: true,
            ..state
        }),
        M::Release if !expert => Err(R::NotYourMove),
        M::Release if !open => wrong_status(),
        M::Release if !state.taken => Err(R::NotTaken),
        M::Release if !who.is_owner => Err(R::TakenByAnother),
        // A request for detail stays: whoever takes it next sees the thread.
        M::Release => Ok(QuestionState {
            taken: false,
            ..state
        }),
        M::Answer | M::RequestDetail if !expert => Err(R::NotYourMove),
        M::Answer | M::RequestDetail if !open => wrong_status(),
        M::Answer | M::RequestDetail if !state.taken => Err(R::NotTaken),
        M::Answer | M::RequestDetail if !who.is_owner => Err(R::TakenByAnother),
        M::Answer => Ok(QuestionState {
            status: S::Answered,
            awaiting_detail: false,
            ..state
        }),
        M::RequestDetail => Ok(QuestionState {
            awaiting_detail: true,
            ..state
        }),
        M::GiveDetail if !author => Err(R::NotYourMove),
        M::GiveDetail if !open => wrong_status(),
        M::GiveDetail if !state.awaiting_detail => Err(R::NoDetailRequested),
        M::GiveDetail => Ok(QuestionState {
            awaiting_detail: false,
            ..state
        }),
        M::Withdraw if !author => Err(R::NotYourMove),
        M::Withdraw if !open => wrong_status(),
        M::Withdraw => Ok(QuestionState {
            status: S::Withdrawn,
            awaiting_detail: false,
            ..state
        }),
        M::Close | M::Merge if !expert => Err(R::NotYourMove),
        // Another expert's question is theirs to settle.
        M::Close | M::Merge if state.taken && !who.is_owner => Err(R::TakenByAnother),
        M::Close | M::Merge if !matches!(state.status, S::Open | S::Answered) => wrong_status(),
        M::Close => Ok(QuestionState {
            status: S::Closed,
            awaiting_detail: false,
            ..state
        }),
        M::Merge => Ok(QuestionState {
            status: S::Merged,
            awaiting_detail: false,
            ..state
        }),
    }
}

/// Whether a question may receive others merged into it: one that is still
/// on the experts' desk or answered, not one that is itself gone.
pub fn can_receive_merge(target: QuestionStatus) -> bool {
    matches!(
        target,
        QuestionStatus::Open | QuestionStatus::Answered | QuestionStatus::Closed
    )
}

/// The text of a question, an answer or a message of its thread: trimmed,
/// not empty, at most [`QuestionText::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionText(String);

impl QuestionText {
    /// A question on one point of running the measure fits a long paragraph.
    pub const MAX_CHARS: usize = 4000;

    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(Violation::new(field, RuleCode::Required));
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(
                Violation::new(field, RuleCode::TooLong).with_detail(Self::MAX_CHARS as i64)
            );
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The median of durations in seconds (the mean of the two middle ones
/// when their count is even); `None` without any.
pub fn median_seconds(mut values: Vec<i64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let mid = n / 2;
    Some(match n % 2 {
        1 => values[mid] as f64,
        _ => (values[mid - 1] as f64 + values[mid] as f64) / 2.0,
    })
}

/// The age bands of open questions in the service's figures, in days:
/// under 1, 1-2, 3-6, 7-13, 14-29, 30 and over.
pub const AGE_BANDS: [(&str, i64, Option<i64>); 6] = [
    ("under_1_day", 0, Some(1)),
    ("1_to_2_days", 1, Some(3)),
    ("3_to_6_days", 3, Some(7)),
    ("7_to_13_days", 7, Some(14)),
    ("14_to_29_days", 14, Some(30)),
    ("30_days_and_over", 30, None),
];

/// The band of an open question `age_days` whole days old.
pub fn age_band(age_days: i64) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(_, from, to)| age_days >= *from && to.is_none_or(|t| age_days < t))
        .map_or(AGE_BANDS[0].0, |(name, _, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionMove as M;
    use QuestionRefusal as R;
    use QuestionStatus as S;

    fn state(status: S, taken: bool, awaiting_detail: bool) -> QuestionState {
        QuestionState {
            status,
            taken,
            awaiting_detail,
        }
    }
    const AUTHOR: Mover = Mover {
        role: Role::Navigator,
        is_author: true,
        is_owner: false,
    };
    const OTHER_NAVIGATOR: Mover = Mover {
        role: Role::Navigator,
        is_author: false,
        is_owner: false,
    };
    const OWNER: Mover = Mover {
        role: Role::Expert,
        is_author: false,
        is_owner: true,
    };
    const EXPERT: Mover = Mover {
        role: Role::Expert,
        is_author: false,
        is_owner: false,
    };

    #[test]
    fn an_open_question_is_taken_answered_and_closed() {
        let q = state(S::Open, false, false);
        let q = decide(q, M::Take, EXPERT).unwrap();
        assert!(q.taken && q.status == S::Open);
        let q = decide(q, M::RequestDetail, OWNER).unwrap();
        assert!(q.awaiting_detail);
        let q = decide(q, M::GiveDetail, AUTHOR).unwrap();
        assert!(!q.awaiting_detail);
        let q = decide(q, M::Answer, OWNER).unwrap();
        assert_eq!(q.status, S::Answered);
        let q = decide(q, M::Close, OWNER).unwrap();
        assert_eq!(q.status, S::Closed);
    }

    #[test]
    fn one_expert_at_a_time() {
        let taken = state(S::Open, true, false);
        assert_eq!(decide(taken, M::Take, EXPERT), Err(R::TakenByAnother));
        // Taking one's own question again changes nothing.
        assert_eq!(decide(taken, M::Take, OWNER), Ok(taken));
        assert_eq!(decide(taken, M::Answer, EXPERT), Err(R::TakenByAnother));
        assert_eq!(
            decide(taken, M::RequestDetail, EXPERT),
            Err(R::TakenByAnother)
        );
        assert_eq!(decide(taken, M::Close, EXPERT), Err(R::TakenByAnother));
        assert_eq!(decide(taken, M::Merge, EXPERT), Err(R::TakenByAnother));
        // Nobody answers a question nobody took.
        let free = state(S::Open, false, false);
        assert_eq!(decide(free, M::Answer, EXPERT), Err(R::NotTaken));
        assert_eq!(decide(free, M::RequestDetail, EXPERT), Err(R::NotTaken));
        // An untaken question may be closed or merged by any expert.
        assert_eq!(decide(free, M::Close, EXPERT).unwrap().status, S::Closed);
        assert_eq!(decide(free, M::Merge, EXPERT).unwrap().status, S::Merged);
    }

    #[test]
    fn only_the_owner_hands_an_open_question_back() {
        let taken = state(S::Open, true, true);
        let back = decide(taken, M::Release, OWNER).unwrap();
        assert_eq!(back, state(S::Open, false, true));
        // Back on the desk: any expert may take it.
        assert!(decide(back, M::Take, EXPERT).unwrap().taken);
        assert_eq!(decide(taken, M::Release, EXPERT), Err(R::TakenByAnother));
        assert_eq!(
            decide(state(S::Open, false, false), M::Release, EXPERT),
            Err(R::NotTaken)
        );
        for who in [AUTHOR, OTHER_NAVIGATOR] {
            assert_eq!(decide(taken, M::Release, who), Err(R::NotYourMove));
        }
        for s in [S::Answered, S::Closed, S::Merged, S::Withdrawn] {
            assert_eq!(
                decide(state(s, true, false), M::Release, OWNER),
                Err(R::Status(s)),
                "{s:?}"
            );
        }
    }

    #[test]
    fn navigators_ask_and_experts_answer() {
        let taken = state(S::Open, true, true);
        for who in [AUTHOR, OTHER_NAVIGATOR] {
            for mv in [M::Take, M::Answer, M::RequestDetail, M::Close, M::Merge] {
                assert_eq!(decide(taken, mv, who), Err(R::NotYourMove), "{mv:?}");
            }
        }
        for who in [OWNER, EXPERT] {
            for mv in [M::GiveDetail, M::Withdraw] {
                assert_eq!(decide(taken, mv, who), Err(R::NotYourMove), "{mv:?}");
            }
        }
        // Only the author gives detail or withdraws.
        assert_eq!(
            decide(taken, M::GiveDetail, OTHER_NAVIGATOR),
            Err(R::NotYourMove)
        );
        assert_eq!(
            decide(taken, M::Withdraw, OTHER_NAVIGATOR),
            Err(R::NotYourMove)
        );
        // HR and administrators read; they make no move.
        for role in [Role::Hr, Role::Admin, Role::Coordinator, Role::Trainer] {
            let who = Mover {
                role,
                is_author: false,
                is_owner: false,
            };
            for mv in [M::Take, M::Answer, M::Close, M::Merge, M::Withdraw] {
                assert_eq!(
                    decide(taken, mv, who),
                    Err(R::NotYourMove),
                    "{role:?} {mv:?}"
                );
            }
        }
    }

    #[test]
    fn withdrawn_only_while_open() {
        let open = state(S::Open, true, true);
        let w = decide(open, M::Withdraw, AUTHOR).unwrap();
        assert_eq!(w.status, S::Withdrawn);
        for s in [S::Answered, S::Closed, S::Merged, S::Withdrawn] {
            assert_eq!(
                decide(state(s, true, false), M::Withdraw, AUTHOR),
                Err(R::Status(s))
            );
        }
    }

    #[test]
    fn detail_is_given_only_when_asked() {
        assert_eq!(
            decide(state(S::Open, true, false), M::GiveDetail, AUTHOR),
            Err(R::NoDetailRequested)
        );
        assert_eq!(
            decide(state(S::Answered, true, false), M::GiveDetail, AUTHOR),
            Err(R::Status(S::Answered))
        );
    }

    #[test]
    fn settled_questions_stay_settled() {
        for s in [S::Closed, S::Merged, S::Withdrawn] {
            let q = state(s, true, false);
            for mv in [M::Take, M::Answer, M::RequestDetail, M::Close, M::Merge] {
                assert_eq!(decide(q, mv, OWNER), Err(R::Status(s)), "{s:?} {mv:?}");
            }
        }
        // Answered: closed or merged, never answered or taken again.
        let answered = state(S::Answered, true, false);
        assert_eq!(
            decide(answered, M::Answer, OWNER),
            Err(R::Status(S::Answered))
        );
        assert_eq!(
            decide(answered, M::Take, EXPERT),
            Err(R::Status(S::Answered))
        );
        assert_eq!(decide(answered, M::Merge, OWNER).unwrap().status, S::Merged);
        assert!(can_receive_merge(S::Answered) && can_receive_merge(S::Open));
        assert!(!can_receive_merge(S::Merged) && !can_receive_merge(S::Withdrawn));
    }

    #[test]
    fn question_text_is_trimmed_and_bounded() {
        assert_eq!(
            QuestionText::parse("text", "  Come si calcola? ")
                .unwrap()
                .as_str(),
            "Come si calcola?"
        );
        let e = QuestionText::parse("text", "   ").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("text", "required"));
        let long = "à".repeat(QuestionText::MAX_CHARS + 1);
        assert_eq!(
            QuestionText::parse("text", &long).unwrap_err().code,
            "too-long"
        );
        assert!(QuestionText::parse("text", &"à".repeat(QuestionText::MAX_CHARS)).is_ok());
    }

    #[test]
    fn medians_and_age_bands() {
        assert_eq!(median_seconds(vec![]), None);
        assert_eq!(median_seconds(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median_seconds(vec![4, 1, 3, 10]), Some(3.5));
        assert_eq!(age_band(0), "under_1_day");
        assert_eq!(age_band(1), "1_to_2_days");
        assert_eq!(age_band(2), "1_to_2_days");
        assert_eq!(age_band(3), "3_to_6_days");
        assert_eq!(age_band(13), "7_to_13_days");
        assert_eq!(age_band(29), "14_to_29_days");
        assert_eq!(age_band(30), "30_days_and_over");
        assert_eq!(age_band(400), "30_days_and_over");
    }
}
