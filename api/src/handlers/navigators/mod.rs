//! Navigators and their CPI assignments (DOMAIN.md §9).

pub mod assign;
pub mod history;
pub mod list;
pub mod training;

use openapi::dto::{AssignmentView, NavigatorView};

use crate::accounts::parse_uuid;
use crate::app::navigators::{AssignmentRecord, NavigatorRecord};
use crate::error::ApiResult;

pub fn assignment_view(r: &AssignmentRecord) -> ApiResult<AssignmentView> {
    let row = &r.assignment;
    Ok(AssignmentView {
        id: parse_uuid(&row.id)?,
        navigator_id: parse_uuid(&row.navigator_id)?,
        cpi_code: row.cpi_code.clone(),
        cpi_name: r.cpi_name.clone(),
        from: row.from_day,
        to: row.to_day,
        closed_by: row.closed_by.clone(),
    })
}

pub fn navigator_view(r: &NavigatorRecord) -> ApiResult<NavigatorView> {
    let (nav, current) = (&r.navigator, r.current.as_ref());
    Ok(NavigatorView {
        id: parse_uuid(&nav.id)?,
        full_name: format!("{} {}", nav.first_name, nav.last_name),
        email: nav.email.clone(),
        province: nav.province_sigla.clone(),
        region: nav.region_code.clone(),
        contract_id: parse_uuid(&r.contract.id)?,
        status: r.status.into(),
        operational_start: r.operational_start,
        cpi_code: current.map(|a| a.cpi_code.clone()),
        cpi_name: r.cpi_name.clone(),
        assigned_from: current.map(|a| a.from_day),
    })
}
