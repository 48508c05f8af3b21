//! On-the-job hours logged from the tablet. Offline-first: a retry with the
//! same `client_id` gives back the original log instead of adding one; the
//! same id with different content is refused.

use chrono::NaiveDate;
use domain::account::Role;
use domain::assignment::assignment_on;
use domain::training::hours::minutes_from_hours;
use domain::training::ojt::{check_log, LogFacts};
use domain::{RuleCode, Violation, Violations};
use openapi::ProblemType;
use persistence::ojt::{self, NewLog, OjtLogRow};
use persistence::{assignments, audit, contracts, reference, DbConnection};

use crate::app::{own_navigator_id, Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

pub(crate) const MAX_CLIENT_ID: usize = 64;
pub(crate) const MAX_ACTIVITY: usize = 500;

/// A log as the tablet sends it.
pub struct LogRequest {
    pub client_id: String,
    pub day: NaiveDate,
    pub hours: f64,
    pub activity: String,
    pub cpi_code: Option<String>,
}

/// A log whose fields are checked; the rules of the day are checked when
/// it runs.
#[derive(Clone)]
pub struct LogHours {
    client_id: String,
    day: NaiveDate,
    minutes: i64,
    activity: String,
    cpi_code: Option<String>,
    max_day_minutes: i64,
}

impl LogHours {
    /// Checks the fields, naming each one that is wrong.
    pub fn new(req: LogRequest, max_day_hours: u32) -> Result<Self, Violations> {
        let max_day_minutes = i64::from(max_day_hours) * 60;
        let mut v = Violations::new();
        let client_id = req.client_id.trim().to_owned();
        let id_ok = !client_id.is_empty()
            && client_id.len() <= MAX_CLIENT_ID
            && client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
        if !id_ok {
            v.push(
                Violation::new("client_id", RuleCode::InvalidClientId).with_detail(MAX_CLIENT_ID),
            );
        }
        let minutes = minutes_from_hours("hours", req.hours, max_day_minutes).unwrap_or_else(|e| {
            v.push(e);
            0
        });
        let activity = req.activity.trim().to_owned();
        if activity.is_empty() {
            v.push(Violation::new("activity", RuleCode::Required));
        } else if activity.chars().count() > MAX_ACTIVITY {
            v.push(Violation::new("activity", RuleCode::TooLong).with_detail(MAX_ACTIVITY));
        }
        let cpi_code = req
            .cpi_code
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
        v.into_result(Self {
            client_id,
            day: req.day,
            minutes,
            activity,
            cpi_code,
            max_day_minutes,
        })
    }

    /// The same entry sent again: the same day, hours, activity and CPI.
    fn repeats(&self, row: &OjtLogRow) -> bool {
        row.day == self.day
            && row.minutes == self.minutes
            && row.activity == self.activity
            && (self.cpi_code.is_none() || row.cpi_code == self.cpi_code)
    }
}

pub enum Logged {
    Created(OjtLogRow),
    /// A retry: the log the first attempt made.
    Replayed(OjtLogRow),
}

impl UseCase for LogHours {
    type Outcome = Logged;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Logged> {
        let nav_id = own_navigator_id(act)?;
        // One writer per Navigator: a retry racing its original waits and
        // then finds it, and the day's total is counted once.
        if !assignments::lock_navigator(conn, nav_id)? {
            return Err(ApiError::NotFound {
                entity: "navigator",
            });
        }
        if let Some(existing) = ojt::by_client_id(conn, nav_id, &self.client_id)? {
            return if self.repeats(&existing) {
                Ok(Logged::Replayed(existing))
            } else {
                Err(ApiError::conflict(
                    ProblemType::ClientIdReused,
                    self.client_id,
                ))
            };
        }
        let nav = contracts::get_navigator(conn, nav_id)?.ok_or(ApiError::Internal)?;
        let contract =
            contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
        let contract_dates = contracts::dates_of(conn, &contract)?;
        let convention = reference::get_convention(conn, &nav.region_code)?
            .map(|r| r.to_domain())
            .transpose()?;
        let history: Vec<_> = assignments::history_of(conn, &nav.id)?
            .iter()
            .map(|a| a.to_domain())
            .collect();
        let assigned = assignment_on(&history, self.day).map(|a| a.cpi_code.as_str());
        let cpi = check_log(&LogFacts {
            today: act.today,
            day: self.day,
            minutes: self.minutes,
            contract: &contract_dates,
            convention: convention.as_ref(),
            assigned_cpi: assigned,
            stated_cpi: self.cpi_code.as_deref(),
            day_minutes: ojt::day_minutes(conn, &nav.id, self.day)?,
            max_day_minutes: self.max_day_minutes,
        })
        .map_err(ApiError::OjtLog)?;
        let row = ojt::insert(
            conn,
            &NewLog {
                navigator_id: &nav.id,
                client_id: &self.client_id,
                day: self.day,
                minutes: self.minutes,
                activity: &self.activity,
                cpi_code: cpi.as_deref(),
                region_code: &nav.region_code,
            },
        )?;
        super::refresh(conn, act, &nav)?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "ojt.logged",
            "ojt_log",
            &row.id,
            None,
            Some(&row),
        )?;
        Ok(Logged::Created(row))
    }
}
