//! The console's home page: what this role finds in the console.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::{staff, Frame, Section};
use crate::pages::session::SignedIn;
use crate::pages::Visit;

#[derive(Template)]
#[template(path = "console/home.html")]
struct Home<'a> {
    page: &'a Visit,
    frame: Frame,
}

pub async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let page = Home {
        page: &visit,
        frame: Frame::of(Section::Home, &caller),
    };
    visit.render(StatusCode::OK, &page)
}
