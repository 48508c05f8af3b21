//! On-the-job logs (DOMAIN.md §8 rule 3): the hours a Navigator logs from
//! the tablet for a day, at the CPI assigned that day.

use chrono::NaiveDate;

use crate::contract::{ContractDates, ContractStatus};
use crate::convention::{operational_start, Convention, ConventionMode};

/// The state of a log: only validated hours count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStatus {
    Pending,
    Validated,
    Rejected,
}

impl LogStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Validated, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Validated => "validated",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// The default most hours a day may hold (configurable).
pub const DEFAULT_MAX_DAY_MINUTES: i64 = 8 * 60;

/// What the rules need to know about a log and its Navigator.
#[derive(Debug, Clone, Copy)]
pub struct LogFacts<'a> {
    pub today: NaiveDate,
    pub day: NaiveDate,
    pub minutes: i64,
    pub contract: &'a ContractDates,
    pub convention: Option<&'a Convention>,
    /// The CPI the Navigator is assigned to on `day`, if any.
    pub assigned_cpi: Option<&'a str>,
    /// The CPI the tablet says the hours were at, if it says.
    pub stated_cpi: Option<&'a str>,
    /// Minutes already logged for `day` and not rejected.
    pub day_minutes: i64,
    pub max_day_minutes: i64,
}

/// Why a log is refused; each one is its own problem type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogRefusal {
    DayInFuture,
    /// The contract is not active that day (not started, suspended, ended).
    OutsideActiveContract,
    /// No convention in force that day in the Navigator's Region.
    NoConventionInForce,
    BeforeOperationalStart {
        operational_start: NaiveDate,
    },
    /// A `cpi` Region, and no CPI assigned that day.
    NoCpiAssignment,
    /// Another CPI than the one assigned that day (or any CPI in a `remote`
    /// Region).
    NotAssignedCpi {
        assigned: Option<String>,
    },
    DailyHoursExceeded {
        max_minutes: i64,
        already_minutes: i64,
    },
}

