//! `/`: where a person who opens the service's address starts.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use super::Visit;

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing<'a> {
    page: &'a Visit,
}

pub async fn show(visit: Visit) -> HttpResponse {
    visit.render(StatusCode::OK, &Landing { page: &visit })
}
