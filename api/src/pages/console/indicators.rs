//! The indicators dashboard (HR everywhere, a coordinator their own Region):
//! DOMAIN.md §11's figures as of any date, in total and by Region or by
//! province, a chart of Navigators active and through the path over the
//! months before, and the CSV and JSON behind each, through the same use
//! cases and the same documents as `/reports/indicators` and its series.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Months, NaiveDate};
use domain::account::Role;
use domain::indicators::series::{Point, Step};
use domain::indicators::{GroupBy, Indicators};
use openapi::dto::IndicatorStep;

use super::table::{file_answer, CSV, JSON};
use super::{staff, Frame, Section};
use crate::app::reference::ListRegions;
use crate::app::reports::{ReportDashboard, ReportIndicatorSeries, ReportIndicators};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::handlers::reports::{csv_of, report_body, series_body, series_csv};
use crate::pages::charts;
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

/// This section's addresses, under `/console/indicatori`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/indicatori", web::get().to(show))
        .route("/indicatori.{format}", web::get().to(report_file))
        .route("/indicatori/serie.{format}", web::get().to(chart_file));
}

/// The figures' words, in the order of `Indicators::NAMES`.
const WORDS: [(&str, &str); 19] = [
    ("Con contratto firmato", "Contracted"),
    ("Contratti attivi", "Active contracts"),
    ("Posti", "Posts"),
    ("Posti coperti", "Seats filled"),
    ("Posti vacanti", "Seats vacant"),
    ("Offerte in attesa di risposta", "Offers pending"),
    ("Chiamate effettuate", "Calls made"),
    ("Offerte rifiutate", "Offers declined"),
    ("Offerte scadute", "Offers lapsed"),
    ("Dimissioni", "Resigned"),
    (
        "Formazione in aula completata",
        "Classroom training completed",
    ),
    (
        "Formazione a distanza (FAD) completata",
        "Distance training completed",
    ),
    (
        "Training on the job completato",
        "On-the-job training completed",
    ),
    (
        "Percorso formativo completato",
        "Whole training path completed",
    ),
    (
        "CPI con Navigator assegnati",
        "CPIs with Navigators assigned",
    ),
    (
        "CPI con ore on the job convalidate",
        "CPIs with validated on-the-job hours",
    ),
    (
        "Regioni con Navigator attivi",
        "Regions with active Navigators",
    ),
    ("Con la dotazione completa", "Holding the whole kit"),
    (
        "Beni non restituiti a contratto concluso",
        "Items not returned after the contract ended",
    ),
];

/// The figures shown first, as cards: their places in `Indicators::NAMES`.
const HEADLINE: [usize; 4] = [0, 1, 13, 4];

/// What the dashboard shows, as its address holds it.
struct Choice {
    as_of: NaiveDate,
    /// The first day of the chart.
    from: NaiveDate,
    region: Option<String>,
    group_by: GroupBy,
    /// The fields typed wrong, with the default used instead.
    errors: FieldErrors,
}

impl Choice {
    fn of(visit: &Visit, caller: &Caller) -> Self {
        let value = |name: &str| {
            visit
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut errors = FieldErrors::default();
        let mut day = |name: &str| match value(name) {
            None => None,
            Some(v) => match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors = std::mem::take(&mut errors).with(
                        name,
                        visit.t(
                            "Una data nella forma AAAA-MM-GG.",
                            "A date in the form YYYY-MM-DD.",
                        ),
                    );
                    None
                }
            },
        };
        let as_of = day("data").unwrap_or_else(|| visit.state.today());
        let from = day("dal")
            .unwrap_or_else(|| as_of.checked_sub_months(Months::new(12)).unwrap_or(as_of));
        // A coordinator of one Region sees it without choosing it.
        let region = value("regione").or_else(|| match caller.regions.as_slice() {
            [only] if caller.role == Role::Coordinator => Some(only.clone()),
            _ => None,
        });
        let group_by = match value("per").as_deref() {
            Some("provincia") => GroupBy::Province,
            Some("regione") => GroupBy::Region,
            _ if region.is_some() => GroupBy::Province,
            _ => GroupBy::Region,
        };
        Self {
            as_of,
            from,
            region,
            group_by,
            errors,
        }
    }

    fn report(&self) -> ReportIndicators {
        ReportIndicators {
            as_of: self.as_of,
            region: self.region.clone(),
            province: None,
            group_by: Some(self.group_by),
        }
    }

    fn series(&self) -> ReportIndicatorSeries {
        ReportIndicatorSeries {
            from: self.from,
            to: self.as_of,
            step: Step::Week,
            region: self.region.clone(),
            province: None,
        }
    }

    /// This choice's address under `path`: the date, the chart's start, the
    /// Region and the grouping.
    fn address(&self, path: &str) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("data", &self.as_of.to_string());
        q.append_pair("dal", &self.from.to_string());
        if let Some(r) = &self.region {
            q.append_pair("regione", r);
        }
        q.append_pair(
            "per",
            match self.group_by {
                GroupBy::Region => "regione",
                GroupBy::Province => "provincia",
            },
        );
        format!("{path}?{}", q.finish())
    }
}

