//! The monitoring indicators of DOMAIN.md §11 as of a day, for the country,
//! a Region or a province. Every figure is computed from the records at
//! each request; coordinators see their own Region only.

use chrono::NaiveDate;
use domain::account::Role;
use domain::indicators::series::{self, Point, SeriesError, Step};
use domain::indicators::{compute, GroupBy, Indicators, Place, Records};
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
        let scope = Scope::checked(conn, act, &self.region, &self.province)?;
        bring_offers_up_to_date(conn, act, self.as_of)?;
        // One snapshot for the ten queries, so that they agree.
        let rows = read_snapshot(conn, persistence::indicators::load)?;
        let records = crate::indicators::records(rows)?;
        Ok(self.figures(&records, &scope, act))
    }
}

impl ReportIndicators {
    /// The figures of the day from `records`, within `scope`.
    fn figures(&self, records: &Records, scope: &Scope, act: &Act) -> IndicatorReport {
        // D's figures as at its end, or as at now while it lasts.
        let moment = crate::clock::end_of(self.as_of).min(act.now);
        let (total, rows) = compute(
            records,
            self.as_of,
            moment,
            |p| scope.keeps(p),
            self.group_by,
        );
        IndicatorReport {
            total,
            rows: rows.into_iter().collect(),
        }
    }
}

/// The records of today are brought up to now first, as every read of
/// offers does: an overdue offer is lapsed, not left pending. Past days
/// need no write: the rules count an overdue offer as lapsed.
fn bring_offers_up_to_date(conn: &mut DbConnection, act: &Act, as_of: NaiveDate) -> ApiResult<()> {
    if as_of >= act.today {
        write_transaction(conn, |conn| {
            crate::app::scorrimento::lapse_overdue(conn, act.now, act.today)
        })?;
    }
    Ok(())
}

/// The area a report covers: the caller's Regions (all for HR) narrowed
/// to a Region or a province, each checked to exist.
struct Scope {
    regions: Option<Vec<String>>,
    province: Option<String>,
}

impl Scope {
    fn checked(
        conn: &mut DbConnection,
        act: &Act,
        region: &Option<String>,
        province: &Option<String>,
    ) -> ApiResult<Self> {
        let regions = regions_in_scope(act, region.clone())?;
        if let Some(r) = region {
            if reference::get_region(conn, r)?.is_none() {
                return Err(ApiError::InvalidQuery {
                    field: "region".into(),
                    detail: format!("{r}: no such Region"),
                });
            }
        }
        if let Some(p) = province {
            province_filter(conn, act, p)?;
        }
        Ok(Self {
            regions,
            province: province.clone(),
        })
    }

    fn keeps(&self, p: &Place) -> bool {
        self.regions.as_ref().is_none_or(|r| r.contains(&p.region))
            && self.province.as_ref().is_none_or(|s| *s == p.province)
    }
}

/// The days of a series, or the query's refusal.
fn days_of(from: NaiveDate, to: NaiveDate, step: Step) -> ApiResult<Vec<NaiveDate>> {
    series::days(from, to, step).map_err(|e| match e {
        SeriesError::FromAfterTo => ApiError::InvalidQuery {
            field: "from".into(),
            detail: format!("{from} is after to ({to})"),
        },
        SeriesError::TooManyPoints(n) => ApiError::InvalidQuery {
            field: "step".into(),
            detail: format!(
                "{n} or more points from {from} to {to}, at most {}: a longer step or a shorter period",
                series::MAX_POINTS
            ),
        },
    })
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
        // Out of scope before a bad period, as the report answers.
        regions_in_scope(act, self.region.clone())?;
        let days = days_of(self.from, self.to, self.step)?;
        let scope = Scope::checked(conn, act, &self.region, &self.province)?;
        // Only the people's records: no offers, posts, CPIs or kit.
        let rows = persistence::indicators::load_people(conn)?;
        let records = crate::indicators::records(rows)?;
        Ok(series::series(records.people.values(), &days, |p| {
            scope.keeps(p)
        }))
    }
}

/// The console's dashboard: the figures of a day and the series of its
/// chart up to that day, from one snapshot of the records (the page would
/// otherwise read the people's records twice).
#[derive(Clone)]
pub struct ReportDashboard {
    pub figures: ReportIndicators,
    /// The chart's first day and step; it ends on the figures' day.
    pub from: NaiveDate,
    pub step: Step,
}

pub struct Dashboard {
    pub report: IndicatorReport,
    /// The chart's points, or why its period was refused.
    pub points: ApiResult<Vec<Point>>,
}

impl UseCase for ReportDashboard {
    type Outcome = Dashboard;
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Dashboard> {
        let f = &self.figures;
        let scope = Scope::checked(conn, act, &f.region, &f.province)?;
        bring_offers_up_to_date(conn, act, f.as_of)?;
        let rows = read_snapshot(conn, persistence::indicators::load)?;
        let records = crate::indicators::records(rows)?;
        let points = days_of(self.from, f.as_of, self.step)
            .map(|days| series::series(records.people.values(), &days, |p| scope.keeps(p)));
        Ok(Dashboard {
            report: f.figures(&records, &scope, act),
            points,
        })
    }
}
