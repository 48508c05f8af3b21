//! Navigator work shared by handlers and the background task: who may see a
//! Navigator's record, the views of a Navigator and of their assignments,
//! and what a contract's end does to the assignment.

use chrono::NaiveDate;
use domain::account::Role;
use domain::assignment::{on_contract_end, EndOfContract};
use domain::convention::operational_start;
use openapi::dto::{AssignmentView, NavigatorView};
use persistence::assignments::{self, AssignmentRow, ClosedBy};
use persistence::audit::{self, AuditContext};
use persistence::contracts::{ContractRow, NavigatorRow};
use persistence::{reference, DbConnection};

use crate::accounts::parse_uuid;
use crate::auth::Caller;
use crate::contracts::dates;
use crate::error::{ApiError, ApiResult};

/// A Navigator's record is theirs, their Region's coordinators' and HR's.
/// Another Navigator gets 404: even its existence is not theirs to know.
pub fn check_access(caller: &Caller, nav: &NavigatorRow) -> ApiResult<()> {
    if caller.role == Role::Navigator {
        return if caller.navigator_id.as_deref() == Some(nav.id.as_str()) {
            Ok(())
        } else {
            Err(ApiError::NotFound {
                entity: "navigator",
            })
        };
    }
    if caller.covers_region(&nav.region_code) {
        Ok(())
    } else {
        Err(ApiError::OutOfScope)
    }
}

/// A Navigator caller asking for another Navigator's id: 404 before any read.
pub fn check_own_id(caller: &Caller, id: &str) -> ApiResult<()> {
    if caller.role == Role::Navigator && caller.navigator_id.as_deref() != Some(id) {
        return Err(ApiError::NotFound {
            entity: "navigator",
        });
    }
    Ok(())
}

pub fn assignment_view(row: &AssignmentRow, cpi_name: &str) -> ApiResult<AssignmentView> {
    Ok(AssignmentView {
        id: parse_uuid(&row.id)?,
        navigator_id: parse_uuid(&row.navigator_id)?,
        cpi_code: row.cpi_code.clone(),
        cpi_name: cpi_name.to_owned(),
        from: row.from_day,
        to: row.to_day,
        closed_by: row.closed_by.clone(),
    })
}

/// The views of assignment rows, with their CPIs' names.
pub fn assignment_views(
    conn: &mut DbConnection,
    rows: &[AssignmentRow],
) -> ApiResult<Vec<AssignmentView>> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.cpi_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let names = assignments::cpi_names(conn, &codes)?;
    rows.iter()
        .map(|r| {
            let name = names
                .iter()
                .find(|(c, _)| *c == r.cpi_code)
                .map(|(_, n)| n.as_str())
                .ok_or(ApiError::Internal)?;
            assignment_view(r, name)
        })
        .collect()
}

/// A Navigator on `today`, with the assignment covering it.
pub fn navigator_view(
    conn: &mut DbConnection,
    nav: &NavigatorRow,
    contract: &ContractRow,
    current: Option<&AssignmentRow>,
    today: NaiveDate,
) -> ApiResult<NavigatorView> {
    let d = dates(conn, contract)?;
    let convention = reference::get_convention(conn, &nav.region_code)?
        .map(|r| r.to_domain())
        .transpose()?;
    let cpi_name = match current {
        Some(a) => assignments::cpi_names(conn, std::slice::from_ref(&a.cpi_code))?
            .pop()
            .map(|(_, n)| n),
        None => None,
    };
    Ok(NavigatorView {
        id: parse_uuid(&nav.id)?,
        full_name: format!("{} {}", nav.first_name, nav.last_name),
        email: nav.email.clone(),
        province: nav.province_sigla.clone(),
        region: nav.region_code.clone(),
        contract_id: parse_uuid(&contract.id)?,
        status: d.status_on(today).as_str().to_owned(),
        operational_start: contract
            .start_date
            .and_then(|s| operational_start(s, convention.as_ref())),
        cpi_code: current.map(|a| a.cpi_code.clone()),
        cpi_name,
        assigned_from: current.map(|a| a.from_day),
    })
}

/// Closes the Navigator's open assignment on the contract's last day, or
/// cancels one that was to start after it (DOMAIN.md §6: an ending closes
/// the CPI assignment).
pub fn end_assignment(
    conn: &mut DbConnection,
    navigator_id: &str,
    last_day: NaiveDate,
) -> ApiResult<()> {
    // Waits for an assignment being made at this moment, then sees it.
    assignments::lock_navigator(conn, navigator_id)?;
    let Some(open) = assignments::history_of(conn, navigator_id)?
        .into_iter()
        .find(|a| a.to_day.is_none())
    else {
        return Ok(());
    };
    let (action, done) = match on_contract_end(&open.to_domain(), last_day) {
        EndOfContract::Keep => return Ok(()),
        EndOfContract::Close(to) => (
            "assignment.closed",
            assignments::close_open(conn, navigator_id, to, ClosedBy::ContractEnded)?,
        ),
        EndOfContract::Cancel => ("assignment.cancelled", assignments::cancel(conn, &open.id)?),
    };
    if done {
        audit::append(
            conn,
            &AuditContext::system(),
            action,
            "navigator",
            navigator_id,
            Some(&open),
            Some(&serde_json::json!({ "contract_last_day": last_day })),
        )?;
    }
    Ok(())
}
