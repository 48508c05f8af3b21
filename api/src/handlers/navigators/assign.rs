use actix_web::{post, web, HttpResponse};
use domain::ids::NavigatorId;
use openapi::dto::{AssignmentRequest, AssignmentView};
use openapi::Problem;

use super::assignment_view;
use crate::app::navigators::AssignNavigator;
use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Assigns a Navigator to a CPI of their Region from a day; the open
/// assignment closes the day before. Coordinators assign their own Region's
/// Navigators, HR any.
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id")),
    request_body = AssignmentRequest,
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 201, body = AssignmentView),
        (status = 403, description = "out-of-scope: a Navigator of another Region", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already-assigned, assignment-not-after-current, cpi-at-capacity", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "cpi-in-another-region, convention-forbids-cpi-assignment, no-convention-in-force, contract-not-signed, outside-contract, before-operational-start; validation-failed for an unknown CPI", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/navigators/{id}/assignment")]
pub async fn assign_navigator(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<AssignmentRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let case = AssignNavigator {
        id: NavigatorId::from_stored(id.into_inner()),
        cpi_code: req.cpi_code,
        from: req.from,
    };
    let view = assignment_view(&state.run(&caller, &meta, case).await?)?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/navigators/{}/assignments", view.navigator_id),
        ))
        .json(view))
}
