//! Selections, rankings, seats, calls, offers and candidates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

/// A selection (avviso). Omitted rules take the 2019 defaults.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionRequest {
    #[schema(example = "ANPAL-NAV-2019")]
    pub code: String,
    pub title: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
    /// Number of questions of the test (100).
    #[serde(default)]
    pub questions: Option<i64>,
    /// Minimum score to be ranked, in points (60).
    #[serde(default)]
    pub pass_mark: Option<i64>,
    /// Points off per wrong answer, at most two decimals (0.40).
    #[serde(default)]
    pub wrong_penalty: Option<f64>,
    /// Candidates admitted to the test per post (20).
    #[serde(default)]
    pub admission_multiplier: Option<i64>,
    /// Days a candidate has to answer an offer (7).
    #[serde(default)]
    pub offer_days: Option<i64>,
    /// Months a published ranking can be used for calls (24).
    #[serde(default)]
    pub ranking_valid_months: Option<i64>,
    /// Gross annual pay in cents (2,733,876).
    #[serde(default)]
    pub annual_pay_cents: Option<i64>,
    /// Flat monthly expenses in cents (30,000).
    #[serde(default)]
    pub monthly_expenses_cents: Option<i64>,
    /// Default end date of the contracts (2021-04-30).
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub contract_end: Option<NaiveDate>,
    /// Whether a candidate who declines or lets an offer lapse is never called again (true).
    #[serde(default)]
    pub decline_is_final: Option<bool>,
    /// The code of the training path its Navigators follow; without it,
    /// the oldest path (the seeded 2019 one).
    #[serde(default)]
    pub training_path: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SelectionView {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
    pub questions: i64,
    pub pass_mark: i64,
    pub wrong_penalty: f64,
    pub admission_multiplier: i64,
    pub offer_days: i64,
    pub ranking_valid_months: i64,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub contract_end: NaiveDate,
    pub decline_is_final: bool,
    pub admission_done: bool,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub rankings_published_on: Option<NaiveDate>,
    /// The code of the training path set for its Navigators; null: the
    /// oldest path (the seeded 2019 one).
    pub training_path: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostsItem {
    /// Province sigla, e.g. `NA`.
    pub province: String,
    pub posts: i64,
}

/// The provinces whose reserves a province's fallback calls from.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeighboursItem {
    /// Province sigla, e.g. `RM`.
    pub province: String,
    /// Siglas of other provinces of the same Region, e.g. `["LT", "FR"]`;
    /// an empty list gives the province back the default.
    pub neighbours: Vec<String>,
}

