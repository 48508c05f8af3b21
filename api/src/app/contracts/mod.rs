//! Contracts and HR events (DOMAIN.md §6): a draft from an accepted offer,
//! signature, extensions, endings, suspensions, the cancellation of a draft;
//! and the offboarding records. What ending a contract does, whatever its
//! cause, is [`end_contract`]; [`settle`] brings the records up to date.

mod cancel_contract;
mod draft_contract;
mod end_contract;
mod extend_contract;
mod extend_contracts;
mod list_contracts;
mod list_offboarding;
mod list_undrafted;
mod preview_change;
mod read_contract;
mod release_ended;
mod sign_contract;
mod suspend_contract;

pub use cancel_contract::CancelContract;
pub use draft_contract::DraftContract;
pub use end_contract::{RegisterResignation, ResignOwn, TerminateContract, Termination};
pub use extend_contract::ExtendContract;
pub use extend_contracts::{BulkExtended, ExtendContracts, PreviewExtensions};
pub use list_contracts::{ContractPage, ListContracts};
pub use list_offboarding::{ListOffboarding, OffboardingPage, OffboardingRecord};
pub use list_undrafted::{ListUndrafted, UndraftedPage};
pub use preview_change::{ChangeEffects, PreviewChange, ProposedChange};
pub use read_contract::{ReadContract, ReadOwnContract};
pub use release_ended::ReleaseEndedContracts;
pub use sign_contract::SignContract;
pub use suspend_contract::SuspendContract;

use chrono::{DateTime, NaiveDate, Utc};
use domain::contract::{self, ContractDates, ContractStatus, ContractType, EndCause};
use domain::convention::operational_start;
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::contracts::{self, ContractRow, NavigatorRow, SuspensionRow};
use persistence::{accounts, reference, selection, DbConnection};

use super::Act;
use crate::error::{ApiError, ApiResult};

/// A login cut-off: the account, and the first day it can no longer log
/// in. Recorded in the transaction; the caller applies it to the running
/// service once the change has committed.
pub type Cutoff = (String, NaiveDate);

/// A contract as the service shows it on the day of the act.
#[derive(Debug, Clone)]
pub struct ContractRecord {
    pub contract: ContractRow,
    pub navigator: NavigatorRow,
    pub application_no: String,
    pub contract_type: ContractType,
    pub status: ContractStatus,
    pub end_cause: Option<EndCause>,
    /// The first day of work under the Region's convention.
    pub operational_start: Option<NaiveDate>,
    pub suspensions: Vec<SuspensionRow>,
}

/// A changed contract, and the login cut-off the change moved, if any.
#[derive(Debug, Clone)]
pub struct ContractChange {
    pub contract: ContractRecord,
    pub cutoff: Option<Cutoff>,
}

/// The contract's dates, as the domain reads them.
pub fn dates(conn: &mut DbConnection, c: &ContractRow) -> ApiResult<ContractDates> {
    Ok(contracts::dates_of(conn, c)?)
}

/// The contract as it stands on `today`.
pub(crate) fn record(
    conn: &mut DbConnection,
    contract: ContractRow,
    navigator: NavigatorRow,
    application_no: String,
    today: NaiveDate,
) -> ApiResult<ContractRecord> {
    let suspensions = contracts::suspensions_of(conn, &contract.id)?;
    let d = contract.dates_with(&suspensions)?;
    let convention = reference::get_convention(conn, &contract.region_code)?
        .map(|r| r.to_domain())
        .transpose()?;
    Ok(ContractRecord {
        contract_type: contract.contract_type()?,
        status: d.status_on(today),
        end_cause: d.end_cause_on(today),
        operational_start: contract
            .start_date
            .and_then(|s| operational_start(s, convention.as_ref())),
        contract,
        navigator,
        application_no,
        suspensions,
    })
}

/// Loads a contract with its Navigator and application number.
pub fn load(conn: &mut DbConnection, id: &str) -> ApiResult<(ContractRow, NavigatorRow, String)> {
    let c = contracts::get_contract(conn, id)?.ok_or(ApiError::NotFound { entity: "contract" })?;
    let nav = contracts::get_navigator(conn, &c.navigator_id)?.ok_or(ApiError::Internal)?;
    let app = selection::get_application(conn, &nav.application_id)?.ok_or(ApiError::Internal)?;
    Ok((c, nav, app.application_no))
}

/// A contract as it is now in the transaction.
pub(crate) fn reload(conn: &mut DbConnection, id: &str) -> ApiResult<ContractRow> {
    contracts::get_contract(conn, id)?.ok_or(ApiError::Internal)
}

/// The dates a contract's audit lines record, before and after a change.
pub(crate) fn audit_state(c: &ContractRow) -> serde_json::Value {
    serde_json::json!({
        "signed_on": c.signed_on, "start_date": c.start_date, "end_date": c.end_date,
        "end_cause": c.end_cause, "end_effective_on": c.end_effective_on,
        "cancelled_on": c.cancelled_on, "cancellation_reason": c.cancellation_reason,
    })
}

pub(crate) use crate::app::scope::{check_region as check_scope, covers_region as covers};

