//! Regions and provinces: the codes every other record points at.

use crate::violation::Violation;
use crate::RuleCode;

/// An ISTAT region code, `01`..`20`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let ok = raw.len() == 2
            && raw.bytes().all(|b| b.is_ascii_digit())
            && matches!(raw.parse::<u8>(), Ok(1..=20));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Violation::new(field, RuleCode::InvalidRegionCode).with_detail(raw))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A province's two-letter sigla (`NA`, `RM`), upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvinceSigla(String);

impl ProvinceSigla {
    /// Accepts lower case input and normalises it, since people type `na`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let upper = raw.trim().to_ascii_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(upper))
        } else {
            Err(Violation::new(field, RuleCode::InvalidProvinceSigla).with_detail(raw))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProvinceSigla {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_are_the_twenty_istat_codes() {
        assert!(RegionCode::parse("r", "01").is_ok());
        assert!(RegionCode::parse("r", "15").is_ok());
        assert!(RegionCode::parse("r", "20").is_ok());
        for bad in ["00", "21", "1", "001", "ab", ""] {
            let err = RegionCode::parse("region", bad).unwrap_err();
            assert_eq!(err.code, "invalid-region-code", "{bad}");
            assert_eq!(err.field, "region");
        }
    }

    #[test]
    fn sigla_is_two_letters_normalised_to_upper_case() {
        assert_eq!(ProvinceSigla::parse("p", "na").unwrap().as_str(), "NA");
        assert_eq!(ProvinceSigla::parse("p", " RM ").unwrap().as_str(), "RM");
        for bad in ["N", "NAP", "N1", ""] {
            assert!(ProvinceSigla::parse("p", bad).is_err(), "{bad}");
        }
    }
}
