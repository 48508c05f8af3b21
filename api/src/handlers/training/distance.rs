use actix_web::{post, web};
use domain::selection::CodiceFiscale;
use domain::training::distance::Completion;
use domain::training::module_code;
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{DistanceCompletionItem, DistanceCompletionsResult};
use openapi::Problem;

use crate::app::training::{completions_of_file, RecordCompletions, Reported};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::csv_import::RowAt;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, RowsOrCsv};
use crate::state::AppState;

pub use crate::app::training::COMPLETIONS_HEADER as CSV_HEADER;

/// The rows of the body, with what is wrong in them on their own.
fn reported_rows(body: RowsOrCsv<DistanceCompletionItem>) -> (Vec<Reported>, Violations, RowAt) {
    let mut bad = Violations::new();
    let mut rows = Vec::new();
    match body {
        RowsOrCsv::Json(items) => {
            if items.is_empty() {
                bad.push(Violation::new("body", RuleCode::EmptyList));
            }
            for (i, item) in items.into_iter().enumerate() {
                let at = RowAt::Index(i);
                match CodiceFiscale::parse(&at.field("codice_fiscale"), &item.codice_fiscale) {
                    Err(v) => bad.push(v),
                    Ok(codice) => rows.push(Reported {
                        at,
                        codice,
                        module_code: module_code(&item.module_code),
                        completion: Completion {
                            completed_on: item.completed_on,
                            test_passed: item.test_passed,
                        },
                    }),
                }
            }
            (rows, bad, RowAt::Index(0))
        }
        RowsOrCsv::Csv(bytes) => {
            let (rows, bad) = completions_of_file(&bytes);
            (rows, bad, RowAt::Line(1))
        }
    }
}

/// Records distance-learning completions from the e-learning platform.
///
/// A JSON list or a CSV file (`text/csv`) with the header
/// `codice_fiscale,module_code,completed_on,test_passed`. Module codes are
/// those of each Navigator's path. All rows or none: every unknown person
/// or module, bad date (none after today) and repeated person-and-module is
/// named by index, or by line in a file. A failed test is stored but does
/// not count; a passed test replaces a failed one and is never undone by a
/// later failure; a module counts from the first day it was passed. Each
/// person's training progress is updated at once.
#[utoipa::path(
    tag = "training",
    request_body(
        description = "A JSON list of `{codice_fiscale, module_code, completed_on, test_passed}`, or a CSV file with the header `codice_fiscale,module_code,completed_on,test_passed`",
        content(
            (Vec<DistanceCompletionItem> = "application/json"),
            (String = "text/csv"),
        )
    ),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = DistanceCompletionsResult),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed (JSON), file-rejected (CSV)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/training/distance/completions")]
pub async fn record_completions(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: RowsOrCsv<DistanceCompletionItem>,
) -> ApiResult<web::Json<DistanceCompletionsResult>> {
    let (rows, rejected, kind) = reported_rows(body);
    let case = RecordCompletions {
        rows,
        rejected,
        kind,
    };
    let done = state.run(&caller, &meta, case).await?;
    Ok(web::Json(DistanceCompletionsResult {
        recorded: done.recorded,
        passed: done.passed,
        unchanged: done.unchanged,
    }))
}
