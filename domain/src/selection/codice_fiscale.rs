//! The codice fiscale: one application per person per selection (DOMAIN.md
//! §4.1) rests on it.
//!
//! Layout (DM 23 December 1976, DPR 605/1973), positions 1-based:
//!
//! | positions | content                                          |
//! |-----------|--------------------------------------------------|
//! | 1-6       | letters from surname and first name              |
//! | 7-8       | year of birth, two digits                        |
//! | 9         | month of birth, one of `ABCDEHLMPRST`            |
//! | 10-11     | day of birth, `01`-`31`, plus 40 for women       |
//! | 12-15     | place of birth: a letter and three digits        |
//! | 16        | check character                                  |
//!
//! When two people would get the same code (omocodia), the Agenzia delle
//! Entrate replaces digits in positions 7, 8, 10, 11, 13, 14, 15 with the
//! letters `LMNPQRSTUV` (0 to 9) and recomputes the check character.

use crate::{Param, RuleCode};
use std::fmt;

use crate::violation::Violation;

/// A codice fiscale whose layout and check character are right: upper case,
/// 16 ASCII characters, omocodia substitutions kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodiceFiscale(String);

/// Letters standing for the digits 0..=9 in an omocodia code.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters, January to December.
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// 0-based positions that hold a digit or its omocodia letter.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// Values of the characters in odd positions (1st, 3rd, ... 15th), indexed
/// by the digit or by the letter's place in the alphabet.
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

impl CodiceFiscale {
    pub const LEN: usize = 16;

