use actix_web::{patch, post, web, HttpResponse};
use domain::ids::{ApplicationId, SelectionId};
use domain::selection::application::ContactRectification;
use openapi::dto::{ApplicationContactView, ContactRectificationRequest, ImportResult};
use openapi::Problem;

use crate::accounts::parse_uuid;
pub use crate::app::selection::APPLICATIONS_CSV_HEADER as CSV_HEADER;
use crate::app::selection::{ImportApplications, RectifyContact};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{CsvUpload, RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Imports applications from CSV (API.md): every field is checked, one
/// application per codice fiscale per selection; all rows or none.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body(content = String, content_type = "text/csv",
        description = "application_no,codice_fiscale,first_name,last_name,birth_date,email,phone,province_sigla,degree_class,degree_grade,degree_honours"),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = ImportResult),
        (status = 409, description = "admission-done", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "file-rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/applications/import")]
pub async fn import_applications(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    file: CsvUpload,
) -> ApiResult<HttpResponse> {
    let case = ImportApplications {
        selection_id: SelectionId::from_stored(id.into_inner()),
        csv: file.0.into(),
    };
    let imported = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Created().json(ImportResult { imported }))
}

/// Rectifies an applicant's contact data (GDPR art. 16): the email and the
/// phone number, each checked as an import checks it (a blank phone
/// removes it). The audit log keeps the fields changed, before and after.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Application id")),
    request_body = ContactRectificationRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = ApplicationContactView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/applications/{id}/contact")]
pub async fn rectify_contact(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<ContactRectificationRequest>,
) -> ApiResult<web::Json<ApplicationContactView>> {
    let change = ContactRectification::parse(body.0.email.as_deref(), body.0.phone.as_deref())?;
    let case = RectifyContact {
        id: ApplicationId::from_stored(id.into_inner()),
        change,
    };
    let done = state.run(&caller, &meta, case).await?;
    let a = done.application;
    Ok(web::Json(ApplicationContactView {
        id: parse_uuid(&a.id)?,
        application_no: a.application_no,
        email: a.email,
        phone: a.phone,
        changed: done.changed,
    }))
}
