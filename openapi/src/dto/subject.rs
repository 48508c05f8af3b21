//! The subject access file (GDPR art. 15): everything the service holds
//! about one person.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Everything the service holds about one person, by section. `format`
/// names the shape: `navigator-ops/subject-access-file`, version
/// `format_version` (a field removed or renamed takes the next version).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubjectAccessFile {
    #[schema(example = "navigator-ops/subject-access-file")]
    pub format: String,
    #[schema(example = 1)]
    pub format_version: u32,
    pub codice_fiscale: String,
    pub produced_at: DateTime<Utc>,
    /// The account that produced it.
    pub produced_by: Option<String>,
    /// Every section, in order, each present even when empty: `accounts`,
    /// `applications`, `scores`, `ranking_positions`, `offers`,
    /// `navigators`, `contracts`, `hr_events`, `assignments`, `training`,
    /// `ojt_logs`, `equipment`, `questions`, `mails`, `audit`.
    pub sections: Vec<SubjectAccessSection>,
    /// What the file leaves out on purpose, and why.
    pub left_out: Vec<LeftOutView>,
}

/// One section: its records as stored (days `YYYY-MM-DD`, instants UTC
/// without offset), secrets removed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubjectAccessSection {
    pub key: String,
    pub title_it: String,
    pub title_en: String,
    /// JSON objects, one per stored record.
    pub records: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeftOutView {
    pub what_it: String,
    pub what_en: String,
    pub why_it: String,
    pub why_en: String,
}
