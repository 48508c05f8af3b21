//! Navigators contracted, active and through their whole training path
//! over time: the figures of [`super::compute`] on a run of days, counted
//! by the same rules.

use chrono::{Days, Months, NaiveDate};

use super::{active_on, contracted_on, reached_by, PersonFacts, Place};

/// How far apart the days of a series are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Day,
    Week,
    Month,
}

impl Step {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The `k`-th day after `from`, counted from `from` itself so that
    /// months do not drift (31 January, 28 February, 31 March).
    fn nth(self, from: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Self::Day => from.checked_add_days(Days::new(u64::from(k))),
            Self::Week => from.checked_add_days(Days::new(7 * u64::from(k))),
            Self::Month => from.checked_add_months(Months::new(k)),
        }
    }
}

/// The most days one series may have.
pub const MAX_POINTS: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    #[error("from is after to")]
    FromAfterTo,
    /// More than [`MAX_POINTS`] days; how many it would have been (at
    /// least).
    #[error("{0} points, more than {MAX_POINTS}")]
    TooManyPoints(usize),
}

/// The days of a series: `from`, then one step after another while on or
/// before `to`, and `to` itself last when the steps do not land on it.
pub fn days(from: NaiveDate, to: NaiveDate, step: Step) -> Result<Vec<NaiveDate>, SeriesError> {
    if from > to {
        return Err(SeriesError::FromAfterTo);
    }
    let mut out = Vec::new();
    let mut k = 0;
    while let Some(d) = step.nth(from, k).filter(|d| *d <= to) {
        if out.len() == MAX_POINTS {
            return Err(SeriesError::TooManyPoints(out.len() + 1));
        }
        out.push(d);
        k += 1;
    }
    if out.last() != Some(&to) {
        if out.len() == MAX_POINTS {
            return Err(SeriesError::TooManyPoints(out.len() + 1));
        }
        out.push(to);
    }
    Ok(out)
}

/// One day's figures, named as in API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Point {
    pub day: NaiveDate,
    pub contracted: i64,
    pub active: i64,
    pub path_completed: i64,
}

