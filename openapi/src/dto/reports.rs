//! The monitoring indicators.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorGroup {
    Region,
    Province,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// The day the figures are as of (`YYYY-MM-DD`); today when absent.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub as_of: Option<NaiveDate>,
    /// ISTAT code of one Region.
    pub region: Option<String>,
    /// Sigla of one province.
    pub province: Option<String>,
    /// One row per Region or per province, besides the total.
    #[param(inline)]
    pub group_by: Option<IndicatorGroup>,
}

/// The indicators of DOMAIN.md §11 for one area.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct IndicatorValues {
    pub contracted: i64,
    pub active: i64,
    pub posts: i64,
    pub seats_filled: i64,
    pub seats_vacant: i64,
    pub offers_pending: i64,
    pub calls_made: i64,
    pub offers_declined: i64,
    pub offers_lapsed: i64,
    pub resigned: i64,
    pub classroom_completed: i64,
    pub distance_completed: i64,
    pub on_the_job_completed: i64,
    pub path_completed: i64,
    pub cpis_with_navigators: i64,
    pub cpis_with_on_the_job: i64,
    pub regions_with_navigators: i64,
    pub equipped: i64,
    pub items_outstanding_after_end: i64,
}

/// One area's row: `region` or `province` names it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(flatten)]
    pub values: IndicatorValues,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorReport {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub as_of: NaiveDate,
    /// The Region or province the report is limited to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    pub total: IndicatorValues,
    pub rows: Vec<IndicatorRow>,
}

/// How far apart the days of a series are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStep {
    Day,
    Week,
    Month,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorSeriesQuery {
    /// The first day (`YYYY-MM-DD`); a year before `to` when absent.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub from: Option<NaiveDate>,
    /// The last day (`YYYY-MM-DD`), always a point of the series; today
    /// when absent.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub to: Option<NaiveDate>,
    /// One point a day, a week or a month from `from` (`week` when absent);
    /// at most 400 points.
    #[param(inline)]
    pub step: Option<IndicatorStep>,
    /// ISTAT code of one Region.
    pub region: Option<String>,
    /// Sigla of one province.
    pub province: Option<String>,
}

/// The figures as of one day of a series, with the definitions of the
/// indicators of that day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSeriesPoint {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub as_of: NaiveDate,
    pub contracted: i64,
    pub active: i64,
    pub path_completed: i64,
}

/// Navigators contracted, active and through the whole training path over
/// time.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSeries {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub to: NaiveDate,
    pub step: IndicatorStep,
    /// The Region or province the series is limited to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    pub points: Vec<IndicatorSeriesPoint>,
}
