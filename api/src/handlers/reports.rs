//! Monitoring indicators as of any date (DOMAIN.md §11), as JSON or CSV.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::indicators::series::{Point, Step};
use domain::indicators::{GroupBy, Indicators};
use openapi::dto::{
    IndicatorGroup, IndicatorQuery, IndicatorReport, IndicatorRow, IndicatorSeries,
    IndicatorSeriesPoint, IndicatorSeriesQuery, IndicatorStep, IndicatorValues,
};
use openapi::Problem;

use crate::app::reports::{ReportIndicatorSeries, ReportIndicators};
use crate::auth::caller::HrOrCoordinator;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidQuery};
use crate::state::AppState;

fn values(n: &Indicators) -> IndicatorValues {
    IndicatorValues {
        contracted: n.contracted,
        active: n.active,
        posts: n.posts,
        seats_filled: n.seats_filled,
        seats_vacant: n.seats_vacant,
        offers_pending: n.offers_pending,
        calls_made: n.calls_made,
        offers_declined: n.offers_declined,
        offers_lapsed: n.offers_lapsed,
        resigned: n.resigned,
        classroom_completed: n.classroom_completed,
        distance_completed: n.distance_completed,
        on_the_job_completed: n.on_the_job_completed,
        path_completed: n.path_completed,
        cpis_with_navigators: n.cpis_with_navigators,
        cpis_with_on_the_job: n.cpis_with_on_the_job,
        regions_with_navigators: n.regions_with_navigators,
        equipped: n.equipped,
        items_outstanding_after_end: n.items_outstanding_after_end,
    }
}

/// Whether the caller asked for CSV (`Accept: text/csv`) rather than JSON.
pub(crate) fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("text/csv"))
}

/// The same figures as CSV: one header row, one row per area, then the total.
/// The report as CSV: one row per area, then the total.
pub fn csv_of(key: &str, rows: &[(String, Indicators)], total: &Indicators) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![key];
    header.extend(Indicators::NAMES);
    w.write_record(&header).map_err(|_| ApiError::Internal)?;
    let all = rows
        .iter()
        .map(|(k, n)| (k.as_str(), n))
        .chain(std::iter::once(("total", total)));
    for (k, n) in all {
        let mut record = vec![k.to_owned()];
        record.extend(n.values().iter().map(i64::to_string));
        w.write_record(&record).map_err(|_| ApiError::Internal)?;
    }
    let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
    String::from_utf8(bytes).map_err(|_| ApiError::Internal)
}

/// The indicators of DOMAIN.md §11 as of a day, for the country, a Region or
/// a province, with `group_by` one row per area besides the total. Every
/// figure is computed from the records at each request. `Accept: text/csv`
/// gives the same as CSV. Coordinators see their own Region only.
#[utoipa::path(
    tag = "reports",
    params(IndicatorQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 200, description = "The report; as CSV with `Accept: text/csv`",
            content(
                (IndicatorReport = "application/json"),
                (String = "text/csv"),
            )
        ),
        (status = 400, description = "invalid-query-parameter: a malformed date, an unknown Region or province", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/indicators")]
pub async fn indicators(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    query: ValidQuery<IndicatorQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let as_of = q.as_of.unwrap_or_else(|| state.today());
    let province = q.province.as_deref().map(|p| p.trim().to_ascii_uppercase());
    let group_by = q.group_by.map(|g| match g {
        IndicatorGroup::Region => GroupBy::Region,
        IndicatorGroup::Province => GroupBy::Province,
    });
    let case = ReportIndicators {
        as_of,
        region: q.region.clone(),
        province: province.clone(),
        group_by,
    };
    let report = state.run(&caller, &meta, case).await?;
    let (total, rows) = (report.total, report.rows);
    if wants_csv(&req) {
        let key = match group_by {
            Some(GroupBy::Region) => "region",
            Some(GroupBy::Province) => "province",
            None => "area",
        };
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"indicatori-{as_of}.csv\""),
            ))
            .body(csv_of(key, &rows, &total)?));
    }
    Ok(HttpResponse::Ok().json(report_body(
        as_of, q.region, province, group_by, &total, &rows,
    )))
}

