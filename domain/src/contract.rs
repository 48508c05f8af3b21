//! The Navigator's collaboration contract (DOMAIN.md §6): its state machine,
//! its dates, extensions (proroghe), resignations and other endings.
//!
//! A contract is `draft` until signed; from signature it is `signed` until
//! its start date, then `active`, `suspended` during a suspension period, and
//! `ended` after its effective end. The state on a day is computed from the
//! dates, so a resignation dated in the future changes nothing before that
//! day and everything after it, without anyone acting.

use crate::RuleCode;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Draft,
    Signed,
    Active,
    Suspended,
    Ended,
    /// A draft HR cancelled because its candidate never signed: it never
    /// runs and holds no seat.
    Cancelled,
}

impl ContractStatus {
    pub const ALL: [ContractStatus; 6] = [
        Self::Draft,
        Self::Signed,
        Self::Active,
        Self::Suspended,
        Self::Ended,
        Self::Cancelled,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Signed => "signed",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Ended => "ended",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The type of a contract (DOMAIN.md §6). The programme has one: every
/// Navigator collaborates with ANPAL Servizi on a co.co.co.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    /// Collaborazione coordinata e continuativa.
    Cococo,
}

impl ContractType {
    pub const ALL: [ContractType; 1] = [Self::Cococo];

    /// The type of every contract drafted from an accepted offer.
    pub const OF_THE_PROGRAMME: ContractType = Self::Cococo;

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cococo => "cococo",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndCause {
    /// Reached its end date.
    Expired,
    /// Dimissioni.
    Resigned,
    /// Recesso, e.g. missed objectives.
    Withdrawn,
    /// Esclusione.
    Excluded,
}

impl EndCause {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Resigned => "resigned",
            Self::Withdrawn => "withdrawn",
            Self::Excluded => "excluded",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Expired,
            Self::Resigned,
            Self::Withdrawn,
            Self::Excluded,
        ]
        .into_iter()
        .find(|c| c.as_str() == raw)
    }
}

/// A suspension period, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suspension {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What the state machine needs to know of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractDates {
    pub signed_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// An early ending (resignation, withdrawal, exclusion) and the day it
    /// takes effect: from that day the contract is ended (DOMAIN.md §11: a
    /// resignation effective on D ends it on D).
    pub early_end: Option<(EndCause, NaiveDate)>,
    pub suspensions: Vec<Suspension>,
    /// The day HR cancelled the draft, which is then never signed.
    pub cancelled_on: Option<NaiveDate>,
}

impl ContractDates {
    /// The last day the contract runs: the day before an early end takes
    /// effect, or the end date.
    pub fn last_day(&self) -> Option<NaiveDate> {
        let early = self.early_end.map(|(_, d)| d.pred_opt().unwrap_or(d));
        match (early, self.end_date) {
            (Some(d), Some(end)) => Some(d.min(end)),
            (Some(d), None) => Some(d),
            (None, end) => end,
        }
    }

    /// The first day the contract no longer runs (and the login stops).
    pub fn ended_from(&self) -> Option<NaiveDate> {
        self.last_day().and_then(|d| d.succ_opt())
    }

    /// The state on `day`.
    pub fn status_on(&self, day: NaiveDate) -> ContractStatus {
        let (Some(signed), Some(start)) = (self.signed_on, self.start_date) else {
            return if self.cancelled_on.is_some_and(|c| c <= day) {
                ContractStatus::Cancelled
            } else {
                ContractStatus::Draft
            };
        };
        if day < signed {
            return ContractStatus::Draft;
        }
        if self.last_day().is_some_and(|last| day > last) {
            return ContractStatus::Ended;
        }
        if day < start {
            return ContractStatus::Signed;
        }
        if self
            .suspensions
            .iter()
            .any(|s| s.from <= day && day <= s.to)
        {
            return ContractStatus::Suspended;
        }
        ContractStatus::Active
    }

    /// Why the contract ended by `day`, if it did.
    pub fn end_cause_on(&self, day: NaiveDate) -> Option<EndCause> {
        if self.status_on(day) != ContractStatus::Ended {
            return None;
        }
        match (self.early_end, self.end_date) {
            (Some((cause, d)), Some(end)) if d <= end.succ_opt().unwrap_or(end) => Some(cause),
            (Some((cause, _)), None) => Some(cause),
            _ => Some(EndCause::Expired),
        }
    }

    /// Whether the contract gives its seat back to the province on `day`:
    /// only once it has ended. A draft keeps the seat its accepted offer
    /// took (DOMAIN.md §5), whatever its provisional end date.
    pub fn releases_seat_on(&self, day: NaiveDate) -> bool {
        self.status_on(day) == ContractStatus::Ended
    }

