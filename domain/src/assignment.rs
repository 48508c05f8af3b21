//! CPI assignment (DOMAIN.md §3 and §9): which job centre a Navigator works
//! in from a day, under the convention their Region signed.

use chrono::NaiveDate;

use crate::contract::ContractDates;
use crate::convention::{operational_start, Convention, ConventionMode};

/// A Navigator's placement in a CPI, both days included; `to` is `None`
/// while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub cpi_code: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Assignment {
    /// Whether the Navigator works in this CPI on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// The assignment covering `day`, if any.
pub fn assignment_on(history: &[Assignment], day: NaiveDate) -> Option<&Assignment> {
    history.iter().find(|a| a.covers(day))
}

/// What is asked: this Navigator in this CPI from this day.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentRequest<'a> {
    pub navigator_region: &'a str,
    pub cpi_code: &'a str,
    pub cpi_region: &'a str,
    pub from: NaiveDate,
}

/// What the rules need to know besides the request.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentFacts<'a> {
    /// The Navigator's contract.
    pub contract: &'a ContractDates,
    /// The convention of the Navigator's Region, if it has one.
    pub convention: Option<&'a Convention>,
    /// The Navigator's own assignments, any order.
    pub history: &'a [Assignment],
    /// The CPI's capacity; `None` means no limit.
    pub cpi_capacity: Option<i64>,
    /// Every other Navigator's assignment to the CPI.
    pub cpi_assignments: &'a [Assignment],
}

/// Why an assignment is refused; each one is its own problem type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignmentRefusal {
    /// The CPI belongs to another Region than the Navigator's.
    CpiInAnotherRegion,
    /// The Region has never signed a convention.
    NoConvention,
    /// The Region's convention keeps Navigators out of CPIs (Campania).
    ConventionForbidsCpiAssignment { signed_on: NaiveDate },
    /// A draft: the contract has no dates yet.
    ContractNotSigned,
    /// The day falls outside the contract's dates.
    OutsideContract {
        start: NaiveDate,
        last_day: Option<NaiveDate>,
    },
    /// The day comes before the Navigator's operational start.
    BeforeOperationalStart { operational_start: NaiveDate },
    /// The convention had expired by that day.
    ConventionNotInForce {
        signed_on: NaiveDate,
        valid_until: Option<NaiveDate>,
    },
    /// The Navigator is already in that CPI from `from`.
    AlreadyAssigned { cpi_code: String, from: NaiveDate },
    /// The history cannot be rewritten: the new assignment must start after
    /// `earliest - 1` (the start of the open one, or the end of the last).
    NotAfterCurrent {
        cpi_code: String,
        earliest: NaiveDate,
    },
    /// The CPI already holds as many Navigators as it may.
    CpiAtCapacity { capacity: i64 },
}

impl AssignmentRefusal {
    /// A conflict with the current state (409) rather than a broken rule (422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Self::AlreadyAssigned { .. }
                | Self::NotAfterCurrent { .. }
                | Self::CpiAtCapacity { .. }
        )
    }
}

/// The most Navigators the CPI holds on any one day from `from` on.
/// Checking only `from` would let a later-dated assignment overfill it.
pub fn peak_occupancy(assignments: &[Assignment], from: NaiveDate) -> usize {
    // The count only rises on a day an assignment starts.
    std::iter::once(from)
        .chain(assignments.iter().map(|a| a.from.max(from)))
        .map(|day| assignments.iter().filter(|a| a.covers(day)).count())
        .max()
        .unwrap_or(0)
}

