//! `/me/totp`: the caller's second factor (TOTP): enrol, confirm, read,
//! remove; `/users/{id}/totp`: an administrator removes another's.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{delete, get, post, web, HttpResponse};
use openapi::dto::{TotpCodeRequest, TotpEnrolment, TotpRecoveryCodes, TotpStatus};
use openapi::Problem;

use crate::app::auth::{
    ConfirmEnrolment, DisableOwnFactor, ReadFactorStatus, ResetFactor, StartEnrolment,
};
use crate::auth::caller::{AdminOnly, Enrolling};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Secrets and recovery codes are shown once: no cache may keep them.
fn not_stored() -> CacheControl {
    CacheControl(vec![CacheDirective::NoStore])
}

/// Where the caller's second factor stands. Open to a session limited to
/// enrolment.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = TotpStatus),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/totp")]
pub async fn totp_status(
    state: web::Data<AppState>,
    caller: Enrolling,
    meta: RequestMeta,
) -> ApiResult<web::Json<TotpStatus>> {
    let s = state.run(&caller, &meta, ReadFactorStatus).await?;
    Ok(web::Json(TotpStatus {
        enrolled: s.enrolled,
        pending: s.pending,
        required: s.required,
        recovery_codes_left: s.recovery_codes_left,
    }))
}

/// Starts enrolling a second factor (staff): the server makes a secret and
/// shows it once, as an `otpauth://` URI and in base32. Starting again
/// before confirming replaces it. Open to a session limited to enrolment.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = TotpEnrolment),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "totp-already-enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/totp")]
pub async fn start_enrolment(
    state: web::Data<AppState>,
    caller: Enrolling,
    meta: RequestMeta,
) -> ApiResult<HttpResponse> {
    let e = state.run(&caller, &meta, StartEnrolment).await?;
    Ok(HttpResponse::Created()
        .insert_header(not_stored())
        .json(TotpEnrolment {
            secret: e.secret,
            otpauth_uri: e.otpauth_uri,
        }))
}

/// Confirms the enrolment with a code from the app; answers the recovery
/// codes, shown once. From now on sign-ins ask for a code. A session
/// limited to enrolment becomes a full one at its next refresh.
#[utoipa::path(
    tag = "self",
    request_body = TotpCodeRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = TotpRecoveryCodes),
        (status = 401, description = "totp-wrong-code, totp-replayed", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "totp-not-enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/totp/confirm")]
pub async fn confirm_enrolment(
    state: web::Data<AppState>,
    caller: Enrolling,
    meta: RequestMeta,
    body: ValidJson<TotpCodeRequest>,
) -> ApiResult<HttpResponse> {
    let case = ConfirmEnrolment { code: body.0.code };
    let recovery_codes = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Ok()
        .insert_header(not_stored())
        .json(TotpRecoveryCodes { recovery_codes }))
}

/// Removes the caller's second factor, proven with a code or a recovery
/// code (to move to another phone: remove it, then enrol again).
#[utoipa::path(
    tag = "self",
    request_body = TotpCodeRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "totp-wrong-code, totp-replayed, recovery-code-used", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "totp-not-enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/totp/disable")]
pub async fn disable_own(
    state: web::Data<AppState>,
    caller: Enrolling,
    meta: RequestMeta,
    body: ValidJson<TotpCodeRequest>,
) -> ApiResult<HttpResponse> {
    let case = DisableOwnFactor { code: body.0.code };
    state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes another account's second factor (admin; audited): for a lost
/// phone with no recovery code left. The account's sessions end with it; it
/// enrols again at its next sign-in if its role requires a second factor.
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "User id")),
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "totp-not-enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}/totp")]
pub async fn reset_for_user(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    id: ValidPath<uuid::Uuid>,
) -> ApiResult<HttpResponse> {
    let case = ResetFactor {
        user_id: id.into_inner().to_string(),
    };
    let ended = state.run(&caller, &meta, case).await?;
    state.apply_revoked(ended);
    Ok(HttpResponse::NoContent().finish())
}