    /// Whether the contract holds its seat on `day` (signed or active, or
    /// suspended: a suspension keeps the seat).
    pub fn holds_seat_on(&self, day: NaiveDate) -> bool {
        matches!(
            self.status_on(day),
            ContractStatus::Signed | ContractStatus::Active | ContractStatus::Suspended
        )
    }
}

/// Why a contract cannot be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CancellationRefused {
    /// Signed: a signed contract ends by resignation, withdrawal or
    /// exclusion, never by cancellation.
    #[error("the contract is signed")]
    Signed,
    /// Cancelled already: a second cancellation would free the seat twice.
    #[error("the contract is cancelled already")]
    Cancelled,
}

/// Only a draft is cancelled: its candidate accepted the offer but never
/// signed, and the seat they held goes back to the province.
pub fn check_cancellation(contract: &ContractDates) -> Result<(), CancellationRefused> {
    if contract.signed_on.is_some() {
        Err(CancellationRefused::Signed)
    } else if contract.cancelled_on.is_some() {
        Err(CancellationRefused::Cancelled)
    } else {
        Ok(())
    }
}

/// Signing a draft: dates in order, never before the ranking was published.
pub fn check_signature(
    signed_on: NaiveDate,
    start_date: NaiveDate,
    end_date: NaiveDate,
    ranking_published_on: NaiveDate,
) -> Result<(), Violations> {
    let mut v = Violations::new();
    if signed_on < ranking_published_on {
        v.push(
            Violation::new("signed_on", RuleCode::SignedBeforeRankingPublished)
                .with_detail(ranking_published_on),
        );
    }
    if start_date < signed_on {
        v.push(Violation::new(
            "start_date",
            RuleCode::StartsBeforeSignature,
        ));
    }
    if end_date < start_date {
        v.push(Violation::new("end_date", RuleCode::EndsBeforeItStarts));
    }
    v.into_result(())
}

/// An extension (proroga) only moves the end date forward, and only for a
/// contract that has not ended on `today`.
pub fn check_extension(
    contract: &ContractDates,
    new_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), Violation> {
    if contract.signed_on.is_none() {
        return Err(Violation::new("contract", RuleCode::ContractNotSigned));
    }
    if contract.status_on(today) == ContractStatus::Ended || contract.early_end.is_some() {
        return Err(Violation::new("contract", RuleCode::ContractEnded));
    }
    match contract.end_date {
        Some(end) if new_end <= end => {
            Err(Violation::new("new_end_date", RuleCode::ExtensionNotLater).with_detail(end))
        }
        _ => Ok(()),
    }
}

/// The first day a resignation submitted on `submitted_on` may take effect:
/// its submission plus the notice (configurable, default 0 days).
pub fn earliest_resignation(submitted_on: NaiveDate, notice_days: u64) -> NaiveDate {
    submitted_on
        .checked_add_days(Days::new(notice_days))
        .unwrap_or(submitted_on)
}

/// A resignation takes effect no earlier than its submission plus the notice
/// (configurable, default 0 days), within the contract's dates.
pub fn check_resignation(
    contract: &ContractDates,
    submitted_on: NaiveDate,
    effective_on: NaiveDate,
    notice_days: u64,
) -> Result<(), Violations> {
    let mut v = Violations::new();
    if contract.signed_on.is_none() {
        v.push(Violation::new("contract", RuleCode::ContractNotSigned));
    }
    if contract.early_end.is_some() || contract.status_on(submitted_on) == ContractStatus::Ended {
        v.push(Violation::new("contract", RuleCode::ContractEnded));
    }
    let earliest = earliest_resignation(submitted_on, notice_days);
    if effective_on < earliest {
        v.push(Violation::new("effective_on", RuleCode::BeforeNotice).with_detail(earliest));
    }
    if contract.start_date.is_some_and(|s| effective_on < s) {
        v.push(Violation::new(
            "effective_on",
            RuleCode::BeforeContractStart,
        ));
    }
    if contract.end_date.is_some_and(|e| effective_on > e) {
        v.push(Violation::new("effective_on", RuleCode::AfterContractEnd));
    }
    v.into_result(())
}

