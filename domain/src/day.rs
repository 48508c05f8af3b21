//! The calendar days the service accepts.
//!
//! A date enters the service only between [`EARLIEST`] and [`LATEST`]:
//! 1900-01-01 ..= 2999-12-31. The earliest covers every birth date of a
//! living candidate; the latest leaves centuries for contract ends and
//! validity dates while keeping day arithmetic (an extension, a year
//! added) far from chrono's limits (±262143) and from PostgreSQL's (4713 BC),
//! so both engines store and compute every accepted day alike.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::{Param, RuleCode, Violation};

/// The first day the service accepts.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a real day"),
};

/// The last day the service accepts.
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2999, 12, 31) {
    Some(d) => d,
    None => panic!("a real day"),
};

/// Whether `day` is within [`EARLIEST`] ..= [`LATEST`].
pub fn in_range(day: NaiveDate) -> bool {
    (EARLIEST..=LATEST).contains(&day)
}

/// `day`, or a violation of `field` when it is outside the accepted range.
pub fn check(field: &str, day: NaiveDate) -> Result<NaiveDate, Violation> {
    if in_range(day) {
        Ok(day)
    } else {
        Err(Violation::new(field, RuleCode::DateOutOfRange).with_detail(Param::Text(range_text())))
    }
}

/// The accepted range in words, for messages.
pub fn range_text() -> String {
    format!("{EARLIEST}..={LATEST}")
}

/// Reads a date and refuses one outside the accepted range, for
/// `#[serde(deserialize_with = "domain::day::deserialize")]` on every date
/// a request carries (bodies and query strings alike).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let day = NaiveDate::deserialize(d)?;
    if in_range(day) {
        Ok(day)
    } else {
        Err(serde::de::Error::custom(format!(
            "date {day} outside the accepted range {}",
            range_text()
        )))
    }
}

/// As [`deserialize`], for an optional date (with `#[serde(default)]`).
pub fn deserialize_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    struct Day(#[serde(deserialize_with = "deserialize")] NaiveDate);
    Ok(Option::<Day>::deserialize(d)?.map(|Day(day)| day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error, StrDeserializer};

    fn read(text: &str) -> Result<NaiveDate, Error> {
        deserialize(StrDeserializer::<Error>::new(text))
    }

    #[test]
    fn days_inside_the_range_are_read() {
        assert_eq!(read("1900-01-01").unwrap(), EARLIEST);
        assert_eq!(read("2999-12-31").unwrap(), LATEST);
        assert!(read("2024-02-29").is_ok());
    }

    #[test]
    fn days_outside_the_range_are_refused() {
        for text in ["+262142-12-31", "-262143-01-01", "1899-12-31", "3000-01-01"] {
            let e = read(text).unwrap_err().to_string();
            assert!(e.contains("outside the accepted range"), "{text}: {e}");
        }
        assert_eq!(
            check("day", NaiveDate::from_ymd_opt(3000, 1, 1).unwrap())
                .unwrap_err()
                .code,
            "date-out-of-range"
        );
    }
}
