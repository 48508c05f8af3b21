use actix_web::{post, web, HttpResponse};
use domain::ids::SelectionId;
use openapi::dto::ResultsImportResult;
use openapi::Problem;

use crate::app::selection::ImportResults;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{CsvUpload, RequestMeta, ValidPath};
use crate::state::AppState;

/// Imports the test results from the provider's file
/// (`application_no,right,wrong,blank`): all rows or none, every bad row named.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body(content = String, content_type = "text/csv", description = "application_no,right,wrong,blank"),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = ResultsImportResult),
        (status = 409, description = "admission-not-done or rankings-published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "file-rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/results/import")]
pub async fn import_results(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    file: CsvUpload,
) -> ApiResult<HttpResponse> {
    let case = ImportResults {
        selection_id: SelectionId::from_stored(id.into_inner()),
        csv: file.0.into(),
    };
    let r = state.run(&caller, &meta, case).await?;
    let result = ResultsImportResult {
        imported: r.imported,
        passed: r.passed,
    };
    Ok(HttpResponse::Created().json(result))
}
