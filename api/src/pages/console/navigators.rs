//! The Navigators of the coordinator's Region (all of them for HR): where
//! each works today and how far along the path; one Navigator's page, where
//! a coordinator assigns or moves them to a CPI. Anything out of the
//! caller's scope (another Region's Navigator, CPI or province, in a page,
//! a filter or a download) answers the not-found page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::contract::ContractStatus;
use domain::ids::NavigatorId;
use persistence::assignments::{NavigatorFilter, NavigatorOrder};
use persistence::reference::CpiFilter;
use persistence::training::FillDays;
use serde::Deserialize;

use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::navigators::{
    AssignNavigator, AssignmentHistory, ListNavigators, NavigatorRecord, PathStages, ReadNavigator,
};
use crate::app::reference::{ListCpis, ReadCpi};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Visit};

const FILTERS: [&str; 4] = ["provincia", "cpi", "nome", "ordine"];

/// A Navigator as a row of the table.
pub struct Row {
    pub id: String,
    pub name: String,
    pub province: String,
    pub cpi: String,
    pub status: String,
    pub path: String,
}

fn status_words(visit: &Visit, s: ContractStatus) -> &'static str {
    match s {
        ContractStatus::Draft => visit.t("In bozza", "Draft"),
        ContractStatus::Signed => visit.t("Firmato", "Signed"),
        ContractStatus::Active => visit.t("In servizio", "Active"),
        ContractStatus::Suspended => visit.t("Sospeso", "Suspended"),
        ContractStatus::Ended => visit.t("Concluso", "Ended"),
        ContractStatus::Cancelled => visit.t("Annullato", "Cancelled"),
    }
}

fn path_words(visit: &Visit, days: Option<&FillDays>) -> String {
    let Some(d) = days else {
        return visit.t("Non iniziato", "Not started").to_owned();
    };
    if let Some(done) = d.completed {
        return format!(
            "{} {}",
            visit.t("Completato il", "Completed on"),
            visit.day(&done)
        );
    }
    let filled = [d.classroom, d.distance, d.on_the_job]
        .iter()
        .filter(|x| x.is_some())
        .count();
    format!(
        "{filled}/3 {}",
        visit.t("parti completate", "parts complete")
    )
}

fn cpi_words(visit: &Visit, r: &NavigatorRecord) -> String {
    match (&r.current, &r.cpi_name) {
        (Some(a), Some(name)) => format!("{name} ({})", a.cpi_code),
        (Some(a), None) => a.cpi_code.clone(),
        (None, _) => visit.t("Nessun CPI oggi", "No CPI today").to_owned(),
    }
}

fn row_of(visit: &Visit, r: &NavigatorRecord, days: Option<&FillDays>) -> Row {
    Row {
        id: r.navigator.id.clone(),
        name: format!("{} {}", r.navigator.last_name, r.navigator.first_name),
        province: r.navigator.province_sigla.clone(),
        cpi: cpi_words(visit, r),
        status: status_words(visit, r.status).to_owned(),
        path: path_words(visit, days),
    }
}

/// The filter `cpi` names a CPI the caller covers; another Region's, or
/// none at all, is not found.
async fn check_cpi_filter(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
) -> Result<(), ApiError> {
    let Some(code) = listing.filter("cpi") else {
        return Ok(());
    };
    let cpi = visit
        .state
        .use_cases
        .run(visit.act_as(caller), ReadCpi { code })
        .await?;
    match caller.covers_region(&cpi.region_code) {
        true => Ok(()),
        false => Err(ApiError::NotFound { entity: "CPI" }),
    }
}

fn case_of(listing: &Listing, after_id: Option<String>, limit: i64) -> ListNavigators {
    ListNavigators {
        region: None,
        filter: NavigatorFilter {
            province: listing.filter("provincia").map(|p| p.to_ascii_uppercase()),
            cpi: listing.filter("cpi").map(|c| c.to_ascii_uppercase()),
            name: listing.filter("nome"),
            order: match listing.filter("ordine").as_deref() {
                Some("nome") => NavigatorOrder::Name,
                _ => NavigatorOrder::Id,
            },
            after_id,
            limit,
            ..NavigatorFilter::default()
        },
        status: None,
    }
}

/// One page of the list, its rows and the next page's cursor.
async fn rows(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    after_id: Option<String>,
    limit: i64,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case_of(listing, after_id, limit))
        .await?;
    let ids = page.items.iter().map(|r| r.navigator.id.clone()).collect();
    let stages = visit
        .state
        .use_cases
        .run(visit.act_as(caller), PathStages { navigator_ids: ids })
        .await?;
    let rows = page
        .items
        .iter()
        .map(|r| row_of(visit, r, stages.get(&r.navigator.id)))
        .collect();
    Ok((rows, page.next_cursor))
}

#[derive(Template)]
#[template(path = "console/navigators.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
}

pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, "/console/navigator", &FILTERS);
    if let Err(e) = check_cpi_filter(&visit, &caller, &listing).await {
        return visit.console_error(&e);
    }
    let (rows, next_cursor) =
        match rows(&visit, &caller, &listing, listing.cursor.clone(), PAGE_ROWS).await {
            Ok(x) => x,
            Err(e) => return visit.console_error(&e),
        };
    let next = listing.next_page(&next_cursor);
    let page = ListPage {
        page: &visit,
        frame: Frame::of(Section::Navigators, &caller),
        listing,
        rows,
        next,
    };
    visit.render(StatusCode::OK, &page)
}

