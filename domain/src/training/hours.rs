//! Hours as people write them (a number, quarter hours allowed), kept as
//! whole minutes so that sums are exact.

use crate::violation::Violation;
use crate::{Param, RuleCode};

pub const MINUTES_PER_HOUR: i64 = 60;

/// Whole minutes from hours given as a number: more than zero, at most
/// `max_minutes`, in quarter hours. Every amount of hours that enters the
/// service becomes minutes here, so that no caller can store a zero (the
/// database refuses one) or a fraction of a minute.
pub fn minutes_from_hours(field: &str, hours: f64, max_minutes: i64) -> Result<i64, Violation> {
    if !hours.is_finite() || hours <= 0.0 {
        return Err(Violation::new(field, RuleCode::MustBePositive).with_detail(hours));
    }
    let quarters = hours * 4.0;
    if (quarters - quarters.round()).abs() > 1e-9 {
        return Err(Violation::new(field, RuleCode::NotQuarterHours).with_detail(hours));
    }
    // A positive amount so small (1e-10) that it passes the tolerance above
    // is no quarter hour at all: it would round to zero minutes.
    if quarters.round() < 1.0 {
        return Err(Violation::new(field, RuleCode::MustBePositive).with_detail(hours));
    }
    // Checked as a float first: a huge number must not wrap when cast.
    if hours * MINUTES_PER_HOUR as f64 > max_minutes as f64 {
        return Err(
            Violation::new(field, RuleCode::TooManyHours).with_detail(Param::Minutes(max_minutes))
        );
    }
    Ok(quarters.round() as i64 * 15)
}

/// Minutes as hours for the API (quarter hours are exact in binary).
pub fn hours_of(minutes: i64) -> f64 {
    minutes as f64 / MINUTES_PER_HOUR as f64
}

/// Minutes as hours in words: `8`, `7.5`.
pub fn hours_text(minutes: i64) -> String {
    let h = hours_of(minutes);
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_hours_become_whole_minutes() {
        assert_eq!(minutes_from_hours("hours", 4.0, 480), Ok(240));
        assert_eq!(minutes_from_hours("hours", 0.25, 480), Ok(15));
        assert_eq!(minutes_from_hours("hours", 7.75, 480), Ok(465));
        assert_eq!(minutes_from_hours("hours", 8.0, 480), Ok(480));
    }

    #[test]
    fn other_amounts_are_refused_with_their_reason() {
        let code = |h: f64| minutes_from_hours("hours", h, 480).unwrap_err().code;
        assert_eq!(code(0.0), "must-be-positive");
        assert_eq!(code(-1.0), "must-be-positive");
        assert_eq!(code(f64::NAN), "must-be-positive");
        assert_eq!(code(f64::INFINITY), "must-be-positive");
        assert_eq!(code(1e-10), "must-be-positive");
        assert_eq!(code(f64::MIN_POSITIVE), "must-be-positive");
        assert_eq!(code(1.1), "not-quarter-hours");
        assert_eq!(code(0.1), "not-quarter-hours");
        assert_eq!(code(8.25), "too-many-hours");
        assert_eq!(code(1e300), "too-many-hours");
    }

    #[test]
    fn hours_read_back_exactly() {
        assert_eq!(hours_of(465), 7.75);
        assert_eq!(hours_text(480), "8");
        assert_eq!(hours_text(450), "7.5");
    }
}
