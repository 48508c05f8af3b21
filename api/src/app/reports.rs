//! The monitoring indicators of DOMAIN.md §11 as of a day, for the country,
//! a Region or a province. Every figure is computed from the records at
//! each request; coordinators see their own Region only.

use chrono::NaiveDate;
use domain::account::Role;
use domain::indicators::series::{self, Point, SeriesError, Step};
use domain::indicators::{compute, GroupBy, Indicators, Place};
use persistence::{read_snapshot, reference, write_transaction, DbConnection};

use crate::app::scope::{province_filter, regions_in_scope};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReportIndicators {
    pub as_of: NaiveDate,
    pub region: Option<String>,
    /// A province sigla, upper case.
    pub province: Option<String>,
    pub group_by: Option<GroupBy>,
}

/// The total, and one row per area when grouped.
pub struct IndicatorReport {
    pub total: Indicators,
    pub rows: Vec<(String, Indicators)>,
}

impl UseCase for ReportIndicators {
    type Outcome = IndicatorReport;
    // A write to bring today's offers up to date, then one snapshot read.
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<IndicatorReport> {
        let regions = regions_in_scope(act, self.region.clone())?;
        // The records of today are brought up to now first, as every read
        // of offers does: an overdue offer is lapsed, not left pending. Past
        // days need no write: the rules count an overdue offer as lapsed.
        if self.as_of >= act.today {
            write_transaction(conn, |conn| {
                crate::app::scorrimento::lapse_overdue(conn, act.now, act.today)
            })?;
        }
        // D's figures as at its end, or as at now while it lasts.
        let moment = crate::clock::end_of(self.as_of).min(act.now);
        if let Some(r) = &self.region {
            if reference::get_region(conn, r)?.is_none() {
                return Err(ApiError::InvalidQuery {
                    field: "region".into(),
                    detail: format!("{r}: no such Region"),
                });
            }
        }
        if let Some(p) = &self.province {
            province_filter(conn, act, p)?;
        }
        // One snapshot for the ten queries, so that they agree.
        let rows = read_snapshot(conn, persistence::indicators::load)?;
        let records = crate::indicators::records(rows)?;
        let keep = |p: &Place| {
            regions.as_ref().is_none_or(|r| r.contains(&p.region))
                && self.province.as_ref().is_none_or(|s| *s == p.province)
        };
        let (total, rows) = compute(&records, self.as_of, moment, keep, self.group_by);
        Ok(IndicatorReport {
            total,
            rows: rows.into_iter().collect(),
        })
    }
}

/// Navigators contracted, active and through their whole training path on
/// each day of a series (DOMAIN.md §11's definitions), for the country, a
/// Region or a province; coordinators see their own Region only.
#[derive(Clone)]
pub struct ReportIndicatorSeries {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub step: Step,
    pub region: Option<String>,
    /// A province sigla, upper case.
    pub province: Option<String>,
}

impl UseCase for ReportIndicatorSeries {
    type Outcome = Vec<Point>;
    // The people's figures count no offer: nothing to bring up to date.
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<Point>> {
        let regions = regions_in_scope(act, self.region.clone())?;
        let days = series::days(self.from, self.to, self.step).map_err(|e| match e {
            SeriesError::FromAfterTo => ApiError::InvalidQuery {
                field: "from".into(),
                detail: format!("{} is after to ({})", self.from, self.to),
            },
            SeriesError::TooManyPoints(n) => ApiError::InvalidQuery {
                field: "step".into(),
                detail: format!(
                    "{n} or more points from {} to {}, at most {}: a longer step or a shorter period",
                    self.from,
                    self.to,
                    series::MAX_POINTS
                ),
            },
        })?;
        if let Some(r) = &self.region {
            if reference::get_region(conn, r)?.is_none() {
                return Err(ApiError::InvalidQuery {
                    field: "region".into(),
                    detail: format!("{r}: no such Region"),
                });
            }
        }
        if let Some(p) = &self.province {
            province_filter(conn, act, p)?;
        }
        // Only the people's records: no offers, posts, CPIs or kit.
        let rows = persistence::indicators::load_people(conn)?;
        let records = crate::indicators::records(rows)?;
        let keep = |p: &Place| {
            regions.as_ref().is_none_or(|r| r.contains(&p.region))
                && self.province.as_ref().is_none_or(|s| *s == p.province)
        };
        Ok(series::series(records.people.values(), &days, keep))
    }
}
