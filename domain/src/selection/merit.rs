//! The titles that order candidates besides the test score: the degree grade
//! (DOMAIN.md §4.1, §4.2, §4.4) and, as the last tie-break, the application
//! number.

use crate::{Param, RuleCode};
use std::cmp::Ordering;

use crate::violation::Violation;

/// A master's degree grade out of 110, with honours (lode) only at 110.
///
/// Ordered by merit: a higher grade is greater, and 110 with honours is
/// above 110 without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DegreeGrade {
    // Field order gives the derived order: grade, then honours.
    grade: i64,
    honours: bool,
}

impl DegreeGrade {
    pub const MIN: i64 = 66;
    pub const MAX: i64 = 110;

    /// The grade must lie in 66..=110 (`out-of-range`); honours are only
    /// awarded with 110 (`honours-need-110`).
    pub fn parse(field: &str, grade: i64, honours: bool) -> Result<Self, Violation> {
        if !(Self::MIN..=Self::MAX).contains(&grade) {
            return Err(Violation::new(field, RuleCode::OutOfRange)
                .with_detail(Param::Range(Self::MIN, Self::MAX)));
        }
        if honours && grade != Self::MAX {
            return Err(Violation::new(field, RuleCode::HonoursNeed110).with_detail(grade));
        }
        Ok(Self { grade, honours })
    }

    pub fn grade(self) -> i64 {
        self.grade
    }

    pub fn honours(self) -> bool {
        self.honours
    }
}

/// The order of application numbers, the last tie-break of admission and
/// ranking: ascending, reading runs of digits as numbers, so `9` comes before
/// `10` and `NA-2` before `NA-10`; other characters compare as text. Strings
/// equal as numbers (`007`, `7`) fall back to plain text order, so two
/// different numbers never compare equal.
///
/// DOMAIN.md only says "then application number"; numbers are strings in the
/// API, and ordering `10` before `9` would surprise anyone defending the list.
pub fn cmp_application_no(a: &str, b: &str) -> Ordering {
    chunks(a).cmp(chunks(b)).then_with(|| a.cmp(b))
}

/// A maximal run of digits or of other characters. Numbers sort before text,
/// numbers by value (significant length, then digits).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk<'a> {
    Number(usize, &'a str),
    Text(&'a str),
}

fn chunks(s: &str) -> impl Iterator<Item = Chunk<'_>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(if digits {
            let significant = run.trim_start_matches('0');
            Chunk::Number(significant.len(), significant)
        } else {
            Chunk::Text(run)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn grades_are_66_to_110() {
        assert!(DegreeGrade::parse("g", 66, false).is_ok());
        assert!(DegreeGrade::parse("g", 110, false).is_ok());
        for bad in [0, 65, 111, -110] {
            let e = DegreeGrade::parse("degree_grade", bad, false).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code.as_str()),
                ("degree_grade", "out-of-range")
            );
        }
    }

    #[test]
    fn honours_only_with_110() {
        let lode = DegreeGrade::parse("g", 110, true).unwrap();
        assert!(lode.honours() && lode.grade() == 110);
        let e = DegreeGrade::parse("degree_grade", 109, true).unwrap_err();
        assert_eq!(e.code, "honours-need-110");
    }

    #[test]
    fn honours_rank_above_110_and_110_above_109() {
        let g = |grade, honours| DegreeGrade::parse("g", grade, honours).unwrap();
        assert!(g(110, true) > g(110, false));
        assert!(g(110, false) > g(109, false));
        assert!(g(67, false) > g(66, false));
    }

    #[test]
    fn application_numbers_compare_as_numbers() {
        use Ordering::*;
        assert_eq!(cmp_application_no("9", "10"), Less);
        assert_eq!(cmp_application_no("NA-2", "NA-10"), Less);
        assert_eq!(cmp_application_no("NA-10", "RM-1"), Less);
        assert_eq!(cmp_application_no("0010", "9"), Greater);
        assert_eq!(cmp_application_no("007", "7"), Less);
        assert_eq!(cmp_application_no("7", "7"), Equal);
        assert_eq!(cmp_application_no("", "1"), Less);
        assert_eq!(cmp_application_no("12345678901234567890123", "9"), Greater);
    }

    fn app_no() -> impl Strategy<Value = String> {
        "[A-C0-9-]{0,6}"
    }

    proptest! {
        #[test]
        fn application_order_is_a_total_order(a in app_no(), b in app_no(), c in app_no()) {
            // Antisymmetric, equal only when identical, transitive.
            prop_assert_eq!(cmp_application_no(&a, &b), cmp_application_no(&b, &a).reverse());
            prop_assert_eq!(cmp_application_no(&a, &b) == Ordering::Equal, a == b);
            let mut v = [a, b, c];
            v.sort_by(|x, y| cmp_application_no(x, y));
            prop_assert_ne!(cmp_application_no(&v[0], &v[2]), Ordering::Greater);
        }

        #[test]
        fn plain_numbers_compare_by_value(a in 0u64..100_000, b in 0u64..100_000) {
            prop_assert_eq!(cmp_application_no(&a.to_string(), &b.to_string()), a.cmp(&b));
        }
    }
}
