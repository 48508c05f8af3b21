//! Navigators and their CPI assignments.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

use super::{ContractStatus, ConventionMode};

/// A Navigator as HR and coordinators see them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NavigatorView {
    pub id: Uuid,
    pub full_name: String,
    pub email: String,
    /// Sigla of the province of their seat.
    pub province: String,
    pub region: String,
    pub contract_id: Uuid,
    /// The contract's state today.
    pub status: ContractStatus,
    /// The first day they may work: `max(contract start, convention signed_on)`.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub operational_start: Option<NaiveDate>,
    /// The CPI they work in today; null when unassigned.
    pub cpi_code: Option<String>,
    pub cpi_name: Option<String>,
    /// Since when they work in that CPI.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub assigned_from: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NavigatorQuery {
    /// ISTAT code of the Region.
    pub region: Option<String>,
    /// Sigla of the province.
    pub province: Option<String>,
    /// Only those working in this CPI today.
    pub cpi: Option<String>,
    /// `draft`, `signed`, `active`, `suspended`, `ended` or `cancelled`.
    pub status: Option<String>,
    /// Only those with no CPI today.
    pub unassigned: Option<bool>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    pub cpi_code: String,
    /// The first day in the CPI; the previous assignment closes the day before.
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
}

/// One placement of a Navigator in a CPI.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    pub cpi_code: String,
    pub cpi_name: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    /// The last day, included; null while it is open.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub to: Option<NaiveDate>,
    /// Why it closed: `reassigned` or `contract-ended`.
    pub closed_by: Option<String>,
}

/// Where the Navigator works: small, for the tablet.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MyAssignmentView {
    /// `cpi`, or `remote` where the Region's convention keeps Navigators out
    /// of CPIs; null when the Region has no convention.
    pub convention_mode: Option<ConventionMode>,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub operational_start: Option<NaiveDate>,
    /// The assignment covering today; null when there is none.
    pub current: Option<AssignmentView>,
    /// An assignment that starts after today, if one is planned.
    pub next: Option<AssignmentView>,
}