/// Every row of the list with the same filters, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, "/console/navigator", &FILTERS);
    if let Err(e) = check_cpi_filter(&visit, &caller, &listing).await {
        return visit.console_error(&e);
    }
    let read = every_row(|after| rows(&visit, &caller, &listing, after, DOWNLOAD_BATCH)).await;
    let all = match read {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| vec![r.id, r.name, r.province, r.cpi, r.status, r.path])
        .collect();
    // The columns keep one name whatever the language of the cells.
    let header = [
        "navigator_id",
        "name",
        "province",
        "cpi_today",
        "contract",
        "path",
    ];
    csv_answer(&visit, "navigator.csv", &header, &lines)
}

/// A CPI of the Navigator's Region, for the assignment form.
pub struct CpiChoice {
    pub code: String,
    pub name: String,
    pub chosen: bool,
}

/// An assignment of the Navigator's history.
pub struct Span {
    pub cpi: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "console/navigator.html")]
struct DetailPage<'a> {
    page: &'a Visit,
    frame: Frame,
    row: Row,
    region: String,
    history: Vec<Span>,
    cpis: Vec<CpiChoice>,
    from: String,
    errors: FieldErrors,
    assigned: bool,
}

/// What the assignment form holds when the page is shown.
struct Form {
    cpi_code: String,
    from: String,
    errors: FieldErrors,
    assigned: bool,
}

async fn detail(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    form: Form,
    status: StatusCode,
) -> HttpResponse {
    let nid = NavigatorId::from_stored(id.to_owned());
    let run = &visit.state.use_cases;
    let record = match run
        .run(visit.act_as(caller), ReadNavigator { id: nid.clone() })
        .await
    {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let history = match run
        .run(visit.act_as(caller), AssignmentHistory { id: nid })
        .await
    {
        Ok(h) => h,
        Err(e) => return visit.console_error(&e),
    };
    let stages = match run
        .run(
            visit.act_as(caller),
            PathStages {
                navigator_ids: vec![id.to_owned()],
            },
        )
        .await
    {
        Ok(s) => s,
        Err(e) => return visit.console_error(&e),
    };
    let region = record.navigator.region_code.clone();
    let cpis = match run
        .run(
            visit.act_as(caller),
            ListCpis {
                filter: CpiFilter {
                    region: Some(region.clone()),
                    province: None,
                    after_code: None,
                    limit: 1000,
                },
            },
        )
        .await
    {
        Ok(c) => c,
        Err(e) => return visit.console_error(&e),
    };
    let current = record.current.as_ref().map(|a| a.cpi_code.clone());
    let chosen = match form.cpi_code.is_empty() {
        true => current.unwrap_or_default(),
        false => form.cpi_code.to_ascii_uppercase(),
    };
    let mut history: Vec<Span> = history
        .iter()
        .map(|h| Span {
            cpi: format!("{} ({})", h.cpi_name, h.assignment.cpi_code),
            from: visit.day(&h.assignment.from_day),
            to: h
                .assignment
                .to_day
                .map(|d| visit.day(&d))
                .unwrap_or_else(|| visit.t("in corso", "ongoing").to_owned()),
        })
        .collect();
    history.reverse();
    let page = DetailPage {
        page: visit,
        frame: Frame::of(Section::Navigators, caller),
        row: row_of(visit, &record, stages.get(id)),
        region,
        history,
        cpis: cpis
            .into_iter()
            .map(|c| CpiChoice {
                chosen: c.cpi.code == chosen,
                code: c.cpi.code,
                name: c.cpi.name,
            })
            .collect(),
        from: match form.from.is_empty() {
            true => visit.state.today().format("%Y-%m-%d").to_string(),
            false => form.from,
        },
        errors: form.errors,
        assigned: form.assigned,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    assegnato: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let form = Form {
        cpi_code: String::new(),
        from: String::new(),
        errors: FieldErrors::default(),
        assigned: query.assegnato.is_some(),
    };
    detail(&visit, &caller, &id, form, StatusCode::OK).await
}

#[derive(Deserialize)]
struct Assignment {
    csrf: String,
    #[serde(default)]
    cpi_code: String,
    #[serde(default)]
    from: String,
}

/// Assigns or moves the Navigator to a CPI from a day; a refusal is shown
/// in words next to the field it concerns.
pub async fn assign(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Assignment>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let refused = |errors: FieldErrors| Form {
        cpi_code: posted.cpi_code.clone(),
        from: posted.from.clone(),
        errors,
        assigned: false,
    };
    let Ok(from) = NaiveDate::parse_from_str(posted.from.trim(), "%Y-%m-%d") else {
        let words = visit.t("Indica un giorno valido.", "Give a valid day.");
        let form = refused(FieldErrors::one("from", words));
        return detail(&visit, &caller, &id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let case = AssignNavigator {
        id: NavigatorId::from_stored(id.clone()),
        cpi_code: posted.cpi_code.clone(),
        from,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(_) => visit.see_other(&format!("/console/navigator/{}?assegnato=1", id.as_str())),
        Err(e @ ApiError::Assignment { .. }) => {
            let words = crate::i18n::detail(&e, visit.lang);
            let form = refused(FieldErrors::one("cpi_code", &words));
            detail(&visit, &caller, &id, form, e.status()).await
        }
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => detail(&visit, &caller, &id, refused(errors), e.status()).await,
            None => visit.console_error(&e),
        },
    }
}
