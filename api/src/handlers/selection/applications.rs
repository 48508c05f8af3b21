use actix_web::{post, web, HttpResponse};
use domain::ids::SelectionId;
use openapi::dto::ImportResult;
use openapi::Problem;

use crate::app::selection::ImportApplications;
pub use crate::app::selection::APPLICATIONS_CSV_HEADER as CSV_HEADER;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{CsvUpload, RequestMeta, ValidPath};
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
