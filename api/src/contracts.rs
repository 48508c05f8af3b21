//! Contract work shared by handlers and the background task: the view of a
//! contract on a day, and what an ending does once its day has come.

use chrono::{DateTime, NaiveDate, Utc};
use domain::contract::{ContractDates, ContractType, EndCause, Suspension};
use domain::convention::operational_start;
use openapi::dto::{CancellationView, ContractView, ScheduledEnd, SuspensionView};
use persistence::audit::{self, AuditContext};
use persistence::contracts::{self, ContractRow, NavigatorRow};
use persistence::{reference, selection, DbConnection};

use crate::accounts::parse_uuid;
use crate::error::{ApiError, ApiResult};

pub fn dates(conn: &mut DbConnection, c: &ContractRow) -> ApiResult<ContractDates> {
    let early_end = match (&c.end_cause, c.end_effective_on) {
        (Some(cause), Some(on)) => Some((EndCause::parse(cause).ok_or(ApiError::Internal)?, on)),
        _ => None,
    };
    Ok(ContractDates {
        signed_on: c.signed_on,
        start_date: c.start_date,
        end_date: Some(c.end_date),
        early_end,
        suspensions: contracts::suspensions_of(conn, &c.id)?
            .into_iter()
            .map(|s| Suspension {
                from: s.from_day,
                to: s.to_day,
            })
            .collect(),
        cancelled_on: c.cancelled_on,
    })
}

pub fn view(
    conn: &mut DbConnection,
    c: &ContractRow,
    nav: &NavigatorRow,
    application_no: &str,
    today: NaiveDate,
) -> ApiResult<ContractView> {
    let d = dates(conn, c)?;
    let convention = reference::get_convention(conn, &c.region_code)?
        .map(|r| r.to_domain())
        .transpose()?;
    let suspensions = contracts::suspensions_of(conn, &c.id)?
        .into_iter()
        .map(|s| SuspensionView {
            from: s.from_day,
            to: s.to_day,
            reason: s.reason,
        })
        .collect();
    Ok(ContractView {
        id: parse_uuid(&c.id)?,
        navigator_id: parse_uuid(&nav.id)?,
        application_no: application_no.to_owned(),
        full_name: format!("{} {}", nav.first_name, nav.last_name),
        province: c.province_sigla.clone(),
        region: c.region_code.clone(),
        status: d.status_on(today).as_str().to_owned(),
        end_cause: d.end_cause_on(today).map(|e| e.as_str().to_owned()),
        signed_on: c.signed_on,
        start_date: c.start_date,
        end_date: c.end_date,
        operational_start: c
            .start_date
            .and_then(|s| operational_start(s, convention.as_ref())),
        contract_type: ContractType::parse(&c.contract_type)
            .ok_or(ApiError::Internal)?
            .into(),
        annual_pay_cents: c.annual_pay_cents,
        monthly_expenses_cents: c.monthly_expenses_cents,
        scheduled_end: match (&c.end_cause, c.end_effective_on) {
            (Some(cause), Some(on)) => Some(ScheduledEnd {
                cause: cause.clone(),
                effective_on: on,
                submitted_on: c.end_submitted_on,
                reason: c.end_reason.clone(),
            }),
            _ => None,
        },
        suspensions,
        cancellation: match (c.cancelled_on, &c.cancellation_reason) {
            (Some(on), Some(reason)) => Some(CancellationView {
                cancelled_on: on,
                reason: reason.clone(),
            }),
            _ => None,
        },
    })
}

/// Loads a contract with its Navigator and application number.
pub fn load(conn: &mut DbConnection, id: &str) -> ApiResult<(ContractRow, NavigatorRow, String)> {
    let c = contracts::get_contract(conn, id)?.ok_or(ApiError::NotFound { entity: "contract" })?;
    let nav = contracts::get_navigator(conn, &c.navigator_id)?.ok_or(ApiError::Internal)?;
    let app = selection::get_application(conn, &nav.application_id)?.ok_or(ApiError::Internal)?;
    Ok((c, nav, app.application_no))
}

/// What an ending does once its day has come, whatever the cause: the seat
/// goes back to the province (the next call can be made at once), the
/// offboarding record opens (and closes at once if nothing is held), the
/// mailbox is deprovisioned and the CPI assignment closes. Returns how many contracts were settled.
pub fn release_ended(conn: &mut DbConnection, today: NaiveDate) -> ApiResult<usize> {
    let mut released = 0;
    for c in contracts::due_for_release(conn, today)? {
        let d = dates(conn, &c)?;
        if !d.releases_seat_on(today) {
            continue;
        }
        // Conditional: of two processes settling together, one does it.
        if !contracts::mark_seat_released(conn, &c.id, today)? {
            continue;
        }
        selection::move_seats(conn, &c.selection_id, &c.province_sigla, -1, 0)?;
        let ended_on = d.ended_from().unwrap_or(today);
        if c.signed_on.is_some() {
            contracts::open_offboarding(conn, &c, ended_on)?;
            crate::app::equipment::on_contract_end(conn, &c.navigator_id, ended_on)?;
        }
        if let Some(last) = d.last_day() {
            crate::navigators::end_assignment(conn, &c.navigator_id, last)?;
        }
        audit::append::<(), _>(
            conn,
            &AuditContext::system(),
            "contract.ended",
            "contract",
            &c.id,
            None,
            Some(&serde_json::json!({
                "ended_on": ended_on,
                "cause": d.end_cause_on(today).map(EndCause::as_str),
                "seat_released": c.province_sigla,
            })),
        )?;
        released += 1;
    }
    Ok(released)
}

/// Brings the records up to `now`: overdue offers lapse, ended contracts
/// release their seats. Runs in the background and before every read or
/// call that depends on seats.
pub fn settle(conn: &mut DbConnection, now: DateTime<Utc>, today: NaiveDate) -> ApiResult<()> {
    crate::scorrimento::lapse_overdue(conn, now, today)?;
    release_ended(conn, today)?;
    Ok(())
}
