//! Navigators, contracts, suspensions, extensions and offboarding records.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::contract::{ContractDates, ContractType, EndCause, Suspension};

use crate::connection::DbConnection;
use crate::error::{stored, PersistenceError, Result};
use crate::schema::{
    applications, contract_extensions, contract_suspensions, contracts, navigators, offboardings,
};
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = navigators)]
pub struct NavigatorRow {
    pub id: String,
    pub application_id: String,
    pub selection_id: String,
    #[serde(skip)]
    pub codice_fiscale: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub province_sigla: String,
    pub region_code: String,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

pub struct NewNavigator<'a> {
    pub application_id: &'a str,
    pub selection_id: &'a str,
    pub codice_fiscale: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub province: &'a str,
    pub region: &'a str,
}

pub fn insert_navigator(conn: &mut DbConnection, n: &NewNavigator<'_>) -> Result<NavigatorRow> {
    let id = new_id();
    diesel::insert_into(navigators::table)
        .values((
            navigators::id.eq(&id),
            navigators::application_id.eq(n.application_id),
            navigators::selection_id.eq(n.selection_id),
            navigators::codice_fiscale.eq(n.codice_fiscale),
            navigators::first_name.eq(n.first_name),
            navigators::last_name.eq(n.last_name),
            navigators::email.eq(n.email),
            navigators::province_sigla.eq(n.province),
            navigators::region_code.eq(n.region),
            navigators::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_navigator(conn, &id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("navigator {id} vanished")))
}

pub fn get_navigator(conn: &mut DbConnection, id: &str) -> Result<Option<NavigatorRow>> {
    Ok(navigators::table
        .select(NavigatorRow::as_select())
        .filter(navigators::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn navigator_of_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Option<NavigatorRow>> {
    Ok(navigators::table
        .select(NavigatorRow::as_select())
        .filter(navigators::application_id.eq(application_id))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = contracts)]
pub struct ContractRow {
    pub id: String,
    pub navigator_id: String,
    pub offer_id: String,
    pub selection_id: String,
    pub province_sigla: String,
    pub region_code: String,
    #[serde(skip)]
    pub requirements_verified_at: chrono::NaiveDateTime,
    pub signed_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: NaiveDate,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub end_cause: Option<String>,
    pub end_effective_on: Option<NaiveDate>,
    pub end_submitted_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub seat_released_on: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
    pub contract_type: String,
    pub cancelled_on: Option<NaiveDate>,
    pub cancellation_reason: Option<String>,
}

pub struct NewContract<'a> {
    pub navigator_id: &'a str,
    pub offer_id: &'a str,
    pub selection_id: &'a str,
    pub province: &'a str,
    pub region: &'a str,
    pub end_date: NaiveDate,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_type: ContractType,
}

pub fn insert_contract(conn: &mut DbConnection, c: &NewContract<'_>) -> Result<ContractRow> {
    let id = new_id();
    diesel::insert_into(contracts::table)
        .values((
            contracts::id.eq(&id),
            contracts::navigator_id.eq(c.navigator_id),
            contracts::offer_id.eq(c.offer_id),
            contracts::selection_id.eq(c.selection_id),
            contracts::province_sigla.eq(c.province),
            contracts::region_code.eq(c.region),
            contracts::requirements_verified_at.eq(now()),
            contracts::end_date.eq(c.end_date),
            contracts::annual_pay_cents.eq(c.annual_pay_cents),
            contracts::monthly_expenses_cents.eq(c.monthly_expenses_cents),
            contracts::contract_type.eq(c.contract_type.as_str()),
            contracts::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_contract(conn, &id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("contract {id} vanished")))
}

pub fn get_contract(conn: &mut DbConnection, id: &str) -> Result<Option<ContractRow>> {
    Ok(contracts::table
        .select(ContractRow::as_select())
        .filter(contracts::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn contract_of_offer(conn: &mut DbConnection, offer_id: &str) -> Result<Option<ContractRow>> {
    Ok(contracts::table
        .select(ContractRow::as_select())
        .filter(contracts::offer_id.eq(offer_id))
        .first(conn)
        .optional()?)
}

/// Accepted offers with no contract drafted yet, with the candidate's
/// application number, by id: the drafts HR still has to make.
pub fn accepted_undrafted(
    conn: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<(crate::offers::OfferRow, String)>> {
    use crate::schema::offers;
    let drafted = contracts::table
        .filter(contracts::offer_id.eq(offers::id))
        .select(contracts::id);
    let mut q = offers::table
        .inner_join(applications::table)
        .select((
            crate::offers::OfferRow::as_select(),
            applications::application_no,
        ))
        .filter(offers::status.eq("accepted"))
        .filter(diesel::dsl::not(diesel::dsl::exists(drafted)))
        .into_boxed();
    if let Some(a) = after_id {
        q = q.filter(offers::id.gt(a.to_owned()));
    }
    Ok(q.order(offers::id).limit(limit).load(conn)?)
}

/// The Navigator's newest contract.
pub fn contract_of_navigator(
    conn: &mut DbConnection,
    navigator_id: &str,
) -> Result<Option<ContractRow>> {
    Ok(contracts::table
        .select(ContractRow::as_select())
        .filter(contracts::navigator_id.eq(navigator_id))
        .order(contracts::id.desc())
        .first(conn)
        .optional()?)
}

/// Signs a draft; `false` when it was signed or cancelled meanwhile.
pub fn sign(
    conn: &mut DbConnection,
    id: &str,
    signed_on: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<bool> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::signed_on.is_null())
            .filter(contracts::cancelled_on.is_null()),
    )
    .set((
        contracts::signed_on.eq(Some(signed_on)),
        contracts::start_date.eq(Some(start)),
        contracts::end_date.eq(end),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Cancels a draft on `on`, the day its seat goes back to the province;
/// `false` when it was signed or cancelled meanwhile, so of two requests
/// cancelling at once one does it.
pub fn cancel(conn: &mut DbConnection, id: &str, on: NaiveDate, reason: &str) -> Result<bool> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::signed_on.is_null())
            .filter(contracts::cancelled_on.is_null()),
    )
    .set((
        contracts::cancelled_on.eq(Some(on)),
        contracts::cancellation_reason.eq(Some(reason)),
        contracts::seat_released_on.eq(Some(on)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves the end date forward from `previous` and records the extension;
/// `false` when the end date had changed meanwhile.
pub fn extend(
    conn: &mut DbConnection,
    id: &str,
    previous: NaiveDate,
    new_end: NaiveDate,
    reason: &str,
    batch_id: Option<&str>,
    created_by: Option<&str>,
) -> Result<bool> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::end_date.eq(previous))
            .filter(contracts::end_cause.is_null()),
    )
    .set(contracts::end_date.eq(new_end))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(contract_extensions::table)
        .values((
            contract_extensions::id.eq(new_id()),
            contract_extensions::contract_id.eq(id),
            contract_extensions::previous_end.eq(previous),
            contract_extensions::new_end.eq(new_end),
            contract_extensions::reason.eq(reason),
            contract_extensions::batch_id.eq(batch_id),
            contract_extensions::created_by.eq(created_by),
            contract_extensions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Records an early ending; `false` when the contract already had one.
pub fn end_early(
    conn: &mut DbConnection,
    id: &str,
    cause: &str,
    effective_on: NaiveDate,
    submitted_on: NaiveDate,
    reason: Option<&str>,
) -> Result<bool> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::end_cause.is_null()),
    )
    .set((
        contracts::end_cause.eq(Some(cause)),
        contracts::end_effective_on.eq(Some(effective_on)),
        contracts::end_submitted_on.eq(Some(submitted_on)),
        contracts::end_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = contract_suspensions)]
pub struct SuspensionRow {
    pub id: String,
    pub contract_id: String,
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    pub reason: String,
    pub created_by: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl ContractRow {
    pub fn contract_type(&self) -> Result<ContractType> {
        stored(
            "contracts.contract_type",
            &self.contract_type,
            ContractType::parse,
        )
    }

    /// The contract's dates as the domain reads them, with its suspensions.
    pub fn dates_with(&self, suspensions: &[SuspensionRow]) -> Result<ContractDates> {
        let early_end = match (&self.end_cause, self.end_effective_on) {
            (Some(cause), Some(on)) => Some((
                EndCause::parse(cause)
                    .ok_or_else(|| PersistenceError::Corrupt(format!("end cause {cause}")))?,
                on,
            )),
            _ => None,
        };
        Ok(ContractDates {
            signed_on: self.signed_on,
            start_date: self.start_date,
            end_date: Some(self.end_date),
            early_end,
            suspensions: suspensions
                .iter()
                .map(|s| Suspension {
                    from: s.from_day,
                    to: s.to_day,
                })
                .collect(),
            cancelled_on: self.cancelled_on,
        })
    }
}

/// The contract's dates as the domain reads them, its suspensions read.
pub fn dates_of(conn: &mut DbConnection, c: &ContractRow) -> Result<ContractDates> {
    c.dates_with(&suspensions_of(conn, &c.id)?)
}

/// The suspensions of each of `contract_ids`, in order, by contract (those
/// with none left out).
pub fn suspensions_of_many(
    conn: &mut DbConnection,
    contract_ids: &[String],
) -> Result<std::collections::HashMap<String, Vec<SuspensionRow>>> {
    let mut out: std::collections::HashMap<String, Vec<SuspensionRow>> = Default::default();
    for chunk in contract_ids.chunks(500) {
        let rows: Vec<SuspensionRow> = contract_suspensions::table
            .select(SuspensionRow::as_select())
            .filter(contract_suspensions::contract_id.eq_any(chunk))
            .order((
                contract_suspensions::contract_id,
                contract_suspensions::from_day,
            ))
            .load(conn)?;
        for r in rows {
            out.entry(r.contract_id.clone()).or_default().push(r);
        }
    }
    Ok(out)
}

/// The Region of each of `ids` that is a Navigator.
pub fn navigator_regions(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            navigators::table
                .select((navigators::id, navigators::region_code))
                .filter(navigators::id.eq_any(chunk))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}

pub fn suspensions_of(conn: &mut DbConnection, contract_id: &str) -> Result<Vec<SuspensionRow>> {
    Ok(contract_suspensions::table
        .select(SuspensionRow::as_select())
        .filter(contract_suspensions::contract_id.eq(contract_id))
        .order(contract_suspensions::from_day)
        .load(conn)?)
}

pub fn insert_suspension(
    conn: &mut DbConnection,
    contract_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    reason: &str,
    created_by: Option<&str>,
) -> Result<()> {
    diesel::insert_into(contract_suspensions::table)
        .values((
            contract_suspensions::id.eq(new_id()),
            contract_suspensions::contract_id.eq(contract_id),
            contract_suspensions::from_day.eq(from),
            contract_suspensions::to_day.eq(to),
            contract_suspensions::reason.eq(reason),
            contract_suspensions::created_by.eq(created_by),
            contract_suspensions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub region: Option<String>,
    pub province: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Contracts with their Navigator and application number, by creation.
pub fn list(
    conn: &mut DbConnection,
    f: &ContractFilter,
) -> Result<Vec<(ContractRow, NavigatorRow, String)>> {
    let mut q = contracts::table
        .inner_join(navigators::table)
        .inner_join(applications::table.on(applications::id.eq(navigators::application_id)))
        .select((
            ContractRow::as_select(),
            NavigatorRow::as_select(),
            applications::application_no,
        ))
        .into_boxed();
    if let Some(r) = &f.region {
        q = q.filter(contracts::region_code.eq(r.clone()));
    }
    if let Some(p) = &f.province {
        q = q.filter(contracts::province_sigla.eq(p.clone()));
    }
    if let Some(a) = &f.after_id {
        q = q.filter(contracts::id.gt(a.clone()));
    }
    Ok(q.order(contracts::id).limit(f.limit).load(conn)?)
}

/// Signed contracts with no early end: candidates for a bulk extension.
pub fn running(conn: &mut DbConnection, region: Option<&str>) -> Result<Vec<ContractRow>> {
    let mut q = contracts::table
        .select(ContractRow::as_select())
        .filter(contracts::signed_on.is_not_null())
        .filter(contracts::end_cause.is_null())
        .into_boxed();
    if let Some(r) = region {
        q = q.filter(contracts::region_code.eq(r.to_owned()));
    }
    Ok(q.order(contracts::id).load(conn)?)
}

/// Signed contracts ended on `today` (effective early end, or past the end
/// date) whose seat is still held. A draft has not ended: it keeps its seat.
pub fn due_for_release(conn: &mut DbConnection, today: NaiveDate) -> Result<Vec<ContractRow>> {
    Ok(contracts::table
        .select(ContractRow::as_select())
        .filter(contracts::seat_released_on.is_null())
        .filter(contracts::signed_on.is_not_null())
        .filter(
            contracts::end_effective_on
                .le(today)
                .or(contracts::end_date.lt(today)),
        )
        .order(contracts::id)
        .load(conn)?)
}

/// `false` when another process released it first.
pub fn mark_seat_released(conn: &mut DbConnection, id: &str, on: NaiveDate) -> Result<bool> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::seat_released_on.is_null()),
    )
    .set(contracts::seat_released_on.eq(Some(on)))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = offboardings)]
pub struct OffboardingRow {
    pub id: String,
    pub contract_id: String,
    pub navigator_id: String,
    pub ended_on: NaiveDate,
    pub opened_at: chrono::NaiveDateTime,
    pub closed_at: Option<chrono::NaiveDateTime>,
}

pub fn open_offboarding(
    conn: &mut DbConnection,
    contract: &ContractRow,
    ended_on: NaiveDate,
) -> Result<()> {
    let exists = offboardings::table
        .filter(offboardings::contract_id.eq(&contract.id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        diesel::insert_into(offboardings::table)
            .values((
                offboardings::id.eq(new_id()),
                offboardings::contract_id.eq(&contract.id),
                offboardings::navigator_id.eq(&contract.navigator_id),
                offboardings::ended_on.eq(ended_on),
                offboardings::opened_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn offboardings(
    conn: &mut DbConnection,
    open_only: bool,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<OffboardingRow>> {
    let mut q = offboardings::table
        .select(OffboardingRow::as_select())
        .into_boxed();
    if open_only {
        q = q.filter(offboardings::closed_at.is_null());
    }
    if let Some(a) = after_id {
        q = q.filter(offboardings::id.gt(a.to_owned()));
    }
    Ok(q.order(offboardings::id).limit(limit).load(conn)?)
}

/// Navigators by codice fiscale (stored upper case). A person hired in two
/// selections has a Navigator record for each: the newest comes first.
pub fn navigators_by_codice_fiscale(
    conn: &mut DbConnection,
    codici: &[String],
) -> Result<Vec<NavigatorRow>> {
    let mut out = Vec::new();
    // In slices, far below either engine's limit on bound parameters.
    for chunk in codici.chunks(500) {
        out.extend(
            navigators::table
                .select(NavigatorRow::as_select())
                .filter(navigators::codice_fiscale.eq_any(chunk))
                .load(conn)?,
        );
    }
    out.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(out)
}

/// Closes the Navigator's open offboarding records; how many closed.
pub fn close_offboardings(conn: &mut DbConnection, navigator_id: &str) -> Result<usize> {
    Ok(diesel::update(
        offboardings::table
            .filter(offboardings::navigator_id.eq(navigator_id))
            .filter(offboardings::closed_at.is_null()),
    )
    .set(offboardings::closed_at.eq(Some(now())))
    .execute(conn)?)
}

/// Whether the Navigator has an open offboarding record.
pub fn has_open_offboarding(conn: &mut DbConnection, navigator_id: &str) -> Result<bool> {
    let n: i64 = offboardings::table
        .filter(offboardings::navigator_id.eq(navigator_id))
        .filter(offboardings::closed_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