/// The report as the API answers it.
pub fn report_body(
    as_of: chrono::NaiveDate,
    region: Option<String>,
    province: Option<String>,
    group_by: Option<GroupBy>,
    total: &Indicators,
    rows: &[(String, Indicators)],
) -> IndicatorReport {
    IndicatorReport {
        as_of,
        region,
        province,
        total: values(total),
        rows: rows
            .iter()
            .map(|(k, n)| IndicatorRow {
                region: (group_by == Some(GroupBy::Region)).then(|| k.clone()),
                province: (group_by == Some(GroupBy::Province)).then(|| k.clone()),
                values: values(n),
            })
            .collect(),
    }
}

/// The series as CSV: one header row, one row per day (the console's
/// download gives the same).
pub fn series_csv(points: &[Point]) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SERIES_COLUMNS)
        .map_err(|_| ApiError::Internal)?;
    for p in points {
        w.write_record([
            p.day.to_string(),
            p.contracted.to_string(),
            p.active.to_string(),
            p.path_completed.to_string(),
        ])
        .map_err(|_| ApiError::Internal)?;
    }
    let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
    String::from_utf8(bytes).map_err(|_| ApiError::Internal)
}

/// The columns of the series' CSV.
pub const SERIES_COLUMNS: [&str; 4] = ["as_of", "contracted", "active", "path_completed"];

/// Navigators contracted, active and through their whole training path on
/// each day of a series: `from`, then every `step` (day, week or month)
/// while on or before `to`, and `to` itself last; at most 400 days. Each
/// figure is the one `/reports/indicators` gives as of that day, for the
/// country, a Region or a province. `Accept: text/csv` gives the same as
/// CSV. Coordinators see their own Region only.
#[utoipa::path(
    tag = "reports",
    params(IndicatorSeriesQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 200, description = "The series; as CSV with `Accept: text/csv`",
            content(
                (IndicatorSeries = "application/json"),
                (String = "text/csv"),
            )
        ),
        (status = 400, description = "invalid-query-parameter: a malformed date, `from` after `to`, an unknown step, more than 400 points, an unknown Region or province", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/indicators/series")]
pub async fn indicator_series(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    query: ValidQuery<IndicatorSeriesQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let to = q.to.unwrap_or_else(|| state.today());
    let from = match q.from {
        Some(from) => from,
        None => to.checked_sub_months(chrono::Months::new(12)).unwrap_or(to),
    };
    let step = q.step.unwrap_or(IndicatorStep::Week);
    let province = q.province.as_deref().map(|p| p.trim().to_ascii_uppercase());
    let case = ReportIndicatorSeries {
        from,
        to,
        step: match step {
            IndicatorStep::Day => Step::Day,
            IndicatorStep::Week => Step::Week,
            IndicatorStep::Month => Step::Month,
        },
        region: q.region.clone(),
        province: province.clone(),
    };
    let points = state.run(&caller, &meta, case).await?;
    if wants_csv(&req) {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"indicatori-{from}-{to}.csv\""),
            ))
            .body(series_csv(&points)?));
    }
    Ok(HttpResponse::Ok().json(series_body(from, to, step, q.region, province, &points)))
}

/// The series as the API answers it.
pub fn series_body(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    step: IndicatorStep,
    region: Option<String>,
    province: Option<String>,
    points: &[Point],
) -> IndicatorSeries {
    IndicatorSeries {
        from,
        to,
        step,
        region,
        province,
        points: points
            .iter()
            .map(|p| IndicatorSeriesPoint {
                as_of: p.day,
                contracted: p.contracted,
                active: p.active,
                path_completed: p.path_completed,
            })
            .collect(),
    }
}
