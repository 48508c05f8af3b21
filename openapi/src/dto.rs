//! Request and response bodies. Field names are the contract of API.md.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A page of a list; pass `next_cursor` back as `cursor` for the next one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many items (1-500, default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Paging of a list with at most one row per Region or province.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WholeListPageQuery {
    /// At most this many items (1-500, default 500: the whole list).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Navigator,
    Coordinator,
    Trainer,
    Hr,
    Admin,
}

impl From<Role> for domain::account::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Navigator => Self::Navigator,
            Role::Coordinator => Self::Coordinator,
            Role::Trainer => Self::Trainer,
            Role::Hr => Self::Hr,
            Role::Admin => Self::Admin,
        }
    }
}

impl From<domain::account::Role> for Role {
    fn from(r: domain::account::Role) -> Self {
        use domain::account::Role as D;
        match r {
            D::Navigator => Self::Navigator,
            D::Coordinator => Self::Coordinator,
            D::Trainer => Self::Trainer,
            D::Hr => Self::Hr,
            D::Admin => Self::Admin,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "coordinatore.lazio@anpalservizi.it")]
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: UserView,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The `token` of the link in the activation or reset mail.
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    /// ISTAT codes of the Regions a coordinator acts in; empty for national roles.
    pub regions: Vec<String>,
    pub navigator_id: Option<Uuid>,
    /// False until the person has set a password through the activation link.
    pub active: bool,
}

/// The caller; for a Navigator also their province and Region once contracted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub user: UserView,
    pub province: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: String,
    pub role: Role,
    /// Required for coordinators, refused for other roles.
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Required for Navigator accounts.
    #[serde(default)]
    pub navigator_id: Option<Uuid>,
    /// Without it, the person receives an activation link by mail.
    #[serde(default)]
    pub password: Option<String>,
}

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
    pub signed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// Whether it is in force today (Europe/Rome).
    pub in_force: bool,
    /// What the mode means for Navigators there, in words.
    pub summary: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionRequest {
    pub signed_on: NaiveDate,
    #[serde(default)]
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
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    /// How many records were created.
    pub imported: usize,
}

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
    pub completed_on: NaiveDate,
}