/// A Region to choose.
pub struct RegionChoice {
    pub code: String,
    pub name: String,
    pub chosen: bool,
}

/// A figure with its words.
pub struct Figure {
    pub name: &'static str,
    pub words: String,
    pub value: String,
}

/// An area (Region or province) with its figures.
pub struct AreaRow {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/indicators.html")]
struct Dashboard<'a> {
    page: &'a Visit,
    frame: Frame,
    as_of: String,
    as_of_words: String,
    from: String,
    regions: Vec<RegionChoice>,
    /// Whether the Region may be changed (HR, a coordinator of several).
    region_open: bool,
    by_province: bool,
    headline: Vec<Figure>,
    figures: Vec<Figure>,
    columns: Vec<String>,
    areas: Vec<AreaRow>,
    chart: String,
    chart_table: String,
    chart_error: String,
    errors: FieldErrors,
    report_csv: String,
    report_json: String,
    chart_csv: String,
    chart_json: String,
}

async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let choice = Choice::of(&visit, &caller);
    let case = ReportDashboard {
        figures: choice.report(),
        from: choice.from,
        step: Step::Week,
    };
    let dashboard = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(d) => d,
        Err(e) => return visit.console_error(&e),
    };
    let report = dashboard.report;
    // A period the chart cannot draw is said next to its field; the
    // figures of the day still show.
    let (points, chart_error) = match dashboard.points {
        Ok(p) => (p, String::new()),
        Err(ApiError::InvalidQuery { .. }) => (
            Vec::new(),
            visit
                .t(
                    "Il grafico copre al massimo 400 settimane e comincia prima della data scelta.",
                    "The chart covers at most 400 weeks and starts before the chosen date.",
                )
                .to_owned(),
        ),
        Err(e) => return visit.console_error(&e),
    };
    let all_regions = match visit
        .state
        .use_cases
        .run(visit.act_as(&caller), ListRegions)
        .await
    {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let name_of = |code: &str| {
        all_regions
            .iter()
            .find(|r| r.region.code == code)
            .map_or_else(|| code.to_owned(), |r| r.region.name.clone())
    };
    let regions = all_regions
        .iter()
        .filter(|r| caller.role != Role::Coordinator || caller.regions.contains(&r.region.code))
        .map(|r| RegionChoice {
            code: r.region.code.clone(),
            name: r.region.name.clone(),
            chosen: choice.region.as_deref() == Some(r.region.code.as_str()),
        })
        .collect();
    let figure = |i: usize, n: &Indicators| Figure {
        name: Indicators::NAMES[i],
        words: visit.t(WORDS[i].0, WORDS[i].1).to_owned(),
        value: charts::number(n.values()[i], visit.lang),
    };
    let total = &report.total;
    let chart = charts::navigators_over_time("andamento", &points, visit.lang);
    let by_province = choice.group_by == GroupBy::Province;
    let page = Dashboard {
        page: &visit,
        frame: Frame::of(Section::Indicators, &caller),
        as_of: choice.as_of.to_string(),
        as_of_words: visit.day(&choice.as_of),
        from: choice.from.to_string(),
        regions,
        region_open: caller.role != Role::Coordinator || caller.regions.len() > 1,
        by_province,
        headline: HEADLINE.iter().map(|i| figure(*i, total)).collect(),
        figures: (0..WORDS.len()).map(|i| figure(i, total)).collect(),
        columns: WORDS
            .iter()
            .map(|(it, en)| visit.t(it, en).to_owned())
            .collect(),
        areas: report
            .rows
            .iter()
            .map(|(k, n)| AreaRow {
                name: match by_province {
                    true => k.clone(),
                    false => name_of(k),
                },
                values: n
                    .values()
                    .iter()
                    .map(|v| charts::number(*v, visit.lang))
                    .collect(),
            })
            .collect(),
        chart: match points.is_empty() {
            true => String::new(),
            false => charts::svg(&chart),
        },
        chart_table: match points.is_empty() {
            true => String::new(),
            false => charts::table(&chart),
        },
        chart_error,
        errors: choice.errors.clone(),
        report_csv: choice.address("/console/indicatori.csv"),
        report_json: choice.address("/console/indicatori.json"),
        chart_csv: choice.address("/console/indicatori/serie.csv"),
        chart_json: choice.address("/console/indicatori/serie.json"),
    };
    let status = match choice.errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    visit.render(status, &page)
}