    /// Trims and upper-cases `raw`, then checks the layout and the check
    /// character. A layout error names the first wrong position (1-based) in
    /// the detail; the code itself is personal data and is never echoed.
    ///
    /// Omocodia letters are accepted in any of their positions, not only in
    /// the right-to-left order the Agenzia delle Entrate uses, as the common
    /// validators do. The day is checked as 01-31 (41-71), not against the
    /// month: the birth date is declared separately in the application.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let code = raw.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        if b.len() != Self::LEN || !code.is_ascii() {
            return Err(
                Violation::new(field, RuleCode::InvalidCodiceFiscaleFormat).with_detail(Self::LEN)
            );
        }
        if let Some(pos) = first_layout_error(b) {
            return Err(Violation::new(field, RuleCode::InvalidCodiceFiscaleFormat)
                .with_detail(Param::Position(pos)));
        }
        if check_character(&b[..15]) != b[15] {
            return Err(Violation::new(field, RuleCode::InvalidCodiceFiscaleCheck));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Completes the first 15 characters with their check character (for
    /// generated demo and test data); `None` when they are not a valid layout.
    pub fn complete(first15: &str) -> Option<Self> {
        let upper = first15.trim().to_ascii_uppercase();
        if upper.len() != Self::LEN - 1 || !upper.is_ascii() {
            return None;
        }
        let check = char::from(check_character(upper.as_bytes()));
        Self::parse("codice_fiscale", &format!("{upper}{check}")).ok()
    }

    /// Whether any digit was replaced by an omocodia letter.
    pub fn is_omocode(&self) -> bool {
        let b = self.0.as_bytes();
        DIGIT_POSITIONS.iter().any(|&i| b[i].is_ascii_alphabetic())
    }
}

impl fmt::Display for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The digit a character in a digit position stands for, omocodia included.
fn digit_value(c: u8) -> Option<u8> {
    if c.is_ascii_digit() {
        Some(c - b'0')
    } else {
        OMOCODIA
            .iter()
            .position(|&l| l == c)
            .and_then(|d| u8::try_from(d).ok())
    }
}

/// The 1-based position of the first character out of place, if any.
/// `b` is 16 upper-case ASCII bytes.
fn first_layout_error(b: &[u8]) -> Option<usize> {
    for (i, &c) in b.iter().enumerate() {
        let ok = match i {
            8 => MONTHS.contains(&c),
            _ if DIGIT_POSITIONS.contains(&i) => digit_value(c).is_some(),
            _ => c.is_ascii_uppercase(),
        };
        if !ok {
            return Some(i + 1);
        }
    }
    let day = digit_value(b[9])? * 10 + digit_value(b[10])?;
    if !matches!(day, 1..=31 | 41..=71) {
        return Some(10);
    }
    None
}

/// The check character of the first 15 characters (upper-case letters and
/// digits): odd positions through the official odd table, even positions at
/// their plain value (digit, or letter A=0 .. Z=25), sum modulo 26 as a letter.
fn check_character(first15: &[u8]) -> u8 {
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let index = u32::from(if c.is_ascii_digit() {
                c - b'0'
            } else {
                c - b'A'
            });
            if i % 2 == 0 {
                ODD_VALUES[index as usize]
            } else {
                index
            }
        })
        .sum();
    // sum % 26 < 26, so the cast is lossless.
    b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(raw: &str) -> RuleCode {
        CodiceFiscale::parse("codice_fiscale", raw)
            .unwrap_err()
            .code
    }

    #[test]
    fn valid_codes_are_accepted_and_normalised() {
        // The textbook example, a woman (day + 40), a man born in 1913.
        for ok in ["RSSMRA85T10A562S", "BNCGLI90A41H501E", "VRDGPP13R10B293P"] {
            let cf = CodiceFiscale::parse("codice_fiscale", ok).unwrap();
            assert_eq!(cf.as_str(), ok);
            assert!(!cf.is_omocode());
        }
        let cf = CodiceFiscale::parse("cf", "  rssmra85t10a562s \n").unwrap();
        assert_eq!(cf.to_string(), "RSSMRA85T10A562S");
    }

    #[test]
    fn omocodia_variants_are_accepted_with_their_own_check() {
        // 2 -> N at position 15; then 6 -> S at 14; then every digit replaced.
        for ok in ["RSSMRA85T10A56NH", "RSSMRA85T10A5SNT", "RSSMRAURTMLARSNL"] {
            let cf = CodiceFiscale::parse("cf", ok).unwrap();
            assert!(cf.is_omocode(), "{ok}");
        }
        // Each digit 0..9 has its letter; O is not one of them.
        for (digit, letter) in "0123456789".chars().zip("LMNPQRSTUV".chars()) {
            for (plain, omocode) in [
                (
                    format!("RSSMRA85T10A56{digit}"),
                    format!("RSSMRA85T10A56{letter}"),
                ),
                (
                    format!("RSSMRA{digit}5T10A562"),
                    format!("RSSMRA{letter}5T10A562"),
                ),
            ] {
                let with_check =
                    |body: &str| format!("{body}{}", check_character(body.as_bytes()) as char);
                assert!(
                    CodiceFiscale::parse("cf", &with_check(&plain)).is_ok(),
                    "{plain}"
                );
                let cf = CodiceFiscale::parse("cf", &with_check(&omocode)).unwrap();
                assert!(cf.is_omocode(), "{omocode}");
            }
        }
        assert_eq!(code_of("RSSMRA85T10A56OH"), "invalid-codice-fiscale-format");
        // The omocode with the original check letter is wrong.
        assert_eq!(code_of("RSSMRA85T10A56NS"), "invalid-codice-fiscale-check");
    }

    #[test]
    fn the_check_character_is_verified() {
        for bad in ["RSSMRA85T10A562T", "RSSMRA85T10A562A", "BNCGLI90A41H501S"] {
            assert_eq!(code_of(bad), "invalid-codice-fiscale-check", "{bad}");
        }
        // One changed character anywhere breaks the check.
        assert_eq!(code_of("RSSMRA86T10A562S"), "invalid-codice-fiscale-check");
        assert_eq!(code_of("RSSMRB85T10A562S"), "invalid-codice-fiscale-check");
    }

    #[test]
    fn check_character_follows_the_official_tables() {
        assert_eq!(check_character(b"RSSMRA85T10A562"), b'S');
        assert_eq!(check_character(b"BNCGLI90A41H501"), b'E');
        // All-A and all-zero bodies: odd A/0 = 1 (8 times), even 0 (7 times).
        assert_eq!(check_character(b"AAAAAAAAAAAAAAA"), b'I');
        assert_eq!(check_character(b"000000000000000"), b'I');
        // Z in odd places is 23 each: 8 * 23 = 184 = 2 mod 26.
        assert_eq!(check_character(b"ZAZAZAZAZAZAZAZ"), b'C');
    }

    #[test]
    fn a_prefix_is_completed_with_its_check_character() {
        assert_eq!(
            CodiceFiscale::complete("RSSMRA85T10A562").unwrap().as_str(),
            "RSSMRA85T10A562S"
        );
        assert!(CodiceFiscale::complete("RSSMRA85T10A56").is_none());
        assert!(CodiceFiscale::complete("RSSMRA85Z10A562").is_none());
    }

    #[test]
    fn wrong_length_is_a_format_error() {
        for bad in [
            "",
            "RSSMRA85T10A562",
            "RSSMRA85T10A562SS",
            "RSS MRA85T10A562S",
        ] {
            let e = CodiceFiscale::parse("codice_fiscale", bad).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code.as_str()),
                ("codice_fiscale", "invalid-codice-fiscale-format"),
                "{bad}"
            );
        }
        // Non-ASCII letters are not part of the alphabet, even at length 16.
        assert_eq!(code_of("RSSMRÀ85T10A562S"), "invalid-codice-fiscale-format");
    }

    #[test]
    fn layout_errors_name_the_position() {
        let detail = |raw: &str| CodiceFiscale::parse("cf", raw).unwrap_err().detail;
        assert_eq!(detail("R5SMRA85T10A562S"), Some(Param::Position(2))); // digit in the name
        assert_eq!(detail("RSSMRAA5T10A562S"), Some(Param::Position(7))); // A is not an omocodia letter
        assert_eq!(detail("RSSMRA85F10A562S"), Some(Param::Position(9))); // F is no month
        assert_eq!(detail("RSSMRA85T10A5W2S"), Some(Param::Position(14)));
        assert_eq!(detail("RSSMRA85T10AX62S"), Some(Param::Position(13)));
        assert_eq!(detail("RSSMRA85T105562S"), Some(Param::Position(12))); // place starts with a letter
        assert_eq!(detail("RSSMRA85T10A5627"), Some(Param::Position(16))); // check is a letter
    }

    #[test]
    fn the_day_is_01_to_31_or_41_to_71() {
        // Check characters computed so only the day can be wrong.
        for day in ["00", "32", "40", "72", "99"] {
            let body = format!("RSSMRA85T{day}A562");
            let raw = format!("{body}{}", check_character(body.as_bytes()) as char);
            assert_eq!(code_of(&raw), "invalid-codice-fiscale-format", "{day}");
        }
        for day in ["01", "31", "41", "71", "ML", "QM"] {
            let body = format!("RSSMRA85T{day}A562");
            let raw = format!("{body}{}", check_character(body.as_bytes()) as char);
            assert!(CodiceFiscale::parse("cf", &raw).is_ok(), "{day}");
        }
    }

    #[test]
    fn the_code_is_not_echoed_in_the_violation() {
        let e = CodiceFiscale::parse("cf", "RSSMRA85T10A562T").unwrap_err();
        assert_eq!(e.detail, None);
    }
}
