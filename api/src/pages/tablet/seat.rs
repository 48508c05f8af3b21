//! `/app/sede`: where I work today and next, from the same use case as
//! `GET /me/assignment`. In a Region whose convention is `remote`
//! (Campania) the page says that Navigators there work without a CPI.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use domain::convention::ConventionMode;

use super::{navigator, Frame, Section};
use crate::app::navigators::{AssignmentRecord, MyAssignment};
use crate::extract::RequestMeta;
use crate::pages::session::SignedIn;
use crate::pages::Visit;

/// An assignment as the page shows it.
pub struct Place {
    pub cpi_code: String,
    pub cpi_name: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "app/seat.html")]
struct SeatPage<'a> {
    page: &'a Visit,
    frame: Frame,
    region: String,
    /// `cpi`, `remote`, or empty without a convention in force.
    mode: &'static str,
    convention_signed_on: String,
    operational_start: String,
    current: Option<Place>,
    next: Option<Place>,
}

fn place(visit: &Visit, r: &AssignmentRecord) -> Place {
    Place {
        cpi_code: r.assignment.cpi_code.clone(),
        cpi_name: r.cpi_name.clone(),
        from: visit.day(&r.assignment.from_day),
        to: r
            .assignment
            .to_day
            .map(|d| visit.day(&d))
            .unwrap_or_default(),
    }
}

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let own = match visit.state.run(&caller, &meta, MyAssignment).await {
        Ok(own) => own,
        Err(e) => return visit.error_page(&e),
    };
    let page = SeatPage {
        page: &visit,
        frame: Frame::of(Section::Seat, &caller),
        region: own.region_name.clone(),
        mode: match own.convention_mode {
            Some(ConventionMode::Cpi) => "cpi",
            Some(ConventionMode::Remote) => "remote",
            None => "",
        },
        convention_signed_on: own
            .convention_signed_on
            .map(|d| visit.day(&d))
            .unwrap_or_default(),
        operational_start: own
            .operational_start
            .map(|d| visit.day(&d))
            .unwrap_or_default(),
        current: own.current.as_ref().map(|r| place(&visit, r)),
        next: own.next.as_ref().map(|r| place(&visit, r)),
    };
    visit.render(StatusCode::OK, &page)
}
