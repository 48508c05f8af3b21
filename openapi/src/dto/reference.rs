//! Reference data: conventions, Regions, provinces, CPIs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConventionMode {
    /// Navigators are assigned to the Region's CPIs.
    Cpi,
    /// Navigators assist beneficiaries without a CPI.
    Remote,
}

impl From<ConventionMode> for domain::convention::ConventionMode {
    fn from(m: ConventionMode) -> Self {
        match m {
            ConventionMode::Cpi => Self::Cpi,
            ConventionMode::Remote => Self::Remote,
        }
    }
}

impl From<domain::convention::ConventionMode> for ConventionMode {
    fn from(m: domain::convention::ConventionMode) -> Self {
        match m {
            domain::convention::ConventionMode::Cpi => Self::Cpi,
            domain::convention::ConventionMode::Remote => Self::Remote,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConventionView {
    pub region: String,
    pub mode: ConventionMode,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub signed_on: NaiveDate,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub valid_until: Option<NaiveDate>,
    /// Whether it is in force today (Europe/Rome).
    pub in_force: bool,
    /// What the mode means for Navigators there, in words.
    pub summary: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub signed_on: NaiveDate,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub valid_until: Option<NaiveDate>,
    pub mode: ConventionMode,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegionView {
    /// ISTAT code, `01`..`20`.
    pub code: String,
    pub name: String,
    /// Posts of the 2019 notice in this Region.
    pub posts_2019: i64,
    pub provinces: i64,
    pub convention: Option<ConventionView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProvinceView {
    pub istat_code: String,
    pub sigla: String,
    pub name: String,
    pub region: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProvinceQuery {
    /// ISTAT code of a Region.
    pub region: Option<String>,
    /// At most this many items (1-500, default 500: the whole list).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CpiView {
    pub code: String,
    pub name: String,
    /// Sigla of the province.
    pub province: String,
    pub region: String,
    pub address: Option<String>,
    /// Maximum Navigators at once; null for no limit.
    pub capacity: Option<i64>,
    /// True for records made by `navigator seed --demo`.
    pub demo: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCpiRequest {
    pub code: String,
    pub name: String,
    pub province_sigla: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub capacity: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CpiQuery {
    pub region: Option<String>,
    pub province: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    /// How many records were created.
    pub imported: usize,
}
