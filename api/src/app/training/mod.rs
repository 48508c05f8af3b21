//! Training (DOMAIN.md §8): on-the-job hours logged from the tablet and
//! decided by the Region's coordinator (§8 rule 3), and each Navigator's
//! stored progress, refreshed by every change to their records in the same
//! transaction.

mod decide_log;
mod list_logs;
mod log_hours;
mod progress;
mod validate_logs;

pub use decide_log::{RejectLog, ValidateLog};
pub use list_logs::{ListLogs, LogPage};
pub use log_hours::{LogHours, LogRequest, Logged};
pub use progress::{compute, refresh, refresh_locked, PROGRESS_BODY_VERSION};
pub use validate_logs::ValidateLogs;

use domain::training::ojt::LogStatus;
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::ojt::{self, OjtLogRow};
use persistence::{assignments, DbConnection};

use crate::app::navigators::covers_region;
use crate::app::Act;
use crate::error::{ApiError, ApiResult};

/// Loads a log the one acting may decide: 404 unknown, 403 another Region's.
pub(crate) fn decidable(conn: &mut DbConnection, act: &Act, id: &str) -> ApiResult<OjtLogRow> {
    let log = ojt::get(conn, id)?.ok_or(ApiError::NotFound { entity: "log" })?;
    if !covers_region(act, &log.region_code) {
        return Err(ApiError::OutOfScope);
    }
    Ok(log)
}

/// Decides one pending log; the caller refreshes the Navigator's progress.
/// The Navigator's row lock comes first, as for every write on their records.
pub(crate) fn decide(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    log: &OjtLogRow,
    status: LogStatus,
    reason: Option<&str>,
) -> ApiResult<OjtLogRow> {
    assignments::lock_navigator(conn, &log.navigator_id)?;
    if !ojt::decide(conn, &log.id, status.as_str(), reason, ctx.actor.as_deref())? {
        let now = ojt::get(conn, &log.id)?.ok_or(ApiError::Internal)?;
        return Err(ApiError::conflict(ProblemType::LogNotPending, now.status));
    }
    let after = ojt::get(conn, &log.id)?.ok_or(ApiError::Internal)?;
    let action = match status {
        LogStatus::Rejected => "ojt.rejected",
        _ => "ojt.validated",
    };
    audit::append(
        conn,
        ctx,
        action,
        "ojt_log",
        &log.id,
        Some(log),
        Some(&after),
    )?;
    Ok(after)
}
