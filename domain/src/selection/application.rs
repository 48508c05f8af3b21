//! An application to a selection (DOMAIN.md §4.1): one per codice fiscale,
//! for one province, with a degree grade.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::RuleCode;
use chrono::{Datelike, NaiveDate};

use super::codice_fiscale::CodiceFiscale;
use super::merit::DegreeGrade;
use crate::account::Email;
use crate::reference::ProvinceSigla;
use crate::violation::{Violation, Violations};

/// The raw fields of one application, as a CSV row carries them.
#[derive(Debug, Clone)]
pub struct ApplicationInput<'a> {
    pub application_no: &'a str,
    pub codice_fiscale: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub birth_date: NaiveDate,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub province_sigla: &'a str,
    pub degree_class: &'a str,
    pub degree_grade: i64,
    pub degree_honours: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    pub application_no: String,
    pub codice_fiscale: CodiceFiscale,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: Email,
    pub phone: Option<String>,
    pub province: ProvinceSigla,
    pub degree_class: String,
    pub degree: DegreeGrade,
}

fn text(v: &mut Violations, field: &str, raw: &str, max: usize) -> String {
    let t = raw.trim();
    if t.is_empty() {
        v.push(Violation::new(field, RuleCode::Required));
    } else if t.chars().count() > max {
        v.push(Violation::new(field, RuleCode::TooLong).with_detail(max));
    }
    t.to_owned()
}

/// Applicants are adults on the day the notice is published.
pub const MINIMUM_AGE: i32 = 18;

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

impl NewApplication {
    /// Checks every field; `published_on` is the notice's publication date.
    pub fn parse(
        input: &ApplicationInput<'_>,
        published_on: NaiveDate,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let application_no = text(&mut v, "application_no", input.application_no, 32);
        if !application_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
        {
            v.push(
                Violation::new("application_no", RuleCode::InvalidApplicationNo)
                    .with_detail(&application_no),
            );
        }
        let cf = CodiceFiscale::parse("codice_fiscale", input.codice_fiscale)
            .map_err(|e| v.push(e))
            .ok();
        let first_name = text(&mut v, "first_name", input.first_name, 100);
        let last_name = text(&mut v, "last_name", input.last_name, 100);
        if input.birth_date.year() < 1900 || age_on(input.birth_date, published_on) < MINIMUM_AGE {
            v.push(
                Violation::new("birth_date", RuleCode::ImplausibleBirthDate)
                    .with_detail(input.birth_date),
            );
        }
        let email = Email::parse("email", input.email)
            .map_err(|e| v.push(e))
            .ok();
        let phone = parse_phone("phone", input.phone)
            .map_err(|e| v.push(e))
            .ok()
            .flatten();
        let province = ProvinceSigla::parse("province_sigla", input.province_sigla)
            .map_err(|e| v.push(e))
            .ok();
        let degree_class =
            text(&mut v, "degree_class", input.degree_class, 20).to_ascii_uppercase();
        let degree = DegreeGrade::parse("degree_grade", input.degree_grade, input.degree_honours)
            .map_err(|e| v.push(e))
            .ok();
        match (cf, email, province, degree) {
            (Some(codice_fiscale), Some(email), Some(province), Some(degree)) if v.is_empty() => {
                Ok(Self {
                    application_no,
                    codice_fiscale,
                    first_name,
                    last_name,
                    birth_date: input.birth_date,
                    email,
                    phone,
                    province,
                    degree_class,
                    degree,
                })
            }
            _ => Err(v),
        }
    }
}

/// One application per person (codice fiscale) per selection (DOMAIN.md
/// §4.1), over the applications the selection already holds and those a
/// file adds row by row. The database's unique key stays as a backstop.
#[derive(Debug)]
pub struct OnePerPerson<'a> {
    /// The codici fiscali the selection already holds (upper case).
    known: &'a HashSet<String>,
    /// Those of the file so far, with the line each came on.
    seen: HashMap<String, u64>,
}

impl<'a> OnePerPerson<'a> {
    /// `rows`: how many applications are expected, to size the record once.
    pub fn new(known: &'a HashSet<String>, rows: usize) -> Self {
        Self {
            known,
            seen: HashMap::with_capacity(rows),
        }
    }