/// A withdrawal or exclusion by HR: a cause other than resignation or
/// expiry, effective within the contract.
pub fn check_termination(
    contract: &ContractDates,
    cause: EndCause,
    effective_on: NaiveDate,
) -> Result<(), Violations> {
    let mut v = Violations::new();
    if !matches!(cause, EndCause::Withdrawn | EndCause::Excluded) {
        v.push(Violation::new("cause", RuleCode::TerminationCause).with_detail(cause.as_str()));
    }
    if contract.signed_on.is_none() {
        v.push(Violation::new("contract", RuleCode::ContractNotSigned));
    }
    if contract.early_end.is_some() {
        v.push(Violation::new("contract", RuleCode::ContractEnded));
    }
    if contract.signed_on.is_some_and(|s| effective_on < s) {
        v.push(Violation::new("effective_on", RuleCode::BeforeSignature));
    }
    if contract.end_date.is_some_and(|e| effective_on > e) {
        v.push(Violation::new("effective_on", RuleCode::AfterContractEnd));
    }
    v.into_result(())
}

/// A suspension period lies within the contract, its days in order.
pub fn check_suspension(contract: &ContractDates, s: Suspension) -> Result<(), Violations> {
    let mut v = Violations::new();
    if s.to < s.from {
        v.push(Violation::new("to", RuleCode::EndsBeforeItStarts));
    }
    if contract.start_date.is_some_and(|start| s.from < start) {
        v.push(Violation::new("from", RuleCode::BeforeContractStart));
    }
    if contract.last_day().is_some_and(|last| s.to > last) {
        v.push(Violation::new("to", RuleCode::AfterContractEnd));
    }
    if contract
        .suspensions
        .iter()
        .any(|o| o.from <= s.to && s.from <= o.to)
    {
        v.push(Violation::new("from", RuleCode::OverlapsSuspension));
    }
    v.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn contract_2019() -> ContractDates {
        ContractDates {
            signed_on: Some(d("2019-07-29")),
            start_date: Some(d("2019-07-31")),
            end_date: Some(d("2021-04-30")),
            early_end: None,
            suspensions: vec![],
            cancelled_on: None,
        }
    }

    #[test]
    fn the_state_follows_the_dates() {
        let c = contract_2019();
        assert_eq!(c.status_on(d("2019-07-28")), ContractStatus::Draft);
        assert_eq!(c.status_on(d("2019-07-29")), ContractStatus::Signed);
        assert_eq!(c.status_on(d("2019-07-31")), ContractStatus::Active);
        assert_eq!(c.status_on(d("2021-04-30")), ContractStatus::Active);
        assert_eq!(c.status_on(d("2021-05-01")), ContractStatus::Ended);
        assert_eq!(c.end_cause_on(d("2021-05-01")), Some(EndCause::Expired));
        assert_eq!(c.end_cause_on(d("2021-04-30")), None);
        let draft = ContractDates {
            signed_on: None,
            start_date: None,
            ..contract_2019()
        };
        assert_eq!(draft.status_on(d("2020-01-01")), ContractStatus::Draft);
    }

    #[test]
    fn only_a_draft_is_cancelled_and_once() {
        let draft = ContractDates {
            signed_on: None,
            start_date: None,
            ..contract_2019()
        };
        assert_eq!(check_cancellation(&draft), Ok(()));
        assert_eq!(
            check_cancellation(&contract_2019()),
            Err(CancellationRefused::Signed)
        );
        let cancelled = ContractDates {
            cancelled_on: Some(d("2019-08-01")),
            ..draft
        };
        assert_eq!(
            check_cancellation(&cancelled),
            Err(CancellationRefused::Cancelled)
        );
        // A draft until the day of its cancellation, cancelled from then on;
        // it never holds or gives back a seat by its dates.
        assert_eq!(cancelled.status_on(d("2019-07-31")), ContractStatus::Draft);
        assert_eq!(
            cancelled.status_on(d("2019-08-01")),
            ContractStatus::Cancelled
        );
        assert!(!cancelled.holds_seat_on(d("2019-08-01")));
        assert_eq!(cancelled.end_cause_on(d("2019-08-01")), None);
    }

    #[test]
    fn the_programme_has_one_contract_type() {
        assert_eq!(ContractType::OF_THE_PROGRAMME, ContractType::Cococo);
        for t in ContractType::ALL {
            assert_eq!(ContractType::parse(t.as_str()), Some(t));
        }
        for s in ContractStatus::ALL {
            assert_eq!(ContractStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_future_resignation_changes_nothing_before_its_day() {
        let mut c = contract_2019();
        c.early_end = Some((EndCause::Resigned, d("2020-03-15")));
        assert_eq!(c.status_on(d("2020-03-14")), ContractStatus::Active);
        assert!(c.holds_seat_on(d("2020-03-14")));
        // Effective on D: ended on D.
        assert_eq!(c.status_on(d("2020-03-15")), ContractStatus::Ended);
        assert!(!c.holds_seat_on(d("2020-03-15")));
        assert_eq!(c.end_cause_on(d("2020-03-15")), Some(EndCause::Resigned));
        assert_eq!(c.ended_from(), Some(d("2020-03-15")));
        assert_eq!(contract_2019().ended_from(), Some(d("2021-05-01")));
    }

    #[test]
    fn a_draft_never_releases_its_seat() {
        let draft = ContractDates {
            signed_on: None,
            start_date: None,
            ..contract_2019()
        };
        assert!(!draft.releases_seat_on(d("2025-01-01")));
        assert!(!contract_2019().releases_seat_on(d("2021-04-30")));
        assert!(contract_2019().releases_seat_on(d("2021-05-01")));
    }

    #[test]
    fn a_suspension_keeps_the_seat() {
        let mut c = contract_2019();
        c.suspensions.push(Suspension {
            from: d("2020-01-10"),
            to: d("2020-01-20"),
        });
        assert_eq!(c.status_on(d("2020-01-10")), ContractStatus::Suspended);
        assert_eq!(c.status_on(d("2020-01-21")), ContractStatus::Active);
        assert!(c.holds_seat_on(d("2020-01-15")));
    }

    #[test]
    fn signing_dates_must_be_in_order_and_after_publication() {
        let published = d("2019-06-24");
        assert!(
            check_signature(d("2019-07-29"), d("2019-07-31"), d("2021-04-30"), published).is_ok()
        );
        let codes: Vec<_> =
            check_signature(d("2019-06-23"), d("2019-06-22"), d("2019-06-21"), published)
                .unwrap_err()
                .0
                .into_iter()
                .map(|v| v.code)
                .collect();
        assert_eq!(
            codes,
            vec![
                "signed-before-ranking-published",
                "starts-before-signature",
                "ends-before-it-starts"
            ]
        );
    }

    #[test]
    fn extensions_only_move_forward() {
        let c = contract_2019();
        assert!(check_extension(&c, d("2021-12-31"), d("2021-01-10")).is_ok());
        assert_eq!(
            check_extension(&c, d("2021-04-30"), d("2021-01-10"))
                .unwrap_err()
                .code,
            "extension-not-later"
        );
        assert_eq!(
            check_extension(&c, d("2020-12-31"), d("2021-01-10"))
                .unwrap_err()
                .code,
            "extension-not-later"
        );
        assert_eq!(
            check_extension(&c, d("2022-04-30"), d("2021-05-01"))
                .unwrap_err()
                .code,
            "contract-ended"
        );
        let mut resigned = contract_2019();
        resigned.early_end = Some((EndCause::Resigned, d("2020-03-15")));
        assert_eq!(
            check_extension(&resigned, d("2021-12-31"), d("2020-01-01"))
                .unwrap_err()
                .code,
            "contract-ended"
        );
    }

    #[test]
    fn resignation_respects_the_notice() {
        let c = contract_2019();
        assert!(check_resignation(&c, d("2020-03-01"), d("2020-03-01"), 0).is_ok());
        let e = check_resignation(&c, d("2020-03-01"), d("2020-03-10"), 15).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("effective_on", "before-notice")
        );
        assert!(check_resignation(&c, d("2020-03-01"), d("2020-03-16"), 15).is_ok());
        let e = check_resignation(&c, d("2021-04-01"), d("2021-05-10"), 0).unwrap_err();
        assert_eq!(e.0[0].code, "after-contract-end");
    }

    #[test]
    fn terminations_are_withdrawals_or_exclusions() {
        let c = contract_2019();
        assert!(check_termination(&c, EndCause::Withdrawn, d("2020-06-30")).is_ok());
        assert!(check_termination(&c, EndCause::Excluded, d("2019-07-29")).is_ok());
        assert_eq!(
            check_termination(&c, EndCause::Resigned, d("2020-06-30"))
                .unwrap_err()
                .0[0]
                .code,
            "termination-cause"
        );
        assert_eq!(
            check_termination(&c, EndCause::Withdrawn, d("2019-07-01"))
                .unwrap_err()
                .0[0]
                .code,
            "before-signature"
        );
    }

    #[test]
    fn suspensions_lie_within_the_contract_and_do_not_overlap() {
        let mut c = contract_2019();
        let s = Suspension {
            from: d("2020-01-10"),
            to: d("2020-01-20"),
        };
        assert!(check_suspension(&c, s).is_ok());
        c.suspensions.push(s);
        let overlap = Suspension {
            from: d("2020-01-20"),
            to: d("2020-01-25"),
        };
        assert_eq!(
            check_suspension(&c, overlap).unwrap_err().0[0].code,
            "overlaps-suspension"
        );
        let backwards = Suspension {
            from: d("2020-02-10"),
            to: d("2020-02-01"),
        };
        assert_eq!(
            check_suspension(&c, backwards).unwrap_err().0[0].code,
            "ends-before-it-starts"
        );
    }
}
