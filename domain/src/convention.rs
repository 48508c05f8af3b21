//! Regional conventions (DOMAIN.md §3): whether and how Navigators operate in
//! a Region on a given day.

use crate::RuleCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

/// How Navigators work in a Region under its convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConventionMode {
    /// Assigned to the Region's CPIs and working inside them.
    Cpi,
    /// Assisting beneficiaries without a CPI (Campania, 2019).
    Remote,
}

impl ConventionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpi => "cpi",
            Self::Remote => "remote",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "cpi" => Some(Self::Cpi),
            "remote" => Some(Self::Remote),
            _ => None,
        }
    }
}

/// The convention a Region signed with ANPAL Servizi; at most one per Region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    pub signed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub mode: ConventionMode,
}

impl Convention {
    /// A convention never ends before it is signed.
    pub fn new(
        signed_on: NaiveDate,
        valid_until: Option<NaiveDate>,
        mode: ConventionMode,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if let Some(until) = valid_until {
            if until < signed_on {
                v.push(
                    Violation::new("valid_until", RuleCode::EndsBeforeItStarts).with_detail(until),
                );
            }
        }
        v.into_result(Self {
            signed_on,
            valid_until,
            mode,
        })
    }

    /// In force from the day it was signed through `valid_until` included.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        day >= self.signed_on && self.valid_until.is_none_or(|until| day <= until)
    }

    /// Whether a Navigator of this Region may be assigned to a CPI on `day`.
    pub fn allows_cpi_assignment_on(&self, day: NaiveDate) -> bool {
        self.mode == ConventionMode::Cpi && self.in_force_on(day)
    }
}

/// A Navigator's operational start: `max(contract start, convention signed_on)`
/// (DOMAIN.md §3 rule 1). `None` when the Region has no convention: such a
/// Navigator has no operations at all.
pub fn operational_start(
    contract_start: NaiveDate,
    convention: Option<&Convention>,
) -> Option<NaiveDate> {
    convention.map(|c| contract_start.max(c.signed_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn campania() -> Convention {
        Convention::new(d("2019-12-09"), None, ConventionMode::Remote).unwrap()
    }

    #[test]
    fn in_force_from_signature_through_valid_until() {
        let c =
            Convention::new(d("2019-07-17"), Some(d("2021-12-31")), ConventionMode::Cpi).unwrap();
        assert!(!c.in_force_on(d("2019-07-16")));
        assert!(c.in_force_on(d("2019-07-17")));
        assert!(c.in_force_on(d("2021-12-31")));
        assert!(!c.in_force_on(d("2022-01-01")));
    }

    #[test]
    fn open_ended_convention_stays_in_force() {
        assert!(campania().in_force_on(d("2030-01-01")));
    }

    #[test]
    fn a_convention_cannot_end_before_it_is_signed() {
        let err = Convention::new(d("2019-07-17"), Some(d("2019-07-16")), ConventionMode::Cpi)
            .unwrap_err();
        assert_eq!(err.0[0].field, "valid_until");
        assert_eq!(err.0[0].code, "ends-before-it-starts");
        assert!(
            Convention::new(d("2019-07-17"), Some(d("2019-07-17")), ConventionMode::Cpi).is_ok()
        );
    }

    #[test]
    fn remote_mode_never_allows_cpi_assignment() {
        assert!(!campania().allows_cpi_assignment_on(d("2020-01-10")));
        let lazio = Convention::new(d("2019-07-17"), None, ConventionMode::Cpi).unwrap();
        assert!(lazio.allows_cpi_assignment_on(d("2019-07-17")));
        assert!(!lazio.allows_cpi_assignment_on(d("2019-07-16")));
    }

    #[test]
    fn operational_start_is_the_later_of_contract_and_convention() {
        // Campania's contracts were signed in November 2019; operations began on 9 December.
        assert_eq!(
            operational_start(d("2019-11-20"), Some(&campania())),
            Some(d("2019-12-09"))
        );
        assert_eq!(
            operational_start(d("2020-01-15"), Some(&campania())),
            Some(d("2020-01-15"))
        );
        assert_eq!(operational_start(d("2019-08-01"), None), None);
    }

    #[test]
    fn mode_round_trips_through_its_name() {
        for m in [ConventionMode::Cpi, ConventionMode::Remote] {
            assert_eq!(ConventionMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(ConventionMode::parse("hybrid"), None);
    }
}