    /// Admits the person's application on `line`, or says why not: they
    /// applied earlier in the same file (`duplicate-in-file`, naming that
    /// line) or to this selection already (`already-applied`).
    pub fn admit(&mut self, codice_fiscale: &CodiceFiscale, line: u64) -> Result<(), Violation> {
        match self.seen.entry(codice_fiscale.as_str().to_owned()) {
            Entry::Occupied(first) => {
                Err(Violation::new("codice_fiscale", RuleCode::DuplicateInFile)
                    .with_detail(*first.get())
                    .at_line(line))
            }
            Entry::Vacant(slot) => {
                let known = self.known.contains(slot.key());
                slot.insert(line);
                if known {
                    Err(Violation::new("codice_fiscale", RuleCode::AlreadyApplied).at_line(line))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// A phone number as an application holds it: trimmed, blank for none;
/// digits with `+`, spaces, `-`, `.` or `/`, 6 to 15 digits.
pub fn parse_phone(field: &str, raw: Option<&str>) -> Result<Option<String>, Violation> {
    let Some(p) = raw.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let shape = p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '/'));
    if !shape || !(6..=15).contains(&digits) {
        return Err(Violation::new(field, RuleCode::InvalidPhone).with_detail(p));
    }
    Ok(Some(p.to_owned()))
}

/// A rectification of an applicant's contact data (GDPR art. 16): the
/// fields given, each checked as an import checks it. `phone: Some(None)`
/// removes the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRectification {
    pub email: Option<Email>,
    pub phone: Option<Option<String>>,
}

impl ContactRectification {
    /// `phone` given blank removes the number; a request that changes
    /// nothing names `email` as required.
    pub fn parse(email: Option<&str>, phone: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if email.is_none() && phone.is_none() {
            v.push(Violation::new("email", RuleCode::Required));
        }
        let email = email
            .map(|e| Email::parse("email", e))
            .transpose()
            .map_err(|e| v.push(e))
            .ok()
            .flatten();
        let phone = phone
            .map(|p| parse_phone("phone", Some(p)))
            .transpose()
            .map_err(|e| v.push(e))
            .ok()
            .flatten();
        v.into_result(Self { email, phone })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Param;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> ApplicationInput<'static> {
        ApplicationInput {
            application_no: "NAV-000123",
            codice_fiscale: "rssmra85t10a562s",
            first_name: "Mario",
            last_name: "Rossi",
            birth_date: d("1985-12-10"),
            email: "mario.rossi@example.it",
            phone: Some("+39 333 1234567"),
            province_sigla: "na",
            degree_class: "lm-56",
            degree_grade: 110,
            degree_honours: true,
        }
    }

    #[test]
    fn a_valid_application_is_normalised() {
        let a = NewApplication::parse(&input(), d("2019-04-18")).unwrap();
        assert_eq!(a.codice_fiscale.as_str(), "RSSMRA85T10A562S");
        assert_eq!(a.province.as_str(), "NA");
        assert_eq!(a.degree_class, "LM-56");
        assert!(a.degree.honours());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.application_no = "NAV 1";
        i.codice_fiscale = "RSSMRA85T10A562X";
        i.first_name = " ";
        i.birth_date = d("2005-01-01");
        i.email = "mario";
        i.phone = Some("12");
        i.province_sigla = "N1";
        i.degree_grade = 111;
        let codes: Vec<_> = NewApplication::parse(&i, d("2019-04-18"))
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| (v.field, v.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("application_no".to_owned(), "invalid-application-no"),
                ("codice_fiscale".to_owned(), "invalid-codice-fiscale-check"),
                ("first_name".to_owned(), "required"),
                ("birth_date".to_owned(), "implausible-birth-date"),
                ("email".to_owned(), "invalid-email"),
                ("phone".to_owned(), "invalid-phone"),
                ("province_sigla".to_owned(), "invalid-province-sigla"),
                ("degree_grade".to_owned(), "out-of-range"),
            ]
        );
    }

    #[test]
    fn applicants_are_adults_on_the_day_of_the_notice() {
        let mut i = input();
        i.birth_date = d("2001-04-18");
        assert!(NewApplication::parse(&i, d("2019-04-18")).is_ok());
        i.birth_date = d("2001-04-19");
        assert!(NewApplication::parse(&i, d("2019-04-18")).is_err());
    }

    #[test]
    fn one_application_per_person_per_selection() {
        let cf = |raw: &str| CodiceFiscale::parse("codice_fiscale", raw).unwrap();
        let known: HashSet<String> = ["BNCGLI90A41H501E".to_owned()].into();
        let mut rule = OnePerPerson::new(&known, 3);
        assert_eq!(rule.admit(&cf("RSSMRA85T10A562S"), 2), Ok(()));
        // The same person again in the file: the line they first came on.
        let again = rule.admit(&cf("rssmra85t10a562s"), 5).unwrap_err();
        assert_eq!(
            (again.code, again.detail, again.line),
            (RuleCode::DuplicateInFile, Some(Param::Number(2)), Some(5))
        );
        // Someone the selection already holds.
        let known_one = rule.admit(&cf("BNCGLI90A41H501E"), 6).unwrap_err();
        assert_eq!(
            (known_one.field.as_str(), known_one.code, known_one.line),
            ("codice_fiscale", RuleCode::AlreadyApplied, Some(6))
        );
        assert_eq!(rule.admit(&cf("VRDGPP13R10B293P"), 7), Ok(()));
    }

    #[test]
    fn honours_need_110() {
        let mut i = input();
        i.degree_grade = 108;
        let e = NewApplication::parse(&i, d("2019-04-18")).unwrap_err();
        assert_eq!(e.0[0].code, "honours-need-110");
    }

    #[test]
    fn a_contact_rectification_is_checked_as_an_import_is() {
        let r = ContactRectification::parse(Some(" Mario.Rossi@Example.it "), Some("")).unwrap();
        assert_eq!(r.email.unwrap().as_str(), "mario.rossi@example.it");
        assert_eq!(r.phone, Some(None));
        let r = ContactRectification::parse(None, Some("+39 333 7654321")).unwrap();
        assert_eq!(r.email, None);
        assert_eq!(r.phone, Some(Some("+39 333 7654321".to_owned())));
        let e = ContactRectification::parse(Some("mario"), Some("12")).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            fields,
            [
                ("email", RuleCode::InvalidEmail),
                ("phone", RuleCode::InvalidPhone)
            ]
        );
        let e = ContactRectification::parse(None, None).unwrap_err();
        assert_eq!(e.0[0].code, RuleCode::Required);
    }
}
