//! Distance learning (FAD, DOMAIN.md §8 rule 2): a module counts only once
//! its end test is passed. The e-learning platform sends every attempt, in
//! files that may overlap; this decides what each one does to the record
//! already kept for the same person and module.

use chrono::NaiveDate;

/// One completion of a module as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    pub completed_on: NaiveDate,
    pub test_passed: bool,
}

/// What a reported completion does to the kept one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Nothing was kept: it is recorded.
    New,
    /// It takes the place of the kept one.
    Replaces,
    /// The kept one stays as it is.
    Keeps,
}

/// A passed test is final: a later failed attempt never undoes it, and the
/// module counts from the first day it was passed. A failed attempt only
/// stands until a passed one, or a later failed one, arrives.
pub fn record(kept: Option<Completion>, reported: Completion) -> Recording {
    let Some(kept) = kept else {
        return Recording::New;
    };
    let replaces = match (kept.test_passed, reported.test_passed) {
        (true, false) => false,
        (false, true) => true,
        (true, true) => reported.completed_on < kept.completed_on,
        (false, false) => reported.completed_on > kept.completed_on,
    };
    if replaces {
        Recording::Replaces
    } else {
        Recording::Keeps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(day: &str, test_passed: bool) -> Completion {
        Completion {
            completed_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            test_passed,
        }
    }

    #[test]
    fn a_first_completion_is_recorded_passed_or_not() {
        assert_eq!(record(None, c("2019-09-10", false)), Recording::New);
        assert_eq!(record(None, c("2019-09-10", true)), Recording::New);
    }

    #[test]
    fn a_passed_test_replaces_a_failed_one() {
        assert_eq!(
            record(Some(c("2019-09-10", false)), c("2019-09-12", true)),
            Recording::Replaces
        );
    }

    #[test]
    fn a_failed_test_never_replaces_a_passed_one() {
        assert_eq!(
            record(Some(c("2019-09-10", true)), c("2019-09-12", false)),
            Recording::Keeps
        );
        assert_eq!(
            record(Some(c("2019-09-10", true)), c("2019-09-01", false)),
            Recording::Keeps
        );
    }

    #[test]
    fn a_module_counts_from_its_first_pass() {
        let kept = c("2019-09-10", true);
        assert_eq!(
            record(Some(kept), kept),
            Recording::Keeps,
            "a file sent twice"
        );
        assert_eq!(record(Some(kept), c("2019-09-20", true)), Recording::Keeps);
        assert_eq!(
            record(Some(kept), c("2019-09-05", true)),
            Recording::Replaces
        );
    }

    #[test]
    fn the_latest_failed_attempt_stands() {
        let kept = c("2019-09-10", false);
        assert_eq!(
            record(Some(kept), c("2019-09-12", false)),
            Recording::Replaces
        );
        assert_eq!(record(Some(kept), kept), Recording::Keeps);
        assert_eq!(record(Some(kept), c("2019-09-01", false)), Recording::Keeps);
    }
}
