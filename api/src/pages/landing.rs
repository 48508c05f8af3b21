//! `/`: where a person who opens the service's address starts.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use super::Visit;

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing<'a> {
    page: &'a Visit,
    api_docs: &'static str,
}

pub async fn show(visit: Visit) -> HttpResponse {
    let api_docs = match visit.state.settings.swagger_ui {
        true => "/swagger-ui/",
        false => "/api-docs/openapi.json",
    };
    visit.render(
        StatusCode::OK,
        &Landing {
            page: &visit,
            api_docs,
        },
    )
}
