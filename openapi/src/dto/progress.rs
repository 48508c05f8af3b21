//! A Navigator's training progress and on-the-job logs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

/// One bucket of a Navigator's path, in hours (quarter hours allowed).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BucketProgressView {
    pub required_hours: f64,
    /// Attended, passed or validated hours, also above the requirement.
    pub validated_hours: f64,
    /// Logged and awaiting the coordinator: shown apart, not counted.
    pub pending_hours: f64,
    pub complete: bool,
    /// The day the bucket filled.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub completed_on: Option<NaiveDate>,
}

/// The buckets of the path; a bucket the path lacks is absent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressBuckets {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classroom: Option<BucketProgressView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<BucketProgressView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_the_job: Option<BucketProgressView>,
}

/// A dated completion of mandatory training.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MandatoryTrainingView {
    /// `health_and_safety`, `data_protection` or `final_assessment`.
    pub item: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub completed_on: NaiveDate,
}

/// A Navigator's training progress: small and cheap to poll from the tablet.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrainingProgressView {
    /// The code of the path followed.
    pub path: String,
    pub buckets: ProgressBuckets,
    /// Hours that count, never above the path's total.
    pub total_hours: f64,
    pub required_hours: f64,
    /// One decimal, rounded down: 100 only when every bucket is complete.
    pub percent: f64,
    /// The day the last bucket filled; null until then.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub completed_on: Option<NaiveDate>,
    /// The latest completion of each mandatory item.
    pub mandatory: Vec<MandatoryTrainingView>,
}

/// An on-the-job log as the tablet sends it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OjtLogRequest {
    /// Made by the tablet, unique per Navigator: a retry with the same id
    /// answers the original log instead of adding another.
    pub client_id: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub day: NaiveDate,
    /// Quarter hours allowed.
    pub hours: f64,
    pub activity: String,
    /// The CPI the hours were at; when given it must be the one assigned
    /// that day. Omit it in a `remote` Region.
    #[serde(default)]
    pub cpi_code: Option<String>,
}

/// Where an on-the-job log stands: it counts once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogStatus {
    Pending,
    Validated,
    Rejected,
}

impl From<domain::training::ojt::LogStatus> for LogStatus {
    fn from(s: domain::training::ojt::LogStatus) -> Self {
        use domain::training::ojt::LogStatus as S;
        match s {
            S::Pending => Self::Pending,
            S::Validated => Self::Validated,
            S::Rejected => Self::Rejected,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OjtLogView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    pub client_id: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub day: NaiveDate,
    pub hours: f64,
    pub activity: String,
    /// Null in a `remote` Region.
    pub cpi_code: Option<String>,
    pub status: LogStatus,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OjtLogQuery {
    /// ISTAT code of the Region.
    pub region: Option<String>,
    /// `pending`, `validated` or `rejected`.
    pub status: Option<String>,
    /// One Navigator's logs.
    pub navigator: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectLogRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateLogsRequest {
    /// Up to 500 pending logs of the coordinator's Region: all are
    /// validated, or none.
    pub ids: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ValidateLogsResult {
    pub validated: usize,
}