/// Checks a log; on success, the CPI to record it at (`None` in a `remote`
/// Region, where Navigators work without a CPI).
pub fn check_log(f: &LogFacts<'_>) -> Result<Option<String>, LogRefusal> {
    if f.day > f.today {
        return Err(LogRefusal::DayInFuture);
    }
    if f.contract.status_on(f.day) != ContractStatus::Active {
        return Err(LogRefusal::OutsideActiveContract);
    }
    let convention = f.convention.ok_or(LogRefusal::NoConventionInForce)?;
    if let Some(op) = f
        .contract
        .start_date
        .and_then(|s| operational_start(s, Some(convention)))
    {
        if f.day < op {
            return Err(LogRefusal::BeforeOperationalStart {
                operational_start: op,
            });
        }
    }
    if !convention.in_force_on(f.day) {
        return Err(LogRefusal::NoConventionInForce);
    }
    let cpi = match convention.mode {
        ConventionMode::Remote => {
            if f.stated_cpi.is_some() {
                return Err(LogRefusal::NotAssignedCpi { assigned: None });
            }
            None
        }
        ConventionMode::Cpi => {
            let assigned = f.assigned_cpi.ok_or(LogRefusal::NoCpiAssignment)?;
            if f.stated_cpi
                .is_some_and(|s| !s.eq_ignore_ascii_case(assigned))
            {
                return Err(LogRefusal::NotAssignedCpi {
                    assigned: Some(assigned.to_owned()),
                });
            }
            Some(assigned.to_owned())
        }
    };
    if f.day_minutes + f.minutes > f.max_day_minutes {
        return Err(LogRefusal::DailyHoursExceeded {
            max_minutes: f.max_day_minutes,
            already_minutes: f.day_minutes,
        });
    }
    Ok(cpi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Suspension;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn contract() -> ContractDates {
        ContractDates {
            signed_on: Some(d("2019-07-29")),
            start_date: Some(d("2019-08-01")),
            end_date: Some(d("2021-04-30")),
            early_end: None,
            suspensions: vec![Suspension {
                from: d("2019-10-01"),
                to: d("2019-10-31"),
            }],
            cancelled_on: None,
        }
    }

    fn lazio() -> Convention {
        Convention::new(d("2019-07-17"), None, ConventionMode::Cpi).unwrap()
    }

    fn campania() -> Convention {
        Convention::new(d("2019-12-09"), None, ConventionMode::Remote).unwrap()
    }

    fn facts<'a>(c: &'a ContractDates, conv: Option<&'a Convention>, day: &str) -> LogFacts<'a> {
        LogFacts {
            today: d("2019-12-20"),
            day: d(day),
            minutes: 240,
            contract: c,
            convention: conv,
            assigned_cpi: Some("RM-EUR"),
            stated_cpi: None,
            day_minutes: 0,
            max_day_minutes: DEFAULT_MAX_DAY_MINUTES,
        }
    }

    #[test]
    fn a_log_at_the_assigned_cpi_is_recorded_there() {
        let c = contract();
        assert_eq!(
            check_log(&facts(&c, Some(&lazio()), "2019-09-02")),
            Ok(Some("RM-EUR".into()))
        );
        let conv = lazio();
        let mut f = facts(&c, Some(&conv), "2019-09-02");
        f.stated_cpi = Some("rm-eur");
        assert_eq!(check_log(&f), Ok(Some("RM-EUR".into())));
    }

    #[test]
    fn a_future_day_is_refused() {
        let c = contract();
        assert_eq!(
            check_log(&facts(&c, Some(&lazio()), "2019-12-21")),
            Err(LogRefusal::DayInFuture)
        );
        assert!(check_log(&facts(&c, Some(&lazio()), "2019-12-20")).is_ok());
    }

    #[test]
    fn days_outside_an_active_contract_are_refused() {
        let c = contract();
        for day in ["2019-07-31", "2019-10-15", "2021-05-01"] {
            let conv = lazio();
            let mut f = facts(&c, Some(&conv), day);
            f.today = d("2022-01-01");
            assert_eq!(
                check_log(&f),
                Err(LogRefusal::OutsideActiveContract),
                "{day}"
            );
        }
    }

    #[test]
    fn before_the_operational_start_nothing_is_logged() {
        let c = contract();
        let late = Convention::new(d("2019-09-01"), None, ConventionMode::Cpi).unwrap();
        assert_eq!(
            check_log(&facts(&c, Some(&late), "2019-08-30")),
            Err(LogRefusal::BeforeOperationalStart {
                operational_start: d("2019-09-01")
            })
        );
        assert_eq!(
            check_log(&facts(&c, None, "2019-08-30")),
            Err(LogRefusal::NoConventionInForce)
        );
        let ended =
            Convention::new(d("2019-07-17"), Some(d("2019-08-31")), ConventionMode::Cpi).unwrap();
        assert_eq!(
            check_log(&facts(&c, Some(&ended), "2019-09-02")),
            Err(LogRefusal::NoConventionInForce)
        );
    }

    #[test]
    fn another_cpi_or_none_is_refused_where_cpis_are_the_rule() {
        let c = contract();
        let conv = lazio();
        let mut f = facts(&c, Some(&conv), "2019-09-02");
        f.stated_cpi = Some("RM-TIB");
        assert_eq!(
            check_log(&f),
            Err(LogRefusal::NotAssignedCpi {
                assigned: Some("RM-EUR".into())
            })
        );
        f.stated_cpi = None;
        f.assigned_cpi = None;
        assert_eq!(check_log(&f), Err(LogRefusal::NoCpiAssignment));
    }

    #[test]
    fn campania_logs_carry_no_cpi() {
        let c = contract();
        let conv = campania();
        let mut f = facts(&c, Some(&conv), "2019-12-10");
        f.assigned_cpi = None;
        assert_eq!(check_log(&f), Ok(None));
        f.stated_cpi = Some("NA-CEN");
        assert_eq!(
            check_log(&f),
            Err(LogRefusal::NotAssignedCpi { assigned: None })
        );
    }

    #[test]
    fn a_day_holds_at_most_the_maximum() {
        let c = contract();
        let conv = lazio();
        let mut f = facts(&c, Some(&conv), "2019-09-02");
        f.day_minutes = 240;
        f.minutes = 240;
        assert!(check_log(&f).is_ok());
        f.minutes = 255;
        assert_eq!(
            check_log(&f),
            Err(LogRefusal::DailyHoursExceeded {
                max_minutes: 480,
                already_minutes: 240
            })
        );
        f.max_day_minutes = 600;
        assert!(check_log(&f).is_ok());
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            LogStatus::Pending,
            LogStatus::Validated,
            LogStatus::Rejected,
        ] {
            assert_eq!(LogStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(LogStatus::parse("approved"), None);
    }
}
