//! The subject access file (GDPR art. 15): a person's data as the service
//! holds it, by codice fiscale for HR and administrators, and a
//! Navigator's own. Each production is recorded in the audit log.

use actix_web::{get, web};
use domain::selection::CodiceFiscale;
use openapi::dto::SubjectAccessFile;
use openapi::Problem;

use crate::app::subjects::{ProduceAccessFile, ProduceOwnAccessFile};
use crate::auth::caller::{AdminOrHr, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidPath};
use crate::state::AppState;

/// Everything the service holds about the person with this codice fiscale:
/// applications, scores, ranking positions (every version), offers,
/// contracts and their HR events, CPI assignments, training, on-the-job
/// hours, equipment, questions, messages sent and the audit lines about
/// them. Secrets are left out, and `left_out` says which and why. The
/// production is recorded in the audit log (`subject.access_file`).
#[utoipa::path(
    tag = "subjects",
    params(("codice_fiscale" = String, Path, description = "The person's codice fiscale (16 characters, check character included)")),
    security(("bearer_auth" = ["admin", "hr"])),
    responses(
        (status = 200, body = SubjectAccessFile),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The service holds nothing about that codice fiscale", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-codice-fiscale-format, invalid-codice-fiscale-check", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/subjects/{codice_fiscale}/access-file")]
pub async fn access_file(
    state: web::Data<AppState>,
    caller: Authorized<AdminOrHr>,
    meta: RequestMeta,
    codice_fiscale: ValidPath<String>,
) -> ApiResult<web::Json<SubjectAccessFile>> {
    let codice = CodiceFiscale::parse("codice_fiscale", &codice_fiscale.into_inner())
        .map_err(ApiError::from)?;
    let file = state
        .run(&caller, &meta, ProduceAccessFile { codice })
        .await?;
    Ok(web::Json(file))
}

/// The calling Navigator's own subject access file, as HR would produce
/// it; recorded in the audit log alike.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = SubjectAccessFile),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/access-file")]
pub async fn own_access_file(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<SubjectAccessFile>> {
    Ok(web::Json(
        state.run(&caller, &meta, ProduceOwnAccessFile).await?,
    ))
}
