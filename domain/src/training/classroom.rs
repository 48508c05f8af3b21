//! Classroom training (DOMAIN.md §8 rule 1): sessions with a day, hours, a
//! place and a trainer, and who attended them for how long.

use crate::{Param, RuleCode};
use chrono::NaiveDate;

use super::hours::minutes_from_hours;
use super::MAX_NAME_LEN;
use crate::contract::{ContractDates, ContractStatus};
use crate::violation::{Violation, Violations};

/// The longest session: one day's teaching. Anything longer is a typing
/// error, not a session.
pub const MAX_SESSION_MINUTES: i64 = 12 * 60;

/// A session as asked for.
#[derive(Debug, Clone, Copy)]
pub struct SessionInput<'a> {
    pub day: NaiveDate,
    pub hours: f64,
    pub place: &'a str,
    pub trainer: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub day: NaiveDate,
    pub minutes: i64,
    pub place: String,
    pub trainer: String,
}

impl NewSession {
    pub fn parse(input: &SessionInput<'_>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let minutes = minutes_from_hours("hours", input.hours, MAX_SESSION_MINUTES)
            .map_err(|e| v.push(e))
            .ok();
        let mut text = |field: &str, raw: &str| {
            let t = raw.trim();
            if t.is_empty() {
                v.push(Violation::new(field, RuleCode::Required));
            } else if t.chars().count() > MAX_NAME_LEN {
                v.push(Violation::new(field, RuleCode::TooLong).with_detail(MAX_NAME_LEN));
            }
            t.to_owned()
        };
        let place = text("place", input.place);
        let trainer = text("trainer", input.trainer);
        match minutes {
            Some(minutes) if v.is_empty() => Ok(Self {
                day: input.day,
                minutes,
                place,
                trainer,
            }),
            _ => Err(v),
        }
    }
}

/// Attendance is recorded once the session has been held: on its day or
/// later, never ahead of it.
pub fn check_held(session_day: NaiveDate, today: NaiveDate) -> Result<(), NaiveDate> {
    if session_day > today {
        Err(session_day)
    } else {
        Ok(())
    }
}

/// Attended hours count only for someone under contract on the session
/// day: signed, started and not yet ended, and not suspended that day (a
/// suspension pauses the collaboration, as it pauses on-the-job hours).
/// `contract` is the Navigator's; `field` names them in the request.
pub fn check_under_contract(
    field: &str,
    contract: Option<&ContractDates>,
    day: NaiveDate,
) -> Result<(), Violation> {
    let Some(c) = contract else {
        return Err(Violation::new(field, RuleCode::ContractNotSigned));
    };
    match c.status_on(day) {
        ContractStatus::Active => Ok(()),
        ContractStatus::Suspended => {
            Err(Violation::new(field, RuleCode::ContractSuspended).with_detail(day))
        }
        // Signed later than the session, or never: either way the day is
        // not covered; say which.
        ContractStatus::Draft if c.signed_on.is_none() || c.start_date.is_none() => {
            Err(Violation::new(field, RuleCode::ContractNotSigned))
        }
        ContractStatus::Cancelled => Err(Violation::new(field, RuleCode::ContractNotSigned)),
        ContractStatus::Draft | ContractStatus::Signed | ContractStatus::Ended => {
            let v = Violation::new(field, RuleCode::OutsideContract);
            Err(match c.start_date {
                Some(start) => v.with_detail(Param::Period(start, c.last_day())),
                None => v,
            })
        }
    }
}

/// The minutes one person attended: quarter hours, not more than the
/// session lasted.
pub fn attended_minutes(field: &str, hours: f64, session_minutes: i64) -> Result<i64, Violation> {
    minutes_from_hours(field, hours, session_minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{EndCause, Suspension};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input<'a>(hours: f64, place: &'a str, trainer: &'a str) -> SessionInput<'a> {
        SessionInput {
            day: d("2019-09-10"),
            hours,
            place,
            trainer,
        }
    }

    fn contract() -> ContractDates {
        ContractDates {
            signed_on: Some(d("2019-07-29")),
            start_date: Some(d("2019-08-01")),
            end_date: Some(d("2021-04-30")),
            early_end: Some((EndCause::Resigned, d("2019-12-01"))),
            suspensions: vec![Suspension {
                from: d("2019-10-01"),
                to: d("2019-10-31"),
            }],
            cancelled_on: None,
        }
    }

    #[test]
    fn a_session_has_quarter_hours_a_place_and_a_trainer() {
        let s = NewSession::parse(&input(
            7.5,
            " Roma, via Guidubaldo del Monte ",
            "Dott.ssa Bianchi",
        ))
        .unwrap();
        assert_eq!(s.minutes, 450);
        assert_eq!(s.place, "Roma, via Guidubaldo del Monte");
        let e = NewSession::parse(&input(7.1, "", " ")).unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| (v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("hours", "not-quarter-hours"),
                ("place", "required"),
                ("trainer", "required")
            ]
        );
        let e = NewSession::parse(&input(12.25, "Roma", "Rossi")).unwrap_err();
        assert_eq!(e.0[0].code, "too-many-hours");
    }

    #[test]
    fn attendance_waits_for_the_session_day() {
        assert!(check_held(d("2019-09-10"), d("2019-09-10")).is_ok());
        assert_eq!(
            check_held(d("2019-09-11"), d("2019-09-10")),
            Err(d("2019-09-11"))
        );
    }

    #[test]
    fn attendance_counts_from_the_contract_start_to_its_last_day() {
        let c = contract();
        let code = |day: &str| {
            check_under_contract("[0].navigator_id", Some(&c), d(day))
                .err()
                .map(|v| v.code.as_str())
        };
        assert_eq!(code("2019-07-31"), Some("outside-contract"));
        assert_eq!(code("2019-08-01"), None);
        assert_eq!(code("2019-09-30"), None);
        assert_eq!(code("2019-10-15"), Some("contract-suspended"));
        assert_eq!(code("2019-11-30"), None, "the day before the resignation");
        assert_eq!(code("2019-12-01"), Some("outside-contract"));
        let e = check_under_contract("x", Some(&c), d("2019-12-01")).unwrap_err();
        assert_eq!(
            e.detail,
            Some(Param::Period(d("2019-08-01"), Some(d("2019-11-30"))))
        );
    }

    #[test]
    fn a_draft_or_no_contract_is_not_signed() {
        let mut draft = contract();
        draft.signed_on = None;
        draft.start_date = None;
        let code = |c: Option<&ContractDates>| {
            check_under_contract("f", c, d("2019-09-02"))
                .unwrap_err()
                .code
        };
        assert_eq!(code(Some(&draft)), "contract-not-signed");
        assert_eq!(code(None), "contract-not-signed");
    }

    #[test]
    fn attended_hours_fit_the_session() {
        assert_eq!(attended_minutes("h", 3.75, 240), Ok(225));
        assert_eq!(
            attended_minutes("h", 4.25, 240).unwrap_err().code,
            "too-many-hours"
        );
        assert_eq!(
            attended_minutes("h", 1.3, 240).unwrap_err().code,
            "not-quarter-hours"
        );
        assert_eq!(
            attended_minutes("h", 0.0, 240).unwrap_err().code,
            "must-be-positive"
        );
    }
}
