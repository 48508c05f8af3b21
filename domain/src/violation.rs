//! A broken rule on one input field, named by a stable code.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::codes::RuleCode;

/// A value that the words of a rule or a problem show. Typed, so that each
/// language writes it its own way (a day is 09/12/2019 in Italian and
/// 2019-12-09 in English, a decimal 7,5 or 7.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Param {
    /// Shown as it is: a code, an id, a province sigla, a value as typed.
    Text(String),
    Day(NaiveDate),
    Number(i64),
    Decimal(f64),
    /// Whole minutes, shown as hours.
    Minutes(i64),
    /// The allowed whole numbers, both ends included.
    Range(i64, i64),
    /// From a first day to a last one (open-ended when `None`).
    Period(NaiveDate, Option<NaiveDate>),
    /// What the values add up to, and what they must.
    Sum {
        got: i64,
        wanted: i64,
    },
    /// The 1-based position of a character in a value.
    Position(usize),
    /// Something named, on a day: a training item and its completion.
    TextOn(String, NaiveDate),
}

impl From<String> for Param {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Param {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<&String> for Param {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

impl From<NaiveDate> for Param {
    fn from(d: NaiveDate) -> Self {
        Self::Day(d)
    }
}

impl From<i64> for Param {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<u64> for Param {
    fn from(n: u64) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Param {
    fn from(n: usize) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Param {
    fn from(x: f64) -> Self {
        Self::Decimal(x)
    }
}

/// One rule broken by one field of the input. `code` is stable and
/// machine-readable; the HTTP layer turns it into words in the caller's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Path of the field, e.g. `email`, `buckets[1].share_percent`.
    pub field: String,
    /// The rule, e.g. `invalid-email`.
    pub code: RuleCode,
    /// The offending value or the limit, when it helps the reader.
    pub detail: Option<Param>,
    /// The 1-based line of a CSV file the field came from.
    pub line: Option<u64>,
}

impl Violation {
    pub fn new(field: impl Into<String>, code: RuleCode) -> Self {
        Self {
            field: field.into(),
            code,
            detail: None,
            line: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<Param>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

/// How many violations are kept and listed: a file of a million bad rows
/// must become neither a list of a million in memory nor a problem
/// document as large. Past it only the count grows.
pub const LISTED_AT_MOST: usize = 100;

/// Collects every violation of an input before answering, so the caller can
/// fix them all at once: the first [`LISTED_AT_MOST`] in full, and how
/// many there were in all.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Violations(pub Vec<Violation>, usize);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// The violations of `list`, kept as [`Violations::push`] keeps them.
    pub fn of(list: Vec<Violation>) -> Self {
        let mut all = Self::new();
        for v in list {
            all.push(v);
        }
        all
    }

    pub fn push(&mut self, v: Violation) {
        if self.0.len() < LISTED_AT_MOST {
            self.0.push(v);
        } else {
            self.1 += 1;
        }
    }

    pub fn extend(&mut self, other: Violations) {
        self.1 += other.1;
        for v in other.0 {
            self.push(v);
        }
    }

    /// How many violations were found, listed or not.
    pub fn total(&self) -> usize {
        self.0.len() + self.1
    }

    pub fn check(&mut self, ok: bool, field: &str, code: RuleCode) {
        if !ok {
            self.push(Violation::new(field, code));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was broken.
    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Violation> for Violations {
    fn from(v: Violation) -> Self {
        Self(vec![v], 0)
    }
}
/// The reason an HR or coordinator action records (DOMAIN.md §5.5: every
/// call, skip and outcome with who and why): trimmed, and never blank.
pub fn reason(raw: &str) -> Result<String, Violation> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(Violation::new("reason", RuleCode::Required));
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_listed_violations_only_the_count_grows() {
        let mut v = Violations::new();
        for _ in 0..150 {
            v.push(Violation::new("row", RuleCode::Required));
        }
        let mut more = Violations::new();
        more.push(Violation::new("row", RuleCode::TooLong));
        v.extend(more);
        assert_eq!((v.0.len(), v.total()), (LISTED_AT_MOST, 151));
    }

    #[test]
    fn a_reason_is_trimmed_and_never_blank() {
        assert_eq!(
            reason("  assente al colloquio "),
            Ok("assente al colloquio".to_owned())
        );
        for blank in ["", "   ", "\t\n"] {
            let v = reason(blank).unwrap_err();
            assert_eq!((v.field.as_str(), v.code), ("reason", RuleCode::Required));
        }
    }
}
