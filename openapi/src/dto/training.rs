//! The training path: paths, modules, sessions, attendance, distance and mandatory training.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrainingModuleView {
    pub code: String,
    pub title: String,
    pub hours: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrainingBucketView {
    /// `classroom`, `distance` or `on_the_job`.
    pub kind: String,
    pub share_percent: i64,
    pub hours: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modules: Option<Vec<TrainingModuleView>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrainingPathView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub total_hours: i64,
    pub final_assessment_required: bool,
    pub buckets: Vec<TrainingBucketView>,
}

/// The kind of a bucket of a training path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingBucketKind {
    Classroom,
    Distance,
    OnTheJob,
}

impl From<TrainingBucketKind> for domain::training::BucketKind {
    fn from(k: TrainingBucketKind) -> Self {
        match k {
            TrainingBucketKind::Classroom => Self::Classroom,
            TrainingBucketKind::Distance => Self::Distance,
            TrainingBucketKind::OnTheJob => Self::OnTheJob,
        }
    }
}

/// A distance-learning module: whole hours.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrainingModuleRequest {
    #[schema(example = "FAD-09")]
    pub code: String,
    pub title: String,
    pub hours: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrainingBucketRequest {
    pub kind: TrainingBucketKind,
    /// Whole percent of the path's hours; the shares sum to 100.
    pub share_percent: i64,
    /// Only on the `distance` bucket; together at least the bucket's hours.
    #[serde(default)]
    pub modules: Vec<NewTrainingModuleRequest>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrainingPathRequest {
    #[schema(example = "navigator-2020")]
    pub code: String,
    pub name: String,
    pub total_hours: i64,
    /// Whether the path ends with a final assessment (default false).
    #[serde(default)]
    pub final_assessment_required: bool,
    pub buckets: Vec<NewTrainingBucketRequest>,
}

/// A classroom session; hours in quarter hours.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassroomSessionRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub day: NaiveDate,
    #[schema(example = 4.5)]
    pub hours: f64,
    pub place: String,
    /// Who teaches: a name, not an account.
    pub trainer: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassroomSessionView {
    pub id: Uuid,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub day: NaiveDate,
    pub hours: f64,
    pub place: String,
    pub trainer: String,
}

/// One person's attendance at a session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceItem {
    pub navigator_id: Uuid,
    /// Attended hours, in quarter hours, at most the session's.
    #[schema(example = 4.5)]
    pub hours: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttendanceResult {
    /// People whose attendance was recorded for the first time.
    pub recorded: usize,
    /// People whose hours were recorded before and are now corrected.
    pub corrected: usize,
}

/// One completion from the e-learning platform.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DistanceCompletionItem {
    pub codice_fiscale: String,
    /// A module code of the Navigator's path, e.g. `FAD-01`.
    pub module_code: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub completed_on: NaiveDate,
    pub test_passed: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DistanceCompletionsResult {
    /// Completions stored: new, or in place of a failed attempt.
    pub recorded: usize,
    /// Of them, with the test passed: these count.
    pub passed: usize,
    /// Completions that changed nothing: a module already passed, or an
    /// attempt older than the one kept.
    pub unchanged: usize,
}

/// A mandatory training item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MandatoryItem {
    HealthAndSafety,
    DataProtection,
    FinalAssessment,
}

impl From<MandatoryItem> for domain::training::mandatory::MandatoryItem {
    fn from(i: MandatoryItem) -> Self {
        match i {
            MandatoryItem::HealthAndSafety => Self::HealthAndSafety,
            MandatoryItem::DataProtection => Self::DataProtection,
            MandatoryItem::FinalAssessment => Self::FinalAssessment,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MandatoryTrainingRequest {
    pub item: MandatoryItem,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub completed_on: NaiveDate,
}

/// A recorded completion of mandatory training.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MandatoryCompletionView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    /// `health_and_safety`, `data_protection` or `final_assessment`.
    pub item: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub completed_on: NaiveDate,
}