/// The signed-in HR officer or coordinator; anyone else finds nothing here.
async fn reader(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match caller.role {
        Role::Hr | Role::Coordinator => Ok(caller),
        _ => Err(Box::new(visit.not_found())),
    }
}

/// The reader and what they chose, for a download; or the page answered
/// instead (signed out, another role, a malformed date).
async fn chosen(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<(Caller, Choice), Box<HttpResponse>> {
    let caller = reader(req, visit, signed).await?;
    let choice = Choice::of(visit, &caller);
    if choice.errors.is_empty() {
        return Ok((caller, choice));
    }
    let page = crate::pages::Message {
        page: visit,
        title: visit.t("Data non valida", "Invalid date"),
        text: visit.t(
            "Una data nella forma AAAA-MM-GG.",
            "A date in the form YYYY-MM-DD.",
        ),
        next: Some((
            "/console/indicatori",
            visit.t("Torna agli indicatori", "Back to the indicators"),
        )),
    };
    Err(Box::new(
        visit.render(StatusCode::UNPROCESSABLE_ENTITY, &page),
    ))
}

fn key_of(group_by: GroupBy) -> &'static str {
    match group_by {
        GroupBy::Region => "region",
        GroupBy::Province => "province",
    }
}

/// A download's format, as its address ends.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn of(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// `body` as a file named `name` with this format's extension.
    fn answer(self, visit: &Visit, name: &str, body: Result<Vec<u8>, ApiError>) -> HttpResponse {
        let (extension, media) = match self {
            Self::Csv => ("csv", CSV),
            Self::Json => ("json", JSON),
        };
        match body {
            Ok(body) => file_answer(visit, &format!("{name}.{extension}"), media, body),
            Err(e) => visit.console_error(&e),
        }
    }
}

fn json_of<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(body).map_err(|_| ApiError::Internal)
}

/// The figures of the day: as CSV one row per area, then the total; as
/// JSON the API's report.
async fn report_file(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    extension: web::Path<String>,
) -> HttpResponse {
    let Some(format) = Format::of(&extension) else {
        return visit.not_found();
    };
    let (caller, choice) = match chosen(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let run = visit
        .state
        .use_cases
        .run(visit.act_as(&caller), choice.report());
    let body = run.await.and_then(|r| match format {
        Format::Csv => csv_of(key_of(choice.group_by), &r.rows, &r.total).map(String::into_bytes),
        Format::Json => json_of(&report_body(
            choice.as_of,
            choice.region.clone(),
            None,
            Some(choice.group_by),
            &r.total,
            &r.rows,
        )),
    });
    format.answer(&visit, &format!("indicatori-{}", choice.as_of), body)
}

/// The chart's numbers: as CSV, or as the API's JSON series.
async fn chart_file(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    extension: web::Path<String>,
) -> HttpResponse {
    let Some(format) = Format::of(&extension) else {
        return visit.not_found();
    };
    let (caller, choice) = match chosen(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let run = visit
        .state
        .use_cases
        .run(visit.act_as(&caller), choice.series());
    let body = run.await.and_then(|points: Vec<Point>| match format {
        Format::Csv => series_csv(&points).map(String::into_bytes),
        Format::Json => json_of(&series_body(
            choice.from,
            choice.as_of,
            IndicatorStep::Week,
            choice.region.clone(),
            None,
            &points,
        )),
    });
    let name = format!("indicatori-{}-{}", choice.from, choice.as_of);
    format.answer(&visit, &name, body)
}
