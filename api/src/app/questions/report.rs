//! The Question RdC service's own figures for a period of days.

use chrono::{DateTime, NaiveDate, Utc};
use domain::account::Role;
use domain::question::{age_band, median_seconds, AGE_BANDS};
use domain::{RuleCode, Violation};
use persistence::questions;
use persistence::time::from_db;
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// From the first day to the last, both included (Italian days).
#[derive(Clone)]
pub struct QuestionServiceReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The figures of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFigures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// People who opened the service (questions or FAQ) on a day of the
    /// period, each once: Navigators, and the other operators.
    pub navigators: i64,
    pub other_operators: i64,
    pub questions_asked: i64,
    pub faq_entries_created: i64,
    /// Questions first answered in the period.
    pub questions_answered: i64,
    /// Their median time from asked to first answered.
    pub median_seconds_to_first_answer: Option<f64>,
    /// When the open questions are counted: the end of the period, or now
    /// while it lasts.
    pub open_as_of: DateTime<Utc>,
    /// Questions open then, by age band ([`AGE_BANDS`]).
    pub open_by_age: Vec<(&'static str, i64)>,
}

impl UseCase for QuestionServiceReport {
    type Outcome = ServiceFigures;
    // The queries must agree with each other: one snapshot.
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Admin, Role::Expert];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ServiceFigures> {
        if self.to < self.from {
            return Err(ApiError::QueryViolation(
                Violation::new("to", RuleCode::EndsBeforeItStarts).with_detail(self.from),
            ));
        }
        let start = self
            .from
            .pred_opt()
            .map_or(DateTime::<Utc>::MIN_UTC, crate::clock::end_of);
        let end = crate::clock::end_of(self.to);
        let users = questions::users_in_period(conn, self.from, self.to)?;
        let navigators = users
            .iter()
            .filter(|(_, role)| role == Role::Navigator.as_str())
            .count() as i64;
        let answers = questions::first_answers_between(conn, start, end)?;
        let delays = answers
            .iter()
            .map(|(asked, answered)| (*answered - *asked).num_seconds())
            .collect::<Vec<_>>();
        let open_as_of = end.min(act.now);
        let mut open_by_age: Vec<(&'static str, i64)> =
            AGE_BANDS.iter().map(|(name, _, _)| (*name, 0)).collect();
        for asked in questions::open_at(conn, open_as_of)? {
            let band = age_band((open_as_of - from_db(asked)).num_days());
            if let Some(slot) = open_by_age.iter_mut().find(|(name, _)| *name == band) {
                slot.1 += 1;
            }
        }
        Ok(ServiceFigures {
            from: self.from,
            to: self.to,
            navigators,
            other_operators: users.len() as i64 - navigators,
            questions_asked: questions::asked_between(conn, start, end)?,
            faq_entries_created: questions::faq_entries_created(conn, start, end)?,
            questions_answered: answers.len() as i64,
            median_seconds_to_first_answer: median_seconds(delays),
            open_as_of,
            open_by_age,
        })
    }
}