/// Moves the Navigator's login cut-off to the contract's first ended day
/// (none while it has no end), if they have an account.
pub(crate) fn login_cutoff(conn: &mut DbConnection, c: &ContractRow) -> ApiResult<Option<Cutoff>> {
    let Some(account) = accounts::find_by_navigator(conn, &c.navigator_id)? else {
        return Ok(None);
    };
    let user = account.user.id;
    let from = dates(conn, c)?.ended_from();
    accounts::set_disabled_from(conn, &user, from)?;
    Ok(from.map(|d| (user, d)))
}

/// Ending a contract, whatever the cause (DOMAIN.md §6.3), once its end is
/// on record (an early ending registered, or the end date itself). The
/// Navigator's login is disabled after the last day: the cut-off is
/// returned, to be applied once committed. When the ending's day has come:
/// the seat is vacant (the next call can be made at once), the offboarding
/// record opens with the equipment to return (the mailbox deprovisioned, and
/// closing at once if nothing else is held), and the CPI assignment closes.
/// On-the-job logging locks by itself, as a log must fall within the
/// contract's dates.
pub(crate) fn end_contract(
    conn: &mut DbConnection,
    c: &ContractRow,
    today: NaiveDate,
) -> ApiResult<Option<Cutoff>> {
    let cutoff = login_cutoff(conn, c)?;
    if !due_on(c, today) {
        return Ok(cutoff);
    }
    let d = dates(conn, c)?;
    if !d.releases_seat_on(today) {
        return Ok(cutoff);
    }
    // Conditional: of two processes ending it together, one does it.
    if !contracts::mark_seat_released(conn, &c.id, today)? {
        return Ok(cutoff);
    }
    selection::move_seats(conn, &c.selection_id, &c.province_sigla, -1, 0)?;
    let ended_on = d.ended_from().unwrap_or(today);
    contracts::open_offboarding(conn, c, ended_on)?;
    crate::app::equipment::on_contract_end(conn, &c.navigator_id, ended_on)?;
    if let Some(last) = d.last_day() {
        crate::app::navigators::end_assignment(conn, &c.navigator_id, last)?;
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
    Ok(cutoff)
}

/// Whether the ending of `c` may have come by `today` and not yet been
/// settled: a signed contract (a draft keeps its seat, DOMAIN.md §5) whose
/// seat is still taken, past its end date or early ending's day. As
/// [`contracts::due_for_release`] selects them.
fn due_on(c: &ContractRow, today: NaiveDate) -> bool {
    c.signed_on.is_some()
        && c.seat_released_on.is_none()
        && (c.end_effective_on.is_some_and(|on| on <= today) || c.end_date < today)
}

/// Ends every contract whose ending's day has come and whose seat is not
/// yet released; returns the login cut-offs.
fn release_ended(conn: &mut DbConnection, today: NaiveDate) -> ApiResult<Vec<Cutoff>> {
    let mut cutoffs = Vec::new();
    for c in contracts::due_for_release(conn, today)? {
        cutoffs.extend(end_contract(conn, &c, today)?);
    }
    Ok(cutoffs)
}

/// Brings the records up to `now`: overdue offers lapse, ended contracts
/// end (see [`end_contract`]). Runs in the background and before every read
/// or call that depends on seats; returns the login cut-offs of the
/// contracts it ended.
pub fn settle(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> ApiResult<Vec<Cutoff>> {
    crate::app::scorrimento::lapse_overdue(conn, now, today)?;
    release_ended(conn, today)
}

/// An early ending as asked: resignation, withdrawal or exclusion.
pub(crate) struct EarlyEnding {
    pub cause: EndCause,
    pub submitted_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub reason: Option<String>,
    pub notice_days: u64,
}

/// Registers an early ending of `c`: the domain's checks, the conditional
/// update (of two at once, one wins), then [`end_contract`] (at once when
/// the ending is already in effect today) and the audit line.
pub(crate) fn register_ending(
    conn: &mut DbConnection,
    act: &Act,
    id: &str,
    e: &EarlyEnding,
) -> ApiResult<ContractChange> {
    let (c, nav, no) = load(conn, id)?;
    let d = dates(conn, &c)?;
    match e.cause {
        EndCause::Resigned => {
            contract::check_resignation(&d, e.submitted_on, e.effective_on, e.notice_days)?
        }
        _ => contract::check_termination(&d, e.cause, e.effective_on)?,
    }
    if !contracts::end_early(
        conn,
        &c.id,
        e.cause.as_str(),
        e.effective_on,
        e.submitted_on,
        e.reason.as_deref(),
    )? {
        return Err(ApiError::conflict(ProblemType::ContractEnded, c.id.clone()));
    }
    let after = reload(conn, &c.id)?;
    let cutoff = end_contract(conn, &after, act.today)?;
    let action = match e.cause {
        EndCause::Resigned => "contract.resignation",
        EndCause::Withdrawn => "contract.withdrawn",
        EndCause::Excluded => "contract.excluded",
        EndCause::Expired => "contract.expired",
    };
    audit::append(
        conn,
        &act.audit(),
        action,
        "contract",
        &c.id,
        Some(&audit_state(&c)),
        Some(&audit_state(&after)),
    )?;
    Ok(ContractChange {
        contract: record(conn, after, nav, no, act.today)?,
        cutoff,
    })
}

/// The rows of a page read with one row more than `limit` when there are:
/// that row only tells that another page follows.
pub(crate) fn cut_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(key);
    (rows, next)
}