/// The figures on each day of `days` of the people `keep` admits; the
/// same numbers as [`super::compute`]'s `contracted`, `active` and
/// `path_completed` on each of those days, from one pass over the people.
pub fn series<'a>(
    people: impl IntoIterator<Item = &'a PersonFacts>,
    days: &[NaiveDate],
    keep: impl Fn(&Place) -> bool,
) -> Vec<Point> {
    let mut points: Vec<Point> = days
        .iter()
        .map(|&day| Point {
            day,
            ..Point::default()
        })
        .collect();
    for p in people.into_iter().filter(|p| keep(&p.place)) {
        let c = &p.contract;
        for point in &mut points {
            let d = point.day;
            point.contracted += i64::from(contracted_on(c, d));
            point.active += i64::from(active_on(c, d));
            point.path_completed += i64::from(reached_by(p.path_completed_on, d));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{ContractDates, EndCause, Suspension};
    use crate::indicators::{compute, Records};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn person(region: &str, signed: &str, completed: Option<&str>) -> PersonFacts {
        PersonFacts {
            place: Place {
                region: region.into(),
                province: "XX".into(),
            },
            contract: ContractDates {
                signed_on: Some(d(signed)),
                start_date: d(signed).succ_opt(),
                end_date: Some(d("2021-04-30")),
                early_end: None,
                suspensions: Vec::new(),
                cancelled_on: None,
            },
            classroom_filled_on: None,
            distance_filled_on: None,
            on_the_job_filled_on: None,
            path_completed_on: completed.map(d),
        }
    }

    #[test]
    fn days_step_from_the_first_and_end_on_the_last() {
        assert_eq!(
            days(d("2019-07-15"), d("2019-08-01"), Step::Week).unwrap(),
            ["2019-07-15", "2019-07-22", "2019-07-29", "2019-08-01"].map(d)
        );
        assert_eq!(
            days(d("2019-07-15"), d("2019-07-29"), Step::Week).unwrap(),
            ["2019-07-15", "2019-07-22", "2019-07-29"].map(d),
            "a step landing on the last day gives it once"
        );
        assert_eq!(
            days(d("2020-01-31"), d("2020-04-30"), Step::Month).unwrap(),
            ["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30"].map(d),
            "months counted from the first day do not drift"
        );
        assert_eq!(
            days(d("2019-07-15"), d("2019-07-15"), Step::Day).unwrap(),
            [d("2019-07-15")]
        );
        assert_eq!(
            days(d("2019-07-16"), d("2019-07-15"), Step::Day),
            Err(SeriesError::FromAfterTo)
        );
    }

    #[test]
    fn a_series_has_at_most_max_points() {
        let from = d("2019-01-01");
        let last = from + Days::new(MAX_POINTS as u64 - 1);
        assert_eq!(days(from, last, Step::Day).unwrap().len(), MAX_POINTS);
        assert_eq!(
            days(from, last + Days::new(1), Step::Day),
            Err(SeriesError::TooManyPoints(MAX_POINTS + 1))
        );
        // 400 weeks and a few days: the last day would be the 402nd.
        assert!(days(from, from + Days::new(7 * 400 + 3), Step::Week).is_err());
        assert!(days(from, d("2040-01-01"), Step::Month).is_ok());
        assert!(days(NaiveDate::MIN, NaiveDate::MAX, Step::Month).is_err());
    }

    #[test]
    fn each_point_counts_as_of_its_day() {
        let mut resigned = person("12", "2019-07-15", None);
        resigned.contract.early_end = Some((EndCause::Resigned, d("2019-09-01")));
        let mut suspended = person("12", "2019-07-15", Some("2019-10-02"));
        suspended.contract.suspensions = vec![Suspension {
            from: d("2019-08-01"),
            to: d("2019-08-31"),
        }];
        let people = [
            person("12", "2019-07-15", Some("2019-09-30")),
            resigned,
            suspended,
            person("15", "2019-12-09", None),
        ];
        let days = days(d("2019-07-01"), d("2019-12-31"), Step::Month).unwrap();
        let all = series(&people, &days, |_| true);
        let figures: Vec<(i64, i64, i64)> = all
            .iter()
            .map(|p| (p.contracted, p.active, p.path_completed))
            .collect();
        assert_eq!(
            figures,
            [
                (0, 0, 0), // 1 July
                (3, 2, 0), // 1 August: one suspended
                (3, 2, 0), // 1 September: the resignation ends one that day
                (3, 2, 1), // 1 October
                (3, 2, 2), // 1 November
                (3, 2, 2), // 1 December
                (4, 3, 2), // 31 December: Campania's
            ]
        );
        let lazio = series(&people, &days, |p| p.region == "12");
        assert_eq!(lazio.last().map(|p| p.contracted), Some(3));
    }

    fn arbitrary_person() -> impl Strategy<Value = PersonFacts> {
        (
            0u64..400,
            proptest::option::of(0u64..300),
            proptest::option::of((0u64..400, 0u64..60)),
            proptest::option::of(0u64..500),
            any::<bool>(),
        )
            .prop_map(|(signed, resigned, suspended, completed, lazio)| {
                let base = d("2019-07-01");
                let at = |k: u64| base + Days::new(k);
                let mut p = person(if lazio { "12" } else { "15" }, "2019-07-01", None);
                p.contract.signed_on = Some(at(signed));
                p.contract.start_date = Some(at(signed + 1));
                p.contract.early_end = resigned.map(|r| (EndCause::Resigned, at(signed + r)));
                p.contract.suspensions = suspended
                    .map(|(from, len)| Suspension {
                        from: at(signed + from),
                        to: at(signed + from + len),
                    })
                    .into_iter()
                    .collect();
                p.path_completed_on = completed.map(at);
                p
            })
    }

    proptest! {
        /// Every point is what the indicators say on its day.
        #[test]
        fn a_series_agrees_with_the_indicators_on_each_day(
            people in proptest::collection::vec(arbitrary_person(), 0..20),
            from in 0u64..300,
            len in 0u64..400,
            step in prop_oneof![Just(Step::Day), Just(Step::Week), Just(Step::Month)],
        ) {
            let base = d("2019-06-01");
            let from = base + Days::new(from);
            let Ok(days) = days(from, from + Days::new(len), step) else {
                return Ok(());
            };
            let records = Records {
                people: people
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i.to_string(), p.clone()))
                    .collect(),
                ..Records::default()
            };
            let lazio = |p: &Place| p.region == "12";
            for point in series(&people, &days, lazio) {
                let moment = point.day.and_time(chrono::NaiveTime::MIN).and_utc();
                let (n, _) = compute(&records, point.day, moment, lazio, None);
                prop_assert_eq!(
                    (point.contracted, point.active, point.path_completed),
                    (n.contracted, n.active, n.path_completed)
                );
            }
        }
    }
}
