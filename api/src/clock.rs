//! Calendar dates are Italian dates (DOMAIN.md §6 rule 4).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;

pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Rome).date_naive()
}

/// The first moment after the Italian day `d`: midnight in Rome of the day
/// after (midnight always exists there: clocks change at 2 and 3).
pub fn end_of(d: NaiveDate) -> DateTime<Utc> {
    let Some(next) = d.succ_opt() else {
        return DateTime::<Utc>::MAX_UTC;
    };
    Rome.from_local_datetime(&next.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || next.and_time(NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ends_at_midnight_in_rome() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Winter: UTC+1; summer: UTC+2; the night the clocks go back.
        assert_eq!(
            end_of(d("2019-12-31")).to_rfc3339(),
            "2019-12-31T23:00:00+00:00"
        );
        assert_eq!(
            end_of(d("2019-07-08")).to_rfc3339(),
            "2019-07-08T22:00:00+00:00"
        );
        assert_eq!(
            end_of(d("2019-10-26")).to_rfc3339(),
            "2019-10-26T22:00:00+00:00"
        );
        assert_eq!(end_of(NaiveDate::MAX), DateTime::<Utc>::MAX_UTC);
    }
}
