//! Training (DOMAIN.md §8): paths and their modules, classroom sessions
//! and attendance, distance-learning completions, mandatory training, and
//! on-the-job hours logged from the tablet and decided by the Region's
//! coordinator (§8 rule 3). Every change to a Navigator's records refreshes
//! their stored progress ([`refresh`]) in the same transaction.

mod add_module;
mod create_path;
mod create_session;
mod decide_log;
mod list_logs;
mod list_paths;
mod list_sessions;
mod log_hours;
mod mandatory_records;
mod navigator_by_codice;
mod own_logs;
mod progress;
mod read_register;
mod record_attendance;
mod record_completions;
mod record_mandatory;
mod validate_logs;

pub use add_module::AddModule;
pub use create_path::CreatePath;
pub use create_session::CreateSession;
pub use decide_log::{RejectLog, ValidateLog};
pub use list_logs::{ListLogs, LogPage};
pub use list_paths::ListPaths;
pub use list_sessions::{ListSessions, ListedSession, SessionPage};
pub use log_hours::{LogHours, LogRequest, Logged};
pub(crate) use log_hours::{MAX_ACTIVITY, MAX_CLIENT_ID};
pub use mandatory_records::MandatoryRecords;
pub use navigator_by_codice::NavigatorByCodice;
pub use own_logs::OwnLogs;
pub use progress::{compute, refresh, refresh_locked, PROGRESS_BODY_VERSION};
pub use read_register::{Attended, ReadRegister, Register};
pub use record_attendance::{
    register_of_file, Attendance, Person, RecordAttendance, RegisterRow, REGISTER_HEADER,
};
pub use record_completions::{
    completions_of_file, Completions, RecordCompletions, Reported, COMPLETIONS_HEADER,
};
pub use record_mandatory::RecordMandatory;
pub(crate) use validate_logs::MAX_BATCH;
pub use validate_logs::{RejectLogs, ValidateLogs};

use std::collections::{BTreeSet, HashMap};

use domain::training::ojt::LogStatus;
use domain::training::BucketKind;
use openapi::dto::{TrainingBucketView, TrainingModuleView, TrainingPathView};
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::contracts::{self, NavigatorRow};
use persistence::ojt::{self, OjtLogRow};
use persistence::training::{ModuleRow, PathWithBuckets};
use persistence::{assignments, DbConnection};

use crate::accounts::parse_uuid;
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

/// Navigators by codice fiscale: of a person hired more than once, the
/// newest record.
pub(crate) fn navigators_by_codice(
    conn: &mut DbConnection,
    codici: &BTreeSet<String>,
) -> ApiResult<HashMap<String, NavigatorRow>> {
    let list: Vec<String> = codici.iter().cloned().collect();
    let mut out = HashMap::new();
    for nav in contracts::navigators_by_codice_fiscale(conn, &list)? {
        out.entry(nav.codice_fiscale.clone()).or_insert(nav);
    }
    Ok(out)
}

/// Takes the row locks of several Navigators, always in id order, so that
/// two writers touching the same people never wait on each other crosswise.
pub(crate) fn lock_in_order(conn: &mut DbConnection, ids: &BTreeSet<String>) -> ApiResult<()> {
    for id in ids {
        assignments::lock_navigator(conn, id)?;
    }
    Ok(())
}

/// Stores the new progress of each Navigator whose records changed.
pub(crate) fn refresh_each(
    conn: &mut DbConnection,
    act: &Act,
    ids: &BTreeSet<String>,
) -> ApiResult<()> {
    for id in ids {
        refresh_locked(conn, act, id)?;
    }
    Ok(())
}

/// A module as the API shows it and the audit log keeps it.
pub fn module_view(m: &ModuleRow) -> TrainingModuleView {
    TrainingModuleView {
        code: m.code.clone(),
        title: m.title.clone(),
        hours: m.hours,
    }
}

/// A path as the API shows it and the audit log keeps it: the distance
/// bucket lists its modules.
pub fn path_view(p: &PathWithBuckets) -> ApiResult<TrainingPathView> {
    Ok(TrainingPathView {
        id: parse_uuid(&p.path.id)?,
        code: p.path.code.clone(),
        name: p.path.name.clone(),
        total_hours: p.path.total_hours,
        final_assessment_required: p.path.final_assessment_required,
        buckets: p
            .buckets
            .iter()
            .map(|b| TrainingBucketView {
                modules: (b.kind == BucketKind::Distance.as_str())
                    .then(|| p.modules.iter().map(module_view).collect()),
                kind: b.kind.clone(),
                share_percent: b.share_percent,
                hours: b.hours,
            })
            .collect(),
    })
}