/// A province's fallback neighbours in force.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NeighboursView {
    pub province: String,
    /// Siglas, in order.
    pub neighbours: Vec<String>,
    /// `true`: the default, every other province of the Region; `false`:
    /// the list HR set.
    pub default: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AdmissionProvince {
    pub province: String,
    pub posts: i64,
    pub applicants: i64,
    /// At most `admission_multiplier x posts`.
    pub quota: i64,
    pub admitted: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AdmissionResult {
    pub admitted: i64,
    pub provinces: Vec<AdmissionProvince>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResultsImportResult {
    pub imported: usize,
    /// Of them, at or above the pass mark.
    pub passed: usize,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingSummary {
    pub province: String,
    pub version: i64,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub valid_until: NaiveDate,
    pub posts: i64,
    pub entries: i64,
    pub winners: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublishResult {
    pub rankings: Vec<RankingSummary>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingEntryView {
    pub position: i64,
    pub application_no: String,
    pub candidate_id: Uuid,
    pub full_name: String,
    /// Points with two decimals, e.g. 81.6.
    pub score: f64,
    pub degree_grade: i64,
    pub degree_honours: bool,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub birth_date: NaiveDate,
    /// `winner` (vincitore) or `reserve` (idoneo).
    pub status: String,
    /// What put this entry ahead of the next: `score`, `degree_grade`, `honours`, `age`, `application_number`; `last` for the final one.
    pub decided_by: String,
    /// Where the candidate stands in scorrimento: `waiting`, `offered`, `accepted`, `declined`, `lapsed`, `excluded`, `suspended`.
    pub candidate_state: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingView {
    pub selection_id: Uuid,
    pub province: String,
    pub version: i64,
    /// Every version of this ranking; the highest is in force.
    pub versions: Vec<i64>,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub valid_until: NaiveDate,
    pub posts: i64,
    /// The reason of a correction (rettifica); null for the first version.
    pub reason: Option<String>,
    pub entries: Vec<RankingEntryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// `winner` or `reserve`.
    pub status: Option<String>,
    /// A past version; the newest by default.
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultLine {
    pub application_no: String,
    pub right: i64,
    pub wrong: i64,
    pub blank: i64,
}

/// A correction (rettifica): a new version of one province's ranking.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub reason: String,
    /// The day the correction is published; today by default.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub published_on: Option<NaiveDate>,
    /// Corrected test results, if the correction changes any.
    #[serde(default)]
    pub results: Vec<ResultLine>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SeatView {
    pub province: String,
    pub region: String,
    pub posts: i64,
    /// Seats filled by signed or active contracts (DOMAIN.md §5).
    pub filled: i64,
    /// Seats held by accepted offers whose contract is not signed yet (no
    /// draft, or a draft).
    pub accepted_unsigned: i64,
    pub pending_offers: i64,
    /// Posts neither filled, nor accepted unsigned, nor held by a pending offer.
    pub vacant: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeatsQuery {
    /// ISTAT code of a Region.
    pub region: Option<String>,
    /// At most this many items (1-500, default 500: every province).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    /// Call from the reserves of the Region's other provinces when this province's list is exhausted.
    #[serde(default)]
    pub fallback: Option<bool>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Where an offer stands (DOMAIN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Pending,
    Accepted,
    /// Renuncia.
    Declined,
    /// The deadline passed without an answer.
    Lapsed,
    /// Withdrawn: the candidate was excluded or suspended, or their draft cancelled.
    Withdrawn,
}

impl From<domain::selection::scorrimento::OfferStatus> for OfferStatus {
    fn from(s: domain::selection::scorrimento::OfferStatus) -> Self {
        use domain::selection::scorrimento::OfferStatus as S;
        match s {
            S::Pending => Self::Pending,
            S::Accepted => Self::Accepted,
            S::Declined => Self::Declined,
            S::Lapsed => Self::Lapsed,
            S::Withdrawn => Self::Withdrawn,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfferView {
    pub id: Uuid,
    pub selection_id: Uuid,
    pub application_no: String,
    pub candidate_id: Uuid,
    /// The province of the seat offered.
    pub province: String,
    pub status: OfferStatus,
    pub deadline: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Called from another province's reserves.
    pub fallback: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    pub status: Option<String>,
    /// Province sigla of the seat.
    pub province: Option<String>,
    /// A selection id.
    pub selection: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Decline,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferResponse {
    /// The `token` of the link in the offer mail.
    pub token: String,
    pub decision: Decision,
    /// On a decline, the candidate's reason in their own words (optional).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateView {
    pub id: Uuid,
    pub selection_id: Uuid,
    pub application_no: String,
    pub full_name: String,
    pub province: String,
    pub state: String,
    pub state_reason: Option<String>,
}

/// A rectification of an applicant's contact data: the fields to change.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRectificationRequest {
    /// The new email.
    pub email: Option<String>,
    /// The new phone number; blank removes it.
    pub phone: Option<String>,
}

/// An application's contact data after a rectification.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationContactView {
    pub id: Uuid,
    pub application_no: String,
    pub email: String,
    pub phone: Option<String>,
    /// The fields the rectification changed (`email`, `phone`).
    pub changed: Vec<String>,
}
