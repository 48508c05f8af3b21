//! Accounts, sessions and passwords.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Role;

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
