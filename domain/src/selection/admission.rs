//! Admission to the test (DOMAIN.md §4.2): per province, at most
//! `multiplier x posts` candidates sit the test, chosen by degree grade with
//! ties to the younger candidate.

use crate::RuleCode;
use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::NaiveDate;

use super::merit::{cmp_application_no, DegreeGrade};
use crate::violation::{Violation, Violations};

/// The 2019 multiplier: twenty candidates per post. Configurable per selection.
pub const DEFAULT_MULTIPLIER: i64 = 20;

/// One application of a province, as far as admission looks at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionCandidate {
    pub application_no: String,
    /// Grade with the honours flag; 110 with honours ranks above 110.
    pub degree_grade: DegreeGrade,
    pub birth_date: NaiveDate,
}

/// A selection's multiplier must be at least 1 (`must-be-positive`).
pub fn check_multiplier(field: &str, multiplier: i64) -> Result<(), Violation> {
    if multiplier >= 1 {
        Ok(())
    } else {
        Err(Violation::new(field, RuleCode::MustBePositive).with_detail(multiplier))
    }
}

/// How many candidates of a province may sit the test: `multiplier x posts`,
/// zero when either is not positive.
pub fn admission_quota(posts: i64, multiplier: i64) -> i64 {
    if posts <= 0 || multiplier <= 0 {
        0
    } else {
        posts.saturating_mul(multiplier)
    }
}

/// The admission order: degree grade desc (110 with honours above 110),
/// then the younger candidate (later birth date), then application number
/// asc. `Less` means `a` is admitted first.
pub fn compare(a: &AdmissionCandidate, b: &AdmissionCandidate) -> Ordering {
    b.degree_grade
        .cmp(&a.degree_grade)
        .then_with(|| b.birth_date.cmp(&a.birth_date))
        .then_with(|| cmp_application_no(&a.application_no, &b.application_no))
}

