//! Contract records as the JSON API shows them.

use openapi::dto::{CancellationView, ContractView, OffboardingView, ScheduledEnd, SuspensionView};

use crate::accounts::parse_uuid;
use crate::app::contracts::{ContractRecord, OffboardingRecord};
use crate::error::ApiResult;
use crate::handlers::equipment::views::item_view;

pub fn contract_view(record: &ContractRecord) -> ApiResult<ContractView> {
    let c = &record.contract;
    let nav = &record.navigator;
    Ok(ContractView {
        id: parse_uuid(&c.id)?,
        navigator_id: parse_uuid(&nav.id)?,
        application_no: record.application_no.clone(),
        full_name: format!("{} {}", nav.first_name, nav.last_name),
        province: c.province_sigla.clone(),
        region: c.region_code.clone(),
        status: record.status.into(),
        end_cause: record.end_cause.map(|e| e.as_str().to_owned()),
        signed_on: c.signed_on,
        start_date: c.start_date,
        end_date: c.end_date,
        operational_start: record.operational_start,
        contract_type: record.contract_type.into(),
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
        suspensions: record
            .suspensions
            .iter()
            .map(|s| SuspensionView {
                from: s.from_day,
                to: s.to_day,
                reason: s.reason.clone(),
            })
            .collect(),
        cancellation: match (c.cancelled_on, &c.cancellation_reason) {
            (Some(on), Some(reason)) => Some(CancellationView {
                cancelled_on: on,
                reason: reason.clone(),
            }),
            _ => None,
        },
    })
}

pub fn offboarding_view(record: &OffboardingRecord) -> ApiResult<OffboardingView> {
    let o = &record.offboarding;
    Ok(OffboardingView {
        navigator_id: parse_uuid(&o.navigator_id)?,
        contract_id: parse_uuid(&o.contract_id)?,
        ended_on: o.ended_on,
        outstanding: record
            .outstanding
            .iter()
            .map(item_view)
            .collect::<ApiResult<_>>()?,
        closed_at: o.closed_at.map(persistence::time::from_db),
    })
}
