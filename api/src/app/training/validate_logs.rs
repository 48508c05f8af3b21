//! Validates a batch of pending logs, or rejects one with a reason: all of
//! them, or none. Each log that cannot be decided is named (`ids[i]`); one
//! of another Region makes the whole batch out of scope.

use domain::account::Role;
use domain::ids::OjtLogId;
use domain::training::ojt::LogStatus;
use domain::{RuleCode, Violation, Violations};
use persistence::{assignments, ojt, DbConnection};

use super::{decide, refresh_locked};
use crate::app::navigators::covers_region;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

pub(crate) const MAX_BATCH: usize = 500;

#[derive(Clone)]
pub struct ValidateLogs {
    ids: Vec<OjtLogId>,
}

impl ValidateLogs {
    /// At least one log, at most [`MAX_BATCH`].
    pub fn new(ids: Vec<OjtLogId>) -> Result<Self, Violations> {
        if ids.is_empty() {
            return Err(Violation::new("ids", RuleCode::Required).into());
        }
        if ids.len() > MAX_BATCH {
            return Err(Violation::new("ids", RuleCode::TooMany)
                .with_detail(MAX_BATCH)
                .into());
        }
        Ok(Self { ids })
    }
}

impl UseCase for ValidateLogs {
    /// How many were validated.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        decide_all(conn, act, self.ids, LogStatus::Validated, None)
    }
}

/// A batch of pending logs rejected with one reason, which cannot be blank.
#[derive(Clone)]
pub struct RejectLogs {
    ids: Vec<OjtLogId>,
    reason: String,
}

impl RejectLogs {
    /// At least one log, at most [`MAX_BATCH`], and a reason.
    pub fn new(ids: Vec<OjtLogId>, reason: &str) -> Result<Self, Violations> {
        let ids = ValidateLogs::new(ids)?.ids;
        let reason = domain::violation::reason(reason)?;
        Ok(Self { ids, reason })
    }
}

impl UseCase for RejectLogs {
    /// How many were rejected.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        decide_all(conn, act, self.ids, LogStatus::Rejected, Some(&self.reason))
    }
}

fn decide_all(
    conn: &mut DbConnection,
    act: &Act,
    ids: Vec<OjtLogId>,
    status: LogStatus,
    reason: Option<&str>,
) -> ApiResult<usize> {
    let ctx = act.audit();
    let mut v = Violations::new();
    let mut logs = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let field = format!("ids[{i}]");
        if ids[..i].contains(id) {
            v.push(Violation::new(field, RuleCode::Duplicate).with_detail(id.clone()));
            continue;
        }
        match ojt::get(conn, id)? {
            None => v.push(Violation::new(field, RuleCode::UnknownLog).with_detail(id.clone())),
            Some(log) if !covers_region(act, &log.region_code) => return Err(ApiError::OutOfScope),
            Some(log) if log.status != LogStatus::Pending.as_str() => v.push(
                Violation::new(field, RuleCode::LogNotPending).with_detail(log.status.clone()),
            ),
            Some(log) => logs.push(log),
        }
    }
    if !v.is_empty() {
        return Err(ApiError::Validation(v));
    }
    // Row locks in one order, so two batches never wait on each other in a circle.
    let mut navigators: Vec<&str> = logs.iter().map(|l| l.navigator_id.as_str()).collect();
    navigators.sort_unstable();
    navigators.dedup();
    for n in &navigators {
        assignments::lock_navigator(conn, n)?;
    }
    for log in &logs {
        decide(conn, &ctx, log, status, reason)?;
    }
    for n in &navigators {
        refresh_locked(conn, act, n)?;
    }
    Ok(logs.len())
}
