//! Contracts and HR events, and offboarding.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

use super::ItemView;

/// A contract's state on a day (DOMAIN.md §6), from its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Draft,
    Signed,
    Active,
    Suspended,
    Ended,
    /// A draft cancelled because its candidate never signed.
    Cancelled,
}

impl From<domain::contract::ContractStatus> for ContractStatus {
    fn from(s: domain::contract::ContractStatus) -> Self {
        use domain::contract::ContractStatus as S;
        match s {
            S::Draft => Self::Draft,
            S::Signed => Self::Signed,
            S::Active => Self::Active,
            S::Suspended => Self::Suspended,
            S::Ended => Self::Ended,
            S::Cancelled => Self::Cancelled,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftContractRequest {
    /// HR confirms the requirements were checked (degree, declarations).
    pub requirements_verified: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub signed_on: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub start_date: NaiveDate,
    /// The selection's contract end by default.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SuspensionView {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub to: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScheduledEnd {
    /// `resigned`, `withdrawn` or `excluded`.
    pub cause: String,
    /// From this day the contract is ended.
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub effective_on: NaiveDate,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub submitted_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// The type of a contract (DOMAIN.md §6); the programme has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    /// Collaborazione coordinata e continuativa (co.co.co.) with ANPAL Servizi.
    Cococo,
}

impl From<domain::contract::ContractType> for ContractType {
    fn from(t: domain::contract::ContractType) -> Self {
        match t {
            domain::contract::ContractType::Cococo => Self::Cococo,
        }
    }
}

/// Why and when HR cancelled a draft whose candidate never signed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CancellationView {
    /// From this day the contract is cancelled and its seat vacant.
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub cancelled_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ContractView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    pub application_no: String,
    pub full_name: String,
    pub province: String,
    pub region: String,
    /// Its state today.
    pub status: ContractStatus,
    /// `expired`, `resigned`, `withdrawn` or `excluded` once ended; null while running.
    pub end_cause: Option<String>,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub signed_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub end_date: NaiveDate,
    /// max(start date, the Region's convention date): no CPI and no on-the-job hours before it.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub operational_start: Option<NaiveDate>,
    pub contract_type: ContractType,
    /// Copied from the selection when the contract is drafted.
    pub annual_pay_cents: i64,
    /// Copied from the selection when the contract is drafted.
    pub monthly_expenses_cents: i64,
    /// A registered early end, also before it takes effect.
    pub scheduled_end: Option<ScheduledEnd>,
    pub suspensions: Vec<SuspensionView>,
    /// Set once HR cancelled the draft.
    pub cancellation: Option<CancellationView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractQuery {
    pub region: Option<String>,
    pub province: Option<String>,
    /// `draft`, `signed`, `active`, `suspended`, `ended` or `cancelled`.
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub new_end_date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkExtendRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub new_end_date: NaiveDate,
    /// Only the contracts of this Region (ISTAT code).
    #[serde(default)]
    pub region: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkExtendResult {
    pub extended: usize,
    /// Groups the extensions of this call in the audit log.
    pub batch_id: Uuid,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResignationRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub submitted_on: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub effective_on: NaiveDate,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyResignationRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub effective_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TerminationCause {
    Withdrawn,
    Excluded,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminateRequest {
    pub cause: TerminationCause,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub effective_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub to: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OffboardingView {
    pub navigator_id: Uuid,
    pub contract_id: Uuid,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub ended_on: NaiveDate,
    /// Items still to return or write off.
    pub outstanding: Vec<ItemView>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffboardingQuery {
    /// Only the records still open.
    pub open: Option<bool>,
    /// At most this many items (1-500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}
