//! Question RdC: topics, questions and their threads, the service's figures.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Cursor;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionTopicView {
    /// e.g. `eligibility`, `patto_per_il_lavoro`.
    pub code: String,
    pub label_it: String,
    pub label_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionTopicList {
    pub items: Vec<QuestionTopicView>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuestionRequest {
    /// A topic `code` of `GET /question-topics`.
    #[schema(example = "conditionality")]
    pub topic: String,
    /// The question, 1 to 4,000 characters.
    pub text: String,
}

/// An answer, a request for detail or the detail given.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionMessageRequest {
    /// 1 to 4,000 characters.
    pub text: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeQuestionRequest {
    /// The id of the question this one is merged into.
    pub into: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatusView {
    Open,
    Answered,
    Closed,
    Merged,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionMessageKind {
    Answer,
    DetailRequest,
    Detail,
}

/// One message of a question's thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionMessageView {
    pub kind: QuestionMessageKind,
    /// Who wrote it.
    pub author_id: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionView {
    pub id: String,
    pub topic: String,
    pub text: String,
    pub status: QuestionStatusView,
    /// The Navigator's account id.
    pub author_id: String,
    /// The expert who took it; null while nobody has.
    pub taken_by: Option<String>,
    pub taken_at: Option<DateTime<Utc>>,
    /// An expert asked the author for detail, and waits for it.
    pub awaiting_detail: bool,
    pub first_answered_at: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
    /// For the author: news (an answer, a request for detail) not yet
    /// opened. Opening the question (`GET /questions/{id}`) reads it.
    pub unread: bool,
    pub asked_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The thread, in order: only in `GET /questions/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<QuestionMessageView>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionListQuery {
    #[param(inline)]
    pub status: Option<QuestionStatusView>,
    /// A topic code.
    pub topic: Option<String>,
    /// `false`: only the questions nobody has taken; `true`: only taken ones.
    pub taken: Option<bool>,
    /// `true`: only the questions the calling expert has taken.
    pub mine: Option<bool>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionServiceQuery {
    /// The first day (`YYYY-MM-DD`).
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    /// The last day (`YYYY-MM-DD`), included.
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceUsers {
    /// Everyone who opened the service (questions or FAQ) on a day of the
    /// period, each counted once.
    pub total: i64,
    pub navigators: i64,
    /// Experts, HR, administrators and other ANPAL Servizi operators.
    pub other_operators: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OpenQuestionsByAge {
    /// When they are counted: the end of the period, or now while it lasts.
    pub as_of: DateTime<Utc>,
    pub total: i64,
    /// Bands by whole days since asked: `under_1_day`, `1_to_2_days`,
    /// `3_to_6_days`, `7_to_13_days`, `14_to_29_days`, `30_days_and_over`.
    pub bands: Vec<AgeBandCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgeBandCount {
    pub band: String,
    pub count: i64,
}

/// The Question RdC service's figures for a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionServiceReportView {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub to: NaiveDate,
    pub users: ServiceUsers,
    /// Questions asked in the period.
    pub questions_asked: i64,
    /// FAQ entries created in the period.
    pub faq_entries_created: i64,
    /// Questions whose first answer came in the period.
    pub questions_answered: i64,
    /// Their median time from asked to first answer, in seconds; null
    /// without any.
    pub median_seconds_to_first_answer: Option<f64>,
    pub open_questions: OpenQuestionsByAge,
}