/// A recorded completion of mandatory training.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MandatoryCompletionView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    /// `health_and_safety`, `data_protection` or `final_assessment`.
    pub item: String,
    pub completed_on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The acting user's id; null for the system itself.
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `user`, `cpi`, `convention`.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// The acting user's id.
    pub actor: Option<String>,
    pub action: Option<String>,
    /// From this instant (RFC 3339) or day (`YYYY-MM-DD`), included.
    pub from: Option<String>,
    /// Up to this instant, or through this day.
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HealthView {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

// ---------------------------------------------------------------- selection

/// A selection (avviso). Omitted rules take the 2019 defaults.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionRequest {
    #[schema(example = "ANPAL-NAV-2019")]
    pub code: String,
    pub title: String,
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
    #[serde(default)]
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
    pub published_on: NaiveDate,
    pub questions: i64,
    pub pass_mark: i64,
    pub wrong_penalty: f64,
    pub admission_multiplier: i64,
    pub offer_days: i64,
    pub ranking_valid_months: i64,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_end: NaiveDate,
    pub decline_is_final: bool,
    pub admission_done: bool,
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
    pub published_on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingSummary {
    pub province: String,
    pub version: i64,
    pub published_on: NaiveDate,
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
    pub published_on: NaiveDate,
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
    #[serde(default)]
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
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
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

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfferView {
    pub id: Uuid,
    pub selection_id: Uuid,
    pub application_no: String,
    pub candidate_id: Uuid,
    /// The province of the seat offered.
    pub province: String,
    /// `pending`, `accepted`, `declined`, `lapsed` or `withdrawn`.
    pub status: String,
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
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

// ---------------------------------------------------------------- contracts

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftContractRequest {
    /// HR confirms the requirements were checked (degree, declarations).
    pub requirements_verified: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    pub signed_on: NaiveDate,
    pub start_date: NaiveDate,
    /// The selection's contract end by default.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SuspensionView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScheduledEnd {
    /// `resigned`, `withdrawn` or `excluded`.
    pub cause: String,
    /// From this day the contract is ended.
    pub effective_on: NaiveDate,
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
    /// `draft`, `signed`, `active`, `suspended`, `ended` or `cancelled`, today.
    pub status: String,
    /// `expired`, `resigned`, `withdrawn` or `excluded` once ended; null while running.
    pub end_cause: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: NaiveDate,
    /// max(start date, the Region's convention date): no CPI and no on-the-job hours before it.
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    pub new_end_date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkExtendRequest {
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
    pub submitted_on: NaiveDate,
    pub effective_on: NaiveDate,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyResignationRequest {
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
    pub effective_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OffboardingView {
    pub navigator_id: Uuid,
    pub contract_id: Uuid,
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
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

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
    /// The contract's state today: `draft`, `signed`, `active`, `suspended`, `ended` or `cancelled`.
    pub status: String,
    /// The first day they may work: `max(contract start, convention signed_on)`.
    pub operational_start: Option<NaiveDate>,
    /// The CPI they work in today; null when unassigned.
    pub cpi_code: Option<String>,
    pub cpi_name: Option<String>,
    /// Since when they work in that CPI.
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    pub cpi_code: String,
    /// The first day in the CPI; the previous assignment closes the day before.
    pub from: NaiveDate,
}

/// One placement of a Navigator in a CPI.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    pub cpi_code: String,
    pub cpi_name: String,
    pub from: NaiveDate,
    /// The last day, included; null while it is open.
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
    pub operational_start: Option<NaiveDate>,
    /// The assignment covering today; null when there is none.
    pub current: Option<AssignmentView>,
    /// An assignment that starts after today, if one is planned.
    pub next: Option<AssignmentView>,
}

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
    pub day: NaiveDate,
    /// Quarter hours allowed.
    pub hours: f64,
    pub activity: String,
    /// The CPI the hours were at; when given it must be the one assigned
    /// that day. Omit it in a `remote` Region.
    #[serde(default)]
    pub cpi_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OjtLogView {
    pub id: Uuid,
    pub navigator_id: Uuid,
    pub client_id: String,
    pub day: NaiveDate,
    pub hours: f64,
    pub activity: String,
    /// Null in a `remote` Region.
    pub cpi_code: Option<String>,
    /// `pending`, `validated` or `rejected`.
    pub status: String,
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
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

/// An item for the inventory; which fields a kind takes: smartphone `model`,
/// `imei` (`serial` optional); tablet `model` and `serial` or `imei`; SIM
/// `iccid`, `plan` and, for `voice_data`, `phone_number`; mailbox `mailbox`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// `smartphone`, `tablet`, `sim` or `mailbox`.
    pub kind: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub imei: Option<String>,
    #[serde(default)]
    pub iccid: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    /// `voice_data` or `data`.
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub mailbox: Option<String>,
    /// The procurement batch (e.g. the Consip order).
    #[serde(default)]
    pub batch: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemView {
    pub id: Uuid,
    pub kind: String,
    /// The part of the standard kit it is: `smartphone`, `sim_voice_data`,
    /// `tablet`, `sim_data` or `mailbox`.
    pub kit_part: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub plan: Option<String>,
    pub mailbox: Option<String>,
    pub batch: Option<String>,
    /// `in_stock`, `personalised`, `assigned`, `returned`, `lost`, `stolen`, `broken` or `retired`.
    pub state: String,
    /// The holder, while assigned.
    pub navigator_id: Option<Uuid>,
    /// The device a SIM sits in, or the SIM a device holds.
    pub paired_with: Option<Uuid>,
    pub assigned_on: Option<NaiveDate>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub return_condition: Option<String>,
    pub wiped: Option<bool>,
    pub reported_on: Option<NaiveDate>,
    /// A lost or stolen SIM the operator must block.
    pub block_requested: bool,
    pub deprovisioned_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentQuery {
    pub kind: Option<String>,
    pub state: Option<String>,
    /// The holder's navigator id.
    pub navigator: Option<String>,
    pub batch: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportedItems {
    pub imported: usize,
}

/// The day of a movement; today when absent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignItemRequest {
    pub navigator_id: String,
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnCondition {
    Good,
    Damaged,
    /// Unusable: the item becomes `broken`.
    Broken,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnItemRequest {
    pub condition: ReturnCondition,
    /// The device's data was wiped (required for smartphones and tablets).
    pub wiped: bool,
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteOffState {
    Lost,
    Stolen,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteOffRequest {
    pub state: WriteOffState,
    /// The day the loss or theft was reported.
    pub reported_on: NaiveDate,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// The smartphone or tablet the SIM goes into.
    pub device_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PairingView {
    pub sim_id: Uuid,
    pub device_id: Uuid,
    pub paired_at: DateTime<Utc>,
    pub unpaired_at: Option<DateTime<Utc>>,
}

/// A Navigator's kit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KitView {
    pub navigator_id: Uuid,
    /// The whole standard kit is assigned.
    pub complete: bool,
    pub items: Vec<ItemView>,
    /// The kit parts still missing.
    pub missing: Vec<String>,
    /// When the Navigator acknowledged receipt of every item they hold;
    /// null while some item is not acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

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
    pub as_of: Option<NaiveDate>,
    /// ISTAT code of one Region.
    pub region: Option<String>,
    /// Sigla of one province.
    pub province: Option<String>,
    /// One row per Region or per province, besides the total.
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
    pub as_of: NaiveDate,
    /// The Region or province the report is limited to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    pub total: IndicatorValues,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExtractQuery {
    /// The requester's application number: their entry is shown in full.
    // Optional to serde so that its absence is a problem naming the field.
    #[param(required = true)]
    pub application_no: Option<String>,
}

/// One position of a records-request extract. The requester's entry has
/// every field; every other entry has its initials and the titles the
/// ranking was decided on, and null where the requester's has who they are.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExtractEntryView {
    pub position: i64,
    /// True on the requester's own entry, the only one shown in full.
    pub requester: bool,
    /// One initial per word of the first and then the last names, e.g.
    /// `M. G. D.` for Maria Grazia D'Amico.
    pub initials: String,
    /// The requester's only: an application number identifies its holder.
    pub application_no: Option<String>,
    /// The requester's only.
    pub full_name: Option<String>,
    /// The requester's only.
    pub codice_fiscale: Option<String>,
    /// The requester's only.
    pub birth_date: Option<NaiveDate>,
    /// The requester's only.
    pub email: Option<String>,
    /// The requester's only, when they gave one.
    pub phone: Option<String>,
    /// Points with two decimals, e.g. 81.6.
    pub score: f64,
    pub right: Option<i64>,
    pub wrong: Option<i64>,
    pub blank: Option<i64>,
    pub degree_grade: i64,
    pub degree_honours: bool,
    /// `winner` (vincitore) or `reserve` (idoneo).
    pub status: String,
    /// What put this entry ahead of the next: `score`, `degree_grade`, `honours`, `age`, `application_number`; `last` for the final one.
    pub decided_by: String,
}

/// A records-request extract (accesso agli atti) of the version of a
/// province's ranking in force: the requester in full, everyone else by
/// initials only.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingExtractView {
    pub selection_id: Uuid,
    pub province: String,
    /// The version in force when the extract was made.
    pub version: i64,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub posts: i64,
    /// The reason of a correction (rettifica); null for the first version.
    pub reason: Option<String>,
    /// The application the extract was made for.
    pub application_no: String,
    /// In ranking order.
    pub entries: Vec<ExtractEntryView>,
}
