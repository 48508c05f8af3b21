//! Scoring of the written test (DOMAIN.md §4.3): `right - 0.40 x wrong`,
//! blank answers worth nothing, pass mark 60 out of 100 questions. All three
//! numbers are configurable per selection.
//!
//! Scores are kept exactly, in hundredths of a point, so that no rounding can
//! ever reorder a graduatoria.

use crate::{Param, RuleCode};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

/// A test score in hundredths of a point: `Score::from_hundredths(8_160)` is
/// 81.60. Negative when wrong answers outweigh right ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Score(i64);

impl Score {
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// A whole number of points.
    pub const fn from_points(points: i64) -> Self {
        Self(points.saturating_mul(100))
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }
}

/// Two decimals, as the graduatoria prints it: `81.60`, `-2.40`.
impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// How a selection scores its test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringRules {
    /// Number of questions; every candidate answers, skips or gets each one wrong.
    pub questions: i64,
    /// Points taken off per wrong answer, in hundredths: 40 is 0.40.
    pub wrong_penalty: i64,
    /// Minimum score to be ranked, in whole points; a score equal to it passes.
    pub pass_mark: i64,
}

impl Default for ScoringRules {
    /// The 2019 rules: 100 questions, 0.40 off per wrong answer, pass at 60.
    fn default() -> Self {
        Self {
            questions: 100,
            wrong_penalty: 40,
            pass_mark: 60,
        }
    }
}

impl ScoringRules {
    /// At least one question; a penalty between 0 and one whole point (a
    /// wrong answer never costs more than a right one earns); a pass mark
    /// between 0 and the number of questions, so that it can be reached.
    pub fn validate(self) -> Result<Self, Violations> {
        let mut v = Violations::new();
        v.check(self.questions > 0, "questions", RuleCode::MustBePositive);
        if !(0..=100).contains(&self.wrong_penalty) {
            v.push(
                Violation::new("wrong_penalty", RuleCode::OutOfRange)
                    .with_detail(Param::Range(0, 100)),
            );
        }
        if !(0..=self.questions.max(0)).contains(&self.pass_mark) {
            v.push(
                Violation::new("pass_mark", RuleCode::OutOfRange)
                    .with_detail(Param::Range(0, self.questions.max(0))),
            );
        }
        v.into_result(self)
    }

    /// `right - penalty x wrong`, exactly, in hundredths of a point.
    pub fn score(&self, result: &TestResult) -> Score {
        Score(
            result
                .right
                .saturating_mul(100)
                .saturating_sub(result.wrong.saturating_mul(self.wrong_penalty)),
        )
    }

    /// The pass mark as a score.
    pub fn pass_score(&self) -> Score {
        Score::from_points(self.pass_mark)
    }

    /// At or above the pass mark: eligible for the graduatoria.
    pub fn passes(&self, score: Score) -> bool {
        score >= self.pass_score()
    }
}

/// One candidate's answers, as the external test provider reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestResult {
    right: i64,
    wrong: i64,
    blank: i64,
}

impl TestResult {
    /// Each count non-negative (`must-not-be-negative` on `right`, `wrong`,
    /// `blank`) and together exactly the selection's questions
    /// (`answers-must-sum-to-questions` on `answers`, detail the sum found).
    pub fn parse(
        rules: &ScoringRules,
        right: i64,
        wrong: i64,
        blank: i64,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        for (field, n) in [("right", right), ("wrong", wrong), ("blank", blank)] {
            v.check(n >= 0, field, RuleCode::MustNotBeNegative);
        }
        let sum = i128::from(right) + i128::from(wrong) + i128::from(blank);
        if v.is_empty() && sum != i128::from(rules.questions) {
            v.push(
                Violation::new("answers", RuleCode::AnswersMustSumToQuestions).with_detail(
                    Param::Sum {
                        got: i64::try_from(sum).unwrap_or(i64::MAX),
                        wanted: rules.questions,
                    },
                ),
            );
        }
        v.into_result(Self {
            right,
            wrong,
            blank,
        })
    }

    pub fn right(&self) -> i64 {
        self.right
    }

    pub fn wrong(&self) -> i64 {
        self.wrong
    }

    pub fn blank(&self) -> i64 {
        self.blank
    }

    /// Shorthand for `rules.score(self)`.
    pub fn score(&self, rules: &ScoringRules) -> Score {
        rules.score(self)
    }

