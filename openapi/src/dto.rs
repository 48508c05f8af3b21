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
