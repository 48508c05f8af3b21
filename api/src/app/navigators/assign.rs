//! Assigns a Navigator to a CPI of their Region from a day; the open
//! assignment closes the day before. Coordinators assign their own Region's
//! Navigators, HR any.

use chrono::NaiveDate;
use domain::account::Role;
use domain::assignment::{
    check_assignment, closes_on, AssignmentFacts, AssignmentRequest as Asked,
};
use domain::ids::NavigatorId;
use domain::RuleCode;
use openapi::ProblemType;
use persistence::assignments::{self, ClosedBy, NewAssignment};
use persistence::{audit, contracts, reference, DbConnection};

use super::{check_access, AssignmentRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct AssignNavigator {
    pub id: NavigatorId,
    /// As asked: trimmed and upper-cased here.
    pub cpi_code: String,
    pub from: NaiveDate,
}

impl UseCase for AssignNavigator {
    type Outcome = AssignmentRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<AssignmentRecord> {
        let cpi_code = self.cpi_code.trim().to_ascii_uppercase();
        let ctx = act.audit();
        // Row locks, Navigator then CPI: assignments of one Navigator,
        // and the counting of one CPI's places, run one at a time.
        if !assignments::lock_navigator(conn, &self.id)? {
            return Err(ApiError::NotFound {
                entity: "navigator",
            });
        }
        let nav = contracts::get_navigator(conn, &self.id)?.ok_or(ApiError::Internal)?;
        if let Some(caller) = &act.caller {
            check_access(caller, &nav)?;
        }
        let cpi = reference::get_cpi(conn, &cpi_code)?.ok_or_else(|| {
            ApiError::from(
                domain::Violation::new("cpi_code", RuleCode::UnknownCpi).with_detail(&cpi_code),
            )
        })?;
        assignments::lock_cpi(conn, &cpi.cpi.code)?;
        let contract =
            contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
        let contract_dates = contracts::dates_of(conn, &contract)?;
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
        let at_cpi: Vec<_> = assignments::at_cpi_from(conn, &cpi.cpi.code, self.from, &nav.id)?
            .iter()
            .map(|a| a.to_domain())
            .collect();
        check_assignment(
            &Asked {
                navigator_region: &nav.region_code,
                cpi_code: &cpi.cpi.code,
                cpi_region: &cpi.region_code,
                from: self.from,
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
        assignments::close_open(conn, &nav.id, closes_on(self.from), ClosedBy::Reassigned)?;
        let row = assignments::insert(
            conn,
            &NewAssignment {
                navigator_id: &nav.id,
                cpi_code: &cpi.cpi.code,
                region_code: &nav.region_code,
                from: self.from,
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
        Ok(AssignmentRecord {
            assignment: row,
            cpi_name: cpi.cpi.name,
        })
    }
}
