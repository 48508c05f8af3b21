//! A selection (avviso) and its configurable rules (DOMAIN.md §4, §5, §6).

use crate::{Param, RuleCode};
use chrono::{DateTime, Days, Months, NaiveDate, Utc};

use super::admission::check_multiplier;
use super::scoring::ScoringRules;
use crate::violation::{Violation, Violations};

/// 2019 defaults: 27,338.76 EUR a year plus 300 EUR a month, contracts to
/// 30 April 2021, offers open for 7 days, rankings valid for 2 years.
pub const DEFAULT_ANNUAL_PAY_CENTS: i64 = 2_733_876;
pub const DEFAULT_MONTHLY_EXPENSES_CENTS: i64 = 30_000;
pub const DEFAULT_OFFER_DAYS: i64 = 7;
pub const DEFAULT_RANKING_VALID_MONTHS: i64 = 24;

pub fn default_contract_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 4, 30).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionSettings {
    pub code: String,
    pub title: String,
    pub published_on: NaiveDate,
    pub scoring: ScoringRules,
    pub admission_multiplier: i64,
    pub offer_days: i64,
    pub ranking_valid_months: i64,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_end: NaiveDate,
    /// A candidate who declines (or lets an offer lapse) is never called
    /// again in this selection (DOMAIN.md §5.2, configurable).
    pub decline_is_final: bool,
}

impl SelectionSettings {
    pub fn validate(self) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let code = self.code.trim();
        let code_ok = !code.is_empty()
            && code.len() <= 40
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'));
        if !code_ok {
            v.push(Violation::new("code", RuleCode::InvalidSelectionCode).with_detail(&self.code));
        }
        v.check(!self.title.trim().is_empty(), "title", RuleCode::Required);
        if let Err(e) = self.scoring.validate() {
            v.extend(e);
        }
        if let Err(e) = check_multiplier("admission_multiplier", self.admission_multiplier) {
            v.push(e);
        }
        if !(1..=90).contains(&self.offer_days) {
            v.push(
                Violation::new("offer_days", RuleCode::OutOfRange).with_detail(Param::Range(1, 90)),
            );
        }
        if !(1..=120).contains(&self.ranking_valid_months) {
            v.push(
                Violation::new("ranking_valid_months", RuleCode::OutOfRange)
                    .with_detail(Param::Range(1, 120)),
            );
        }
        v.check(
            self.annual_pay_cents >= 0,
            "annual_pay_cents",
            RuleCode::MustNotBeNegative,
        );
        v.check(
            self.monthly_expenses_cents >= 0,
            "monthly_expenses_cents",
            RuleCode::MustNotBeNegative,
        );
        if self.contract_end <= self.published_on {
            v.push(Violation::new("contract_end", RuleCode::EndsBeforeItStarts));
        }
        v.into_result(Self {
            code: code.to_owned(),
            title: self.title.trim().to_owned(),
            ..self
        })
    }
}

/// The last day a ranking published on `published_on` can be used for calls.
pub fn ranking_valid_until(published_on: NaiveDate, months: i64) -> NaiveDate {
    u32::try_from(months)
        .ok()
        .and_then(|m| published_on.checked_add_months(Months::new(m)))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .unwrap_or(published_on)
}

/// Whether a call may be made on `day` from a ranking valid until `valid_until`.
pub fn ranking_open_on(valid_until: NaiveDate, day: NaiveDate) -> bool {
    day <= valid_until
}

/// When an offer made at `made_at` lapses.
pub fn offer_deadline(made_at: DateTime<Utc>, offer_days: i64) -> DateTime<Utc> {
    made_at + chrono::Duration::days(offer_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn settings() -> SelectionSettings {
        SelectionSettings {
            code: "ANPAL-NAV-2019".into(),
            title: "Avviso Navigator 2019".into(),
            published_on: d("2019-04-18"),
            scoring: ScoringRules::default(),
            admission_multiplier: 20,
            offer_days: DEFAULT_OFFER_DAYS,
            ranking_valid_months: DEFAULT_RANKING_VALID_MONTHS,
            annual_pay_cents: DEFAULT_ANNUAL_PAY_CENTS,
            monthly_expenses_cents: DEFAULT_MONTHLY_EXPENSES_CENTS,
            contract_end: default_contract_end(),
            decline_is_final: true,
        }
    }

    #[test]
    fn the_2019_settings_are_valid() {
        let s = settings().validate().unwrap();
        assert_eq!(s.contract_end, d("2021-04-30"));
        assert_eq!(s.annual_pay_cents, 2_733_876);
    }

    #[test]
    fn every_bad_setting_is_named() {
        let mut s = settings();
        s.code = "bad code".into();
        s.title = " ".into();
        s.offer_days = 0;
        s.ranking_valid_months = 0;
        s.annual_pay_cents = -1;
        s.contract_end = d("2019-04-18");
        s.admission_multiplier = 0;
        let fields: Vec<_> = s
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "code",
                "title",
                "admission_multiplier",
                "offer_days",
                "ranking_valid_months",
                "annual_pay_cents",
                "contract_end"
            ]
        );
    }

    #[test]
    fn a_ranking_is_valid_for_its_months_then_refuses_calls() {
        let until = ranking_valid_until(d("2019-06-24"), 24);
        assert_eq!(until, d("2021-06-23"));
        assert!(ranking_open_on(until, d("2021-06-23")));
        assert!(!ranking_open_on(until, d("2021-06-24")));
    }

    #[test]
    fn offers_lapse_after_their_days() {
        let made = DateTime::parse_from_rfc3339("2019-07-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let deadline = offer_deadline(made, 7);
        assert_eq!(deadline.to_rfc3339(), "2019-07-27T10:00:00+00:00");
    }
}
