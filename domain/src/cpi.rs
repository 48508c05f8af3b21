//! Centri per l'Impiego: the job centres Navigators are placed in.

use crate::reference::ProvinceSigla;
use crate::violation::{Violation, Violations};
use crate::RuleCode;

/// A CPI ready to be stored: every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCpi {
    pub code: String,
    pub name: String,
    pub province: ProvinceSigla,
    pub address: Option<String>,
    /// Maximum Navigators at once; `None` means no limit.
    pub capacity: Option<i64>,
}

/// The raw fields of a CPI as they arrive from JSON or a CSV row.
#[derive(Debug, Clone, Default)]
pub struct CpiInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub province_sigla: &'a str,
    pub address: Option<&'a str>,
    pub capacity: Option<i64>,
}

pub const MAX_CODE_LEN: usize = 32;
pub const MAX_NAME_LEN: usize = 200;
pub const MAX_ADDRESS_LEN: usize = 300;

impl NewCpi {
    /// Checks every field and reports all that are wrong. Whether the province
    /// exists is the caller's question: it needs the reference data.
    pub fn parse(input: &CpiInput<'_>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let code = input.code.trim();
        let code_ok = !code.is_empty()
            && code.len() <= MAX_CODE_LEN
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            v.push(Violation::new("code", RuleCode::InvalidCpiCode).with_detail(input.code));
        }
        let name = input.name.trim();
        if name.is_empty() {
            v.push(Violation::new("name", RuleCode::Required));
        } else if name.chars().count() > MAX_NAME_LEN {
            v.push(Violation::new("name", RuleCode::TooLong).with_detail(MAX_NAME_LEN));
        }
        let province = ProvinceSigla::parse("province_sigla", input.province_sigla);
        if let Err(e) = &province {
            v.push(e.clone());
        }
        let address = input.address.map(str::trim).filter(|a| !a.is_empty());
        if address.is_some_and(|a| a.chars().count() > MAX_ADDRESS_LEN) {
            v.push(Violation::new("address", RuleCode::TooLong).with_detail(MAX_ADDRESS_LEN));
        }
        if let Some(c) = input.capacity {
            if c < 1 {
                v.push(Violation::new("capacity", RuleCode::MustBePositive).with_detail(c));
            }
        }
        match (v.is_empty(), province) {
            (true, Ok(province)) => Ok(Self {
                code: code.to_ascii_uppercase(),
                name: name.to_owned(),
                province,
                address: address.map(str::to_owned),
                capacity: input.capacity,
            }),
            _ => Err(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CpiInput<'static> {
        CpiInput {
            code: "cpi-na-01",
            name: " CPI Napoli Centro ",
            province_sigla: "na",
            address: Some(""),
            capacity: Some(12),
        }
    }

    #[test]
    fn a_valid_cpi_is_normalised() {
        let cpi = NewCpi::parse(&input()).unwrap();
        assert_eq!(cpi.code, "CPI-NA-01");
        assert_eq!(cpi.name, "CPI Napoli Centro");
        assert_eq!(cpi.province.as_str(), "NA");
        assert_eq!(cpi.address, None);
        assert_eq!(cpi.capacity, Some(12));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = CpiInput {
            code: "bad code!",
            name: "  ",
            province_sigla: "N4",
            address: None,
            capacity: Some(0),
        };
        let err = NewCpi::parse(&bad).unwrap_err();
        let fields: Vec<_> = err
            .0
            .iter()
            .map(|v| (v.field.as_str(), v.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("code", "invalid-cpi-code"),
                ("name", "required"),
                ("province_sigla", "invalid-province-sigla"),
                ("capacity", "must-be-positive"),
            ]
        );
    }

    #[test]
    fn capacity_is_optional() {
        let mut i = input();
        i.capacity = None;
        assert_eq!(NewCpi::parse(&i).unwrap().capacity, None);
    }
}
