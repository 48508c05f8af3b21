//! RFC 9457 problem details.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A stable code naming the problem, e.g. `convention-forbids-cpi-assignment`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary, the same for every occurrence of this type.
    pub title: String,
    pub status: u16,
    /// What went wrong this time, in plain words.
    pub detail: String,
    /// The request id, also in the `x-request-id` header and the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every field that broke a rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
}

/// One broken rule on one field (and, for files, one line).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemFieldError {
    /// Path of the field, e.g. `email`, `regions[0]`; for CSV the column.
    pub field: String,
    /// Stable code of the rule, e.g. `invalid-email`.
    pub code: String,
    pub message: String,
    /// 1-based line of the uploaded file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}