    /// Shorthand for `rules.passes(rules.score(self))`.
    pub fn passes(&self, rules: &ScoringRules) -> bool {
        rules.passes(rules.score(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn result(right: i64, wrong: i64, blank: i64) -> TestResult {
        TestResult::parse(&ScoringRules::default(), right, wrong, blank).unwrap()
    }

    #[test]
    fn defaults_are_the_2019_rules() {
        let r = ScoringRules::default();
        assert_eq!((r.questions, r.wrong_penalty, r.pass_mark), (100, 40, 60));
        assert_eq!(r.validate(), Ok(r));
    }

    #[test]
    fn score_is_right_minus_040_per_wrong_and_blank_is_zero() {
        let r = ScoringRules::default();
        assert_eq!(r.score(&result(85, 10, 5)), Score::from_hundredths(8_100));
        assert_eq!(r.score(&result(70, 1, 29)), Score::from_hundredths(6_960));
        assert_eq!(r.score(&result(0, 0, 100)), Score::from_hundredths(0));
        assert_eq!(r.score(&result(0, 100, 0)), Score::from_hundredths(-4_000));
        assert_eq!(r.score(&result(100, 0, 0)), Score::from_points(100));
    }

    #[test]
    fn penalty_is_configurable() {
        let r = ScoringRules {
            wrong_penalty: 25,
            ..ScoringRules::default()
        };
        let t = TestResult::parse(&r, 60, 4, 36).unwrap();
        assert_eq!(t.score(&r), Score::from_points(59));
        let free = ScoringRules {
            wrong_penalty: 0,
            ..r
        };
        assert_eq!(t.score(&free), Score::from_points(60));
    }

    #[test]
    fn the_pass_mark_itself_passes_and_a_hundredth_below_fails() {
        let r = ScoringRules::default();
        assert!(r.passes(Score::from_points(60)));
        assert!(!r.passes(Score::from_hundredths(5_999)));
        // 62 right, 5 wrong: 62 - 2.00 = 60.00, passes; 6 wrong: 59.60, fails.
        assert!(result(62, 5, 33).passes(&r));
        assert!(!result(62, 6, 32).passes(&r));
        let strict = ScoringRules { pass_mark: 70, ..r };
        assert!(!result(69, 0, 31).passes(&strict));
        assert!(result(70, 0, 30).passes(&strict));
    }

    #[test]
    fn answers_must_sum_to_the_questions() {
        let r = ScoringRules::default();
        let e = TestResult::parse(&r, 60, 20, 19).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code, e.0[0].detail.clone()),
            (
                "answers",
                RuleCode::AnswersMustSumToQuestions,
                Some(Param::Sum {
                    got: 99,
                    wanted: 100
                })
            )
        );
        assert!(TestResult::parse(&r, 60, 20, 21).is_err());
        let t = TestResult::parse(&r, 60, 20, 20).unwrap();
        assert_eq!((t.right(), t.wrong(), t.blank()), (60, 20, 20));
        let short = ScoringRules {
            questions: 50,
            pass_mark: 30,
            ..r
        };
        assert!(TestResult::parse(&short, 30, 10, 10).is_ok());
        assert!(TestResult::parse(&short, 60, 20, 20).is_err());
    }

    #[test]
    fn counts_must_not_be_negative() {
        let r = ScoringRules::default();
        let e = TestResult::parse(&r, 101, -1, 0).unwrap_err();
        assert_eq!(
            e.0.iter()
                .map(|v| (v.field.as_str(), v.code.as_str()))
                .collect::<Vec<_>>(),
            vec![("wrong", "must-not-be-negative")]
        );
        let e = TestResult::parse(&r, -1, -2, -3).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["right", "wrong", "blank"]);
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let r = ScoringRules::default();
        assert!(TestResult::parse(&r, i64::MAX, i64::MAX, 0).is_err());
    }

    #[test]
    fn rules_are_validated() {
        let bad = ScoringRules {
            questions: 0,
            wrong_penalty: 101,
            pass_mark: 1,
        };
        let e = bad.validate().unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| (v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("questions", "must-be-positive"),
                ("wrong_penalty", "out-of-range"),
                ("pass_mark", "out-of-range"),
            ]
        );
        let negative = ScoringRules {
            wrong_penalty: -1,
            pass_mark: -1,
            ..ScoringRules::default()
        };
        assert_eq!(negative.validate().unwrap_err().0.len(), 2);
        let unreachable = ScoringRules {
            pass_mark: 101,
            ..ScoringRules::default()
        };
        assert!(unreachable.validate().is_err());
        let edge = ScoringRules {
            questions: 1,
            wrong_penalty: 100,
            pass_mark: 1,
        };
        assert!(edge.validate().is_ok());
    }

    #[test]
    fn scores_print_with_two_decimals() {
        assert_eq!(Score::from_hundredths(8_160).to_string(), "81.60");
        assert_eq!(Score::from_hundredths(5).to_string(), "0.05");
        assert_eq!(Score::from_hundredths(-240).to_string(), "-2.40");
        assert_eq!(Score::from_hundredths(-5).to_string(), "-0.05");
        assert_eq!(Score::from_points(60).to_string(), "60.00");
    }

    proptest! {
        #[test]
        fn each_answer_moves_the_score_by_its_worth(
            right in 0i64..100,
            wrong_share in 0i64..100,
            penalty in 0i64..=100,
        ) {
            let wrong = (100 - right) * wrong_share / 100;
            let blank = 100 - right - wrong;
            prop_assume!(blank > 0);
            let rules = ScoringRules { wrong_penalty: penalty, ..ScoringRules::default() };
            let score = |r, w, b| rules.score(&TestResult::parse(&rules, r, w, b).unwrap()).hundredths();
            let base = score(right, wrong, blank);
            // A blank turned right gains one point; turned wrong, loses the penalty.
            prop_assert_eq!(score(right + 1, wrong, blank - 1), base + 100);
            prop_assert_eq!(score(right, wrong + 1, blank - 1), base - penalty);
            prop_assert_eq!(score(0, 0, 100), 0);
        }
    }
}
