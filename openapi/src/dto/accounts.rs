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
    /// The second factor, for an account that has one: the 6-digit code
    /// from the authenticator app, or one of the recovery codes (each works
    /// once). Without it such an account is answered `totp-required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "492039")]
    pub totp: Option<String>,
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
    /// True when the account's role must have a second factor and it has
    /// none yet: this session may only enrol one (`/me/totp`); refresh it,
    /// or log in again, once enrolment is confirmed.
    #[serde(default)]
    pub totp_enrolment_required: bool,
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

/// A second factor waiting for its first code: shown once. Add it to an
/// authenticator app (the URI as a QR code, or the secret typed), then
/// confirm it with a code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotpEnrolment {
    /// The shared secret, base32.
    #[schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: String,
    /// `otpauth://totp/...` with the secret, the issuer and the account.
    pub otpauth_uri: String,
}

/// A code from the authenticator app (six digits) or, where said, a
/// recovery code.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCodeRequest {
    #[schema(example = "492039")]
    pub code: String,
}

/// The recovery codes of a confirmed second factor: shown once, each works
/// once in place of a code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotpRecoveryCodes {
    #[schema(example = json!(["abcde-fghjk"]))]
    pub recovery_codes: Vec<String>,
}

/// Where the caller's second factor stands.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotpStatus {
    /// A confirmed second factor: sign-ins ask for its code.
    pub enrolled: bool,
    /// An enrolment started and not yet confirmed.
    pub pending: bool,
    /// The caller's role must have a second factor (configuration).
    pub required: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}
