//! The identifiers of the kit: IMEI and ICCID with their Luhn check digit,
//! Italian mobile numbers, mailbox addresses.

use crate::violation::Violation;
use crate::RuleCode;

/// Luhn (mod 10) over all digits, the last being the check digit.
fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn digits_only(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// An IMEI: 15 digits, the last a Luhn check digit.
pub fn imei(field: &str, raw: &str) -> Result<String, Violation> {
    let d = digits_only(raw);
    if d.len() != 15 || !d.chars().all(|c| c.is_ascii_digit()) {
        return Err(Violation::new(field, RuleCode::InvalidImei));
    }
    if !luhn_valid(&d) {
        return Err(Violation::new(field, RuleCode::ImeiCheckDigit).with_detail(d));
    }
    Ok(d)
}

/// An ICCID: 19 or 20 digits starting with 89 (telecommunications), the
/// last a Luhn check digit.
pub fn iccid(field: &str, raw: &str) -> Result<String, Violation> {
    let d = digits_only(raw);
    if !(19..=20).contains(&d.len())
        || !d.chars().all(|c| c.is_ascii_digit())
        || !d.starts_with("89")
    {
        return Err(Violation::new(field, RuleCode::InvalidIccid));
    }
    if !luhn_valid(&d) {
        return Err(Violation::new(field, RuleCode::IccidCheckDigit).with_detail(d));
    }
    Ok(d)
}

/// An Italian mobile number, kept as `+39` and 9-10 digits starting with 3.
pub fn mobile_number(field: &str, raw: &str) -> Result<String, Violation> {
    let d = digits_only(raw);
    let national = d
        .strip_prefix("+39")
        .or_else(|| d.strip_prefix("0039"))
        .unwrap_or(&d);
    let ok = (9..=10).contains(&national.len())
        && national.starts_with('3')
        && national.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(format!("+39{national}"))
    } else {
        Err(Violation::new(field, RuleCode::InvalidMobileNumber).with_detail(raw.trim()))
    }
}

/// A mailbox address, lower-cased.
pub fn mailbox(field: &str, raw: &str) -> Result<String, Violation> {
    crate::account::Email::parse(field, raw)
        .map(|e| e.as_str().to_owned())
        .map_err(|_| Violation::new(field, RuleCode::InvalidMailbox).with_detail(raw.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imeis_are_checked_with_luhn() {
        assert_eq!(imei("imei", "490154203237518").unwrap(), "490154203237518");
        assert_eq!(
            imei("imei", "35-320911-234567-3").unwrap(),
            "353209112345673"
        );
        assert_eq!(
            imei("imei", "490154203237517").unwrap_err().code,
            "imei-check-digit"
        );
        assert_eq!(
            imei("imei", "49015420323751").unwrap_err().code,
            "invalid-imei"
        );
        assert_eq!(
            imei("imei", "49015420323751X").unwrap_err().code,
            "invalid-imei"
        );
    }

    #[test]
    fn iccids_are_19_or_20_digits_with_luhn() {
        assert_eq!(
            iccid("iccid", "8939104520000000011").unwrap(),
            "8939104520000000011"
        );
        assert_eq!(
            iccid("iccid", "89391045200000000208").unwrap(),
            "89391045200000000208"
        );
        assert_eq!(
            iccid("iccid", "8939104520000000012").unwrap_err().code,
            "iccid-check-digit"
        );
        assert_eq!(
            iccid("iccid", "893910452000000001").unwrap_err().code,
            "invalid-iccid"
        );
        assert_eq!(
            iccid("iccid", "1939104520000000011").unwrap_err().code,
            "invalid-iccid"
        );
    }

    #[test]
    fn italian_mobile_numbers_are_normalised() {
        assert_eq!(mobile_number("n", "347 123 4567").unwrap(), "+393471234567");
        assert_eq!(
            mobile_number("n", "+39 347 1234567").unwrap(),
            "+393471234567"
        );
        assert_eq!(
            mobile_number("n", "0039 3471234567").unwrap(),
            "+393471234567"
        );
        for bad in ["06 1234567", "+44 7700 900123", "34712", "347123456789"] {
            assert_eq!(
                mobile_number("n", bad).unwrap_err().code,
                "invalid-mobile-number",
                "{bad}"
            );
        }
    }

    #[test]
    fn mailboxes_are_addresses() {
        assert_eq!(
            mailbox("m", " Mario.Rossi@Navigator.Example.it ").unwrap(),
            "mario.rossi@navigator.example.it"
        );
        assert_eq!(
            mailbox("m", "mario.rossi").unwrap_err().code,
            "invalid-mailbox"
        );
    }
}