/// Checks an assignment against every rule of DOMAIN.md §3 and §9, in the
/// order a coordinator would fix them: where, then under which convention,
/// then when, then the CPI's room.
pub fn check_assignment(
    req: &AssignmentRequest<'_>,
    facts: &AssignmentFacts<'_>,
) -> Result<(), AssignmentRefusal> {
    if req.cpi_region != req.navigator_region {
        return Err(AssignmentRefusal::CpiInAnotherRegion);
    }
    let convention = facts.convention.ok_or(AssignmentRefusal::NoConvention)?;
    if convention.mode == ConventionMode::Remote {
        return Err(AssignmentRefusal::ConventionForbidsCpiAssignment {
            signed_on: convention.signed_on,
        });
    }
    let (Some(_), Some(start)) = (facts.contract.signed_on, facts.contract.start_date) else {
        return Err(AssignmentRefusal::ContractNotSigned);
    };
    let last_day = facts.contract.last_day();
    if req.from < start || last_day.is_some_and(|last| req.from > last) {
        return Err(AssignmentRefusal::OutsideContract { start, last_day });
    }
    if let Some(op) = operational_start(start, Some(convention)) {
        if req.from < op {
            return Err(AssignmentRefusal::BeforeOperationalStart {
                operational_start: op,
            });
        }
    }
    if !convention.in_force_on(req.from) {
        return Err(AssignmentRefusal::ConventionNotInForce {
            signed_on: convention.signed_on,
            valid_until: convention.valid_until,
        });
    }
    if let Some(latest) = facts.history.iter().max_by_key(|a| a.from) {
        if latest.to.is_none() && latest.cpi_code == req.cpi_code {
            return Err(AssignmentRefusal::AlreadyAssigned {
                cpi_code: latest.cpi_code.clone(),
                from: latest.from,
            });
        }
        let earliest = match latest.to {
            None => latest.from.succ_opt(),
            Some(to) => to.succ_opt(),
        }
        .unwrap_or(latest.from);
        if req.from < earliest {
            return Err(AssignmentRefusal::NotAfterCurrent {
                cpi_code: latest.cpi_code.clone(),
                earliest,
            });
        }
    }
    if let Some(capacity) = facts.cpi_capacity {
        let held =
            i64::try_from(peak_occupancy(facts.cpi_assignments, req.from)).unwrap_or(i64::MAX);
        if held >= capacity {
            return Err(AssignmentRefusal::CpiAtCapacity { capacity });
        }
    }
    Ok(())
}

/// The last day of the assignment a new one replaces: the day before.
pub fn closes_on(new_from: NaiveDate) -> NaiveDate {
    new_from.pred_opt().unwrap_or(new_from)
}

/// What a contract's end does to the Navigator's open assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndOfContract {
    /// It closes on the contract's last day.
    Close(NaiveDate),
    /// It was to start after the last day: it never takes effect.
    Cancel,
    /// It already ends by then.
    Keep,
}