/// The application numbers admitted to the test in one province, best first.
///
/// The cut is strict at `multiplier x posts`: DOMAIN.md says "at most", so a
/// candidate tied on grade and birth date with the last admitted one is left
/// out rather than admitted beyond the quota. §4.2 names only grade and age;
/// the application number, the graduatoria's last tie-break (§4.4), settles
/// the remaining ties so that the cut never depends on input order.
///
/// Application numbers must be unique (`duplicate-application-no` on
/// `application_no`, once per repeated number), or the cut could not be
/// defended.
pub fn admit(
    candidates: &[AdmissionCandidate],
    posts: i64,
    multiplier: i64,
) -> Result<Vec<String>, Violations> {
    let mut v = Violations::new();
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for c in candidates {
        if !seen.insert(c.application_no.as_str()) && reported.insert(c.application_no.as_str()) {
            v.push(
                Violation::new("application_no", RuleCode::DuplicateApplicationNo)
                    .with_detail(c.application_no.clone()),
            );
        }
    }
    if !v.is_empty() {
        return Err(v);
    }
    let quota = usize::try_from(admission_quota(posts, multiplier)).unwrap_or(usize::MAX);
    let mut order: Vec<&AdmissionCandidate> = candidates.iter().collect();
    order.sort_by(|a, b| compare(a, b));
    Ok(order
        .into_iter()
        .take(quota)
        .map(|c| c.application_no.clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cand(no: &str, grade: i64, honours: bool, born: &str) -> AdmissionCandidate {
        AdmissionCandidate {
            application_no: no.into(),
            degree_grade: DegreeGrade::parse("g", grade, honours).unwrap(),
            birth_date: d(born),
        }
    }

    #[test]
    fn quota_is_multiplier_times_posts() {
        assert_eq!(admission_quota(274, DEFAULT_MULTIPLIER), 5_480);
        assert_eq!(admission_quota(6, 3), 18);
        assert_eq!(admission_quota(0, 20), 0);
        assert_eq!(admission_quota(-1, 20), 0);
        assert_eq!(admission_quota(5, 0), 0);
        assert_eq!(admission_quota(i64::MAX, 20), i64::MAX);
    }

    #[test]
    fn multiplier_must_be_positive() {
        assert!(check_multiplier("admission_multiplier", 1).is_ok());
        let e = check_multiplier("admission_multiplier", 0).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("admission_multiplier", "must-be-positive")
        );
        assert!(check_multiplier("m", -20).is_err());
    }

    #[test]
    fn best_grades_first_honours_above_110_then_the_younger() {
        let c = vec![
            cand("1", 100, false, "1990-01-01"),
            cand("2", 110, false, "1990-01-01"),
            cand("3", 110, true, "1980-01-01"),
            cand("4", 105, false, "1985-01-01"),
            cand("5", 105, false, "1995-01-01"),
        ];
        assert_eq!(admit(&c, 5, 1).unwrap(), vec!["3", "2", "5", "4", "1"]);
    }

    #[test]
    fn the_cut_is_strict_at_the_quota() {
        // One post, multiplier 2: three candidates alike in grade and age.
        let c = vec![
            cand("30", 108, false, "1990-05-05"),
            cand("10", 108, false, "1990-05-05"),
            cand("20", 108, false, "1990-05-05"),
            cand("40", 90, false, "2000-01-01"),
        ];
        assert_eq!(admit(&c, 1, 2).unwrap(), vec!["10", "20"]);
        // The younger wins the last place over a lower application number.
        let c = vec![
            cand("1", 108, false, "1990-05-05"),
            cand("2", 108, false, "1990-05-06"),
        ];
        assert_eq!(admit(&c, 1, 1).unwrap(), vec!["2"]);
    }

    #[test]
    fn fewer_candidates_than_the_quota_are_all_admitted() {
        let c = vec![
            cand("1", 66, false, "1990-01-01"),
            cand("2", 67, false, "1990-01-01"),
        ];
        assert_eq!(admit(&c, 1, 20).unwrap(), vec!["2", "1"]);
        assert_eq!(admit(&c, 0, 20).unwrap(), Vec::<String>::new());
        assert_eq!(admit(&[], 5, 20).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn duplicate_application_numbers_are_refused() {
        let c = vec![
            cand("1", 100, false, "1990-01-01"),
            cand("1", 101, false, "1990-01-01"),
            cand("1", 102, false, "1990-01-01"),
        ];
        let e = admit(&c, 1, 20).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].code, "duplicate-application-no");
    }

    fn candidates() -> impl Strategy<Value = Vec<AdmissionCandidate>> {
        let grade = prop::sample::select(vec![66i64, 100, 109, 110]);
        prop::collection::btree_map("[0-9]{1,3}", (grade, any::<bool>(), 0i64..3), 0..60).prop_map(
            |m| {
                m.into_iter()
                    .map(|(no, (grade, honours, days))| AdmissionCandidate {
                        application_no: no,
                        degree_grade: DegreeGrade::parse("g", grade, honours && grade == 110)
                            .unwrap(),
                        birth_date: d("1990-01-01") + chrono::Duration::days(days),
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn admission_properties(
            (input, shuffled) in candidates().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            posts in -1i64..6,
            multiplier in 1i64..5,
        ) {
            let admitted = admit(&input, posts, multiplier).unwrap();
            prop_assert_eq!(&admit(&shuffled, posts, multiplier).unwrap(), &admitted);

            let quota = usize::try_from(admission_quota(posts, multiplier)).unwrap();
            prop_assert_eq!(admitted.len(), quota.min(input.len()));

            let is_admitted: HashSet<&str> = admitted.iter().map(String::as_str).collect();
            prop_assert_eq!(is_admitted.len(), admitted.len());
            let find = |no: &str| input.iter().find(|c| c.application_no == no).unwrap();
            // In order, and every admitted candidate beats every one left out
            // on grade, then age, then number.
            for pair in admitted.windows(2) {
                prop_assert_eq!(compare(find(&pair[0]), find(&pair[1])), Ordering::Less);
            }
            for a in &admitted {
                let a = find(a);
                for out in input.iter().filter(|c| !is_admitted.contains(c.application_no.as_str())) {
                    let ahead = a.degree_grade > out.degree_grade
                        || (a.degree_grade == out.degree_grade
                            && (a.birth_date > out.birth_date
                                || (a.birth_date == out.birth_date
                                    && cmp_application_no(&a.application_no, &out.application_no).is_lt())));
                    prop_assert!(ahead, "{:?} admitted before {:?}", a, out);
                }
            }
        }
    }
}
