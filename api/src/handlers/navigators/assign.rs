use actix_web::{post, web, HttpResponse};
use domain::assignment::{
    check_assignment, closes_on, AssignmentFacts, AssignmentRequest as Asked,
};
use domain::RuleCode;
use openapi::dto::{AssignmentRequest, AssignmentView};
use openapi::Problem;
use openapi::ProblemType;
use persistence::assignments::{self, ClosedBy, NewAssignment};
use persistence::{audit, contracts, reference};

use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::contracts::dates;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
use crate::navigators::{assignment_view, check_access};
use crate::state::AppState;

/// Assigns a Navigator to a CPI of their Region from a day; the open
/// assignment closes the day before. Coordinators assign their own Region's
/// Navigators, HR any.
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id")),
    request_body = AssignmentRequest,
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    body: ValidJson<AssignmentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.0;
    let cpi_code = req.cpi_code.trim().to_ascii_uppercase();
    let ctx = meta.audit(Some(&caller));
    let caller = caller.caller.clone();
    let view = state
        .write(move |conn| {
            // Row locks, Navigator then CPI: assignments of one Navigator,
            // and the counting of one CPI's places, run one at a time.
            if !assignments::lock_navigator(conn, &id)? {
                return Err(ApiError::NotFound {
                    entity: "navigator",
                });
            }
            let nav = contracts::get_navigator(conn, &id)?.ok_or(ApiError::Internal)?;
            check_access(&caller, &nav)?;
            let cpi = reference::get_cpi(conn, &cpi_code)?.ok_or_else(|| {
                ApiError::from(
                    domain::Violation::new("cpi_code", RuleCode::UnknownCpi).with_detail(&cpi_code),
                )
            })?;
            assignments::lock_cpi(conn, &cpi.cpi.code)?;
            let contract =
                contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
            let contract_dates = dates(conn, &contract)?;
            let convention = reference::get_convention(conn, &nav.region_code)?
                .map(|r| r.to_domain())
                .transpose()?;
            let region = reference::get_region(conn, &nav.region_code)?
                .map(|r| r.region.name)
                .unwrap_or_else(|| nav.region_code.clone());
            let history: Vec<_> = assignments::history_of(conn, &nav.id)?
                .iter()
                .map(|a| a.to_domain())
                .collect();
            let at_cpi: Vec<_> = assignments::at_cpi_from(conn, &cpi.cpi.code, req.from, &nav.id)?
                .iter()
                .map(|a| a.to_domain())
                .collect();
            check_assignment(
                &Asked {
                    navigator_region: &nav.region_code,
                    cpi_code: &cpi.cpi.code,
                    cpi_region: &cpi.region_code,
                    from: req.from,
                },
                &AssignmentFacts {
                    contract: &contract_dates,
                    convention: convention.as_ref(),
                    history: &history,
                    cpi_capacity: cpi.cpi.capacity,
                    cpi_assignments: &at_cpi,
                },
            )
            .map_err(|refusal| ApiError::Assignment { refusal, region })?;
            let previous = assignments::history_of(conn, &nav.id)?
                .into_iter()
                .find(|a| a.to_day.is_none());
            assignments::close_open(conn, &nav.id, closes_on(req.from), ClosedBy::Reassigned)?;
            let row = assignments::insert(
                conn,
                &NewAssignment {
                    navigator_id: &nav.id,
                    cpi_code: &cpi.cpi.code,
                    region_code: &nav.region_code,
                    from: req.from,
                    created_by: ctx.actor.as_deref(),
                },
            )
            .map_err(|e| {
                // The locks make this unreachable; the index is the backstop.
                if e.is_unique_violation() {
                    ApiError::conflict(ProblemType::AssignmentChanged, nav.id.clone())
                } else {
                    e.into()
                }
            })?;
            audit::append(
                conn,
                &ctx,
                "navigator.assigned",
                "navigator",
                &nav.id,
                previous.as_ref(),
                Some(&row),
            )?;
            assignment_view(&row, &cpi.cpi.name)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/navigators/{}/assignments", view.navigator_id),
        ))
        .json(view))
}