pub fn on_contract_end(open: &Assignment, last_day: NaiveDate) -> EndOfContract {
    if open.from > last_day {
        EndOfContract::Cancel
    } else if open.to.is_some_and(|to| to <= last_day) {
        EndOfContract::Keep
    } else {
        EndOfContract::Close(last_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::EndCause;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn contract() -> ContractDates {
        ContractDates {
            signed_on: Some(d("2019-07-29")),
            start_date: Some(d("2019-08-01")),
            end_date: Some(d("2021-04-30")),
            early_end: None,
            suspensions: Vec::new(),
            cancelled_on: None,
        }
    }

    fn lazio() -> Convention {
        Convention::new(d("2019-07-17"), None, ConventionMode::Cpi).unwrap()
    }

    fn at(cpi: &str, from: &str, to: Option<&str>) -> Assignment {
        Assignment {
            cpi_code: cpi.into(),
            from: d(from),
            to: to.map(d),
        }
    }

    fn req(from: &str) -> AssignmentRequest<'static> {
        AssignmentRequest {
            navigator_region: "12",
            cpi_code: "RM-01",
            cpi_region: "12",
            from: d(from),
        }
    }

    fn check(
        req: AssignmentRequest<'_>,
        contract: &ContractDates,
        convention: Option<&Convention>,
        history: &[Assignment],
        capacity: Option<i64>,
        others: &[Assignment],
    ) -> Result<(), AssignmentRefusal> {
        check_assignment(
            &req,
            &AssignmentFacts {
                contract,
                convention,
                history,
                cpi_capacity: capacity,
                cpi_assignments: others,
            },
        )
    }

    #[test]
    fn a_navigator_of_the_region_is_assigned_from_the_operational_start() {
        let c = contract();
        assert_eq!(
            check(req("2019-08-01"), &c, Some(&lazio()), &[], None, &[]),
            Ok(())
        );
        assert_eq!(
            check(req("2021-04-30"), &c, Some(&lazio()), &[], None, &[]),
            Ok(())
        );
    }

    #[test]
    fn a_cpi_of_another_region_is_refused() {
        let mut r = req("2019-08-01");
        r.cpi_region = "03";
        assert_eq!(
            check(r, &contract(), Some(&lazio()), &[], None, &[]),
            Err(AssignmentRefusal::CpiInAnotherRegion)
        );
    }

    #[test]
    fn a_remote_convention_refuses_any_assignment_naming_its_date() {
        let campania = Convention::new(d("2019-12-09"), None, ConventionMode::Remote).unwrap();
        let err = check(
            req("2020-01-10"),
            &contract(),
            Some(&campania),
            &[],
            None,
            &[],
        );
        assert_eq!(
            err,
            Err(AssignmentRefusal::ConventionForbidsCpiAssignment {
                signed_on: d("2019-12-09")
            })
        );
    }

    #[test]
    fn without_a_convention_nothing_is_assigned() {
        assert_eq!(
            check(req("2019-08-01"), &contract(), None, &[], None, &[]),
            Err(AssignmentRefusal::NoConvention)
        );
    }

    #[test]
    fn an_expired_convention_refuses_days_after_it() {
        let ended =
            Convention::new(d("2019-07-17"), Some(d("2020-12-31")), ConventionMode::Cpi).unwrap();
        assert_eq!(
            check(req("2020-12-31"), &contract(), Some(&ended), &[], None, &[]),
            Ok(())
        );
        let err = check(req("2021-01-01"), &contract(), Some(&ended), &[], None, &[]).unwrap_err();
        assert!(
            matches!(err, AssignmentRefusal::ConventionNotInForce { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_draft_contract_cannot_be_assigned() {
        let mut c = contract();
        c.signed_on = None;
        c.start_date = None;
        assert_eq!(
            check(req("2019-08-01"), &c, Some(&lazio()), &[], None, &[]),
            Err(AssignmentRefusal::ContractNotSigned)
        );
    }

    #[test]
    fn days_outside_the_contract_are_refused() {
        let c = contract();
        for day in ["2019-07-31", "2021-05-01"] {
            assert_eq!(
                check(req(day), &c, Some(&lazio()), &[], None, &[]),
                Err(AssignmentRefusal::OutsideContract {
                    start: d("2019-08-01"),
                    last_day: Some(d("2021-04-30"))
                }),
                "{day}"
            );
        }
    }

    #[test]
    fn a_resignation_moves_the_last_assignable_day() {
        let mut c = contract();
        c.early_end = Some((EndCause::Resigned, d("2020-03-01")));
        assert_eq!(
            check(req("2020-02-29"), &c, Some(&lazio()), &[], None, &[]),
            Ok(())
        );
        assert!(matches!(
            check(req("2020-03-01"), &c, Some(&lazio()), &[], None, &[]),
            Err(AssignmentRefusal::OutsideContract { .. })
        ));
    }

    #[test]
    fn before_the_convention_is_signed_the_navigator_is_not_operational() {
        // Signed in November, the Region's convention came in December.
        let late = Convention::new(d("2019-12-09"), None, ConventionMode::Cpi).unwrap();
        let err = check(req("2019-12-08"), &contract(), Some(&late), &[], None, &[]);
        assert_eq!(
            err,
            Err(AssignmentRefusal::BeforeOperationalStart {
                operational_start: d("2019-12-09")
            })
        );
        assert_eq!(
            check(req("2019-12-09"), &contract(), Some(&late), &[], None, &[]),
            Ok(())
        );
    }

    #[test]
    fn a_new_assignment_starts_after_the_open_one() {
        let history = [at("RM-02", "2019-09-01", None)];
        let c = contract();
        assert_eq!(
            check(req("2019-09-01"), &c, Some(&lazio()), &history, None, &[]),
            Err(AssignmentRefusal::NotAfterCurrent {
                cpi_code: "RM-02".into(),
                earliest: d("2019-09-02")
            })
        );
        assert_eq!(
            check(req("2019-09-02"), &c, Some(&lazio()), &history, None, &[]),
            Ok(())
        );
        assert_eq!(closes_on(d("2019-09-02")), d("2019-09-01"));
    }

    #[test]
    fn the_same_cpi_again_is_already_assigned() {
        let history = [at("RM-01", "2019-09-01", None)];
        assert_eq!(
            check(
                req("2019-10-01"),
                &contract(),
                Some(&lazio()),
                &history,
                None,
                &[]
            ),
            Err(AssignmentRefusal::AlreadyAssigned {
                cpi_code: "RM-01".into(),
                from: d("2019-09-01")
            })
        );
    }

    #[test]
    fn a_closed_history_is_not_overlapped() {
        let history = [
            at("RM-02", "2019-09-01", Some("2019-09-30")),
            at("RM-03", "2019-08-01", Some("2019-08-31")),
        ];
        assert!(matches!(
            check(
                req("2019-09-30"),
                &contract(),
                Some(&lazio()),
                &history,
                None,
                &[]
            ),
            Err(AssignmentRefusal::NotAfterCurrent { .. })
        ));
        assert_eq!(
            check(
                req("2019-10-01"),
                &contract(),
                Some(&lazio()),
                &history,
                None,
                &[]
            ),
            Ok(())
        );
    }

    #[test]
    fn a_cpi_at_capacity_takes_no_one_else() {
        let others = [
            at("RM-01", "2019-08-01", None),
            at("RM-01", "2019-08-01", Some("2019-08-31")),
        ];
        let c = contract();
        assert_eq!(
            check(req("2019-08-15"), &c, Some(&lazio()), &[], Some(2), &others),
            Err(AssignmentRefusal::CpiAtCapacity { capacity: 2 })
        );
        // From September one place is free again.
        assert_eq!(
            check(req("2019-09-01"), &c, Some(&lazio()), &[], Some(2), &others),
            Ok(())
        );
        assert_eq!(
            check(req("2019-08-15"), &c, Some(&lazio()), &[], None, &others),
            Ok(())
        );
    }

    #[test]
    fn a_later_dated_assignment_counts_against_capacity() {
        let others = [at("RM-01", "2019-10-01", None)];
        assert_eq!(
            check(
                req("2019-09-01"),
                &contract(),
                Some(&lazio()),
                &[],
                Some(1),
                &others
            ),
            Err(AssignmentRefusal::CpiAtCapacity { capacity: 1 })
        );
    }

    #[test]
    fn refusals_that_depend_on_the_current_state_are_conflicts() {
        assert!(AssignmentRefusal::CpiAtCapacity { capacity: 1 }.is_conflict());
        assert!(!AssignmentRefusal::CpiInAnotherRegion.is_conflict());
    }

    #[test]
    fn the_contract_end_closes_or_cancels_the_open_assignment() {
        let last = d("2020-02-29");
        assert_eq!(
            on_contract_end(&at("RM-01", "2019-08-01", None), last),
            EndOfContract::Close(last)
        );
        assert_eq!(
            on_contract_end(&at("RM-01", "2020-03-01", None), last),
            EndOfContract::Cancel
        );
        assert_eq!(
            on_contract_end(&at("RM-01", "2020-02-29", None), last),
            EndOfContract::Close(last)
        );
        assert_eq!(
            on_contract_end(&at("RM-01", "2019-08-01", Some("2019-12-31")), last),
            EndOfContract::Keep
        );
    }

    #[test]
    fn the_assignment_of_a_day_is_the_one_covering_it() {
        let history = [
            at("RM-02", "2019-08-01", Some("2019-08-31")),
            at("RM-01", "2019-09-01", None),
        ];
        assert_eq!(
            assignment_on(&history, d("2019-08-31")).unwrap().cpi_code,
            "RM-02"
        );
        assert_eq!(
            assignment_on(&history, d("2019-09-01")).unwrap().cpi_code,
            "RM-01"
        );
        assert!(assignment_on(&history, d("2019-07-31")).is_none());
    }

    fn day(offset: u32) -> NaiveDate {
        d("2019-08-01") + chrono::Days::new(u64::from(offset))
    }

    proptest! {
        /// The peak is the most assignments covering any single day from
        /// `from` on, counted day by day.
        #[test]
        fn peak_occupancy_matches_a_day_by_day_count(
            spans in proptest::collection::vec((0u32..60, proptest::option::of(0u32..30)), 0..12),
            from in 0u32..70,
        ) {
            let list: Vec<Assignment> = spans
                .iter()
                .map(|(s, len)| Assignment {
                    cpi_code: "X".into(),
                    from: day(*s),
                    to: len.map(|l| day(s + l)),
                })
                .collect();
            let brute = (from..200)
                .map(|o| list.iter().filter(|a| a.covers(day(o))).count())
                .max()
                .unwrap_or(0);
            prop_assert_eq!(peak_occupancy(&list, day(from)), brute);
        }
    }
}
