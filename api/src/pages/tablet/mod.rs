//! The Navigator's tablet app at `/app/`: an installable web app (manifest,
//! service worker) over the same use cases as the JSON API's `/me/*`. Every
//! page works without script; `app.js` adds what a tablet in the field
//! needs: hours entered without network kept on the device and sent when
//! it returns, and the path refreshed with `If-None-Match`.
//!
//! A page asked by `app.js` (`Accept: application/json`) answers JSON
//! instead of a page or a redirect, with the same refusals in words.

mod contract;
mod hours;
mod kit;
mod login;
mod my_data;
mod path;
mod questions;
mod seat;
mod shell;

use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;
use serde_json::json;

use super::session::{renew_session_cookies, SignedIn};
use super::Visit;
use crate::auth::Caller;

/// The app's addresses, under `/app/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/app",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/app/"))
                .finish()
        }),
    )
    .service(
        web::scope("/app")
            .wrap(from_fn(renew_session_cookies))
            .route("/", web::get().to(path::show))
            .route("/percorso", web::get().to(path::bars))
            .service(
                web::resource("/accedi")
                    .route(web::get().to(login::show))
                    .route(web::post().to(login::log_in)),
            )
            .route("/esci", web::post().to(login::log_out))
            .service(
                web::resource("/ore")
                    .route(web::get().to(hours::show))
                    .route(web::post().to(hours::log)),
            )
            .route("/sede", web::get().to(seat::show))
            .service(
                web::resource("/kit")
                    .route(web::get().to(kit::show))
                    .route(web::post().to(kit::acknowledge)),
            )
            .route("/contratto", web::get().to(contract::show))
            .route("/dimissioni", web::post().to(contract::resign))
            .service(
                web::resource("/domande")
                    .route(web::get().to(questions::show))
                    .route(web::post().to(questions::ask)),
            )
            .route("/domande/{id}", web::get().to(questions::question))
            .route("/domande/{id}/{azione}", web::post().to(questions::act))
            .route("/faq", web::get().to(questions::faq))
            .route("/faq/copia", web::get().to(questions::faq_copy))
            .route("/i-miei-dati", web::get().to(my_data::show))
            .route("/i-miei-dati.json", web::get().to(my_data::download))
            .route("/sessione", web::get().to(shell::session))
            .route("/offline", web::get().to(shell::offline))
            .route("/sw.js", web::get().to(shell::service_worker))
            .route("/manifest.webmanifest", web::get().to(shell::manifest)),
    );
}

/// The sections of the app, for its navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Path,
    Hours,
    Seat,
    Kit,
    Contract,
    /// Question RdC: my questions, and asking one.
    Questions,
    /// Question RdC's FAQ.
    Faq,
    /// Outside the navigation (signing in, offline).
    None,
}

/// What every page of the app shows around its content: where it is, and
/// whose device it is (so that entries kept offline go to their author).
pub struct Frame {
    pub section: Section,
    pub account: String,
}

impl Frame {
    pub fn of(section: Section, caller: &Caller) -> Self {
        Self {
            section,
            account: caller.user_id.clone(),
        }
    }

    pub fn outside() -> Self {
        Self {
            section: Section::None,
            account: String::new(),
        }
    }

    /// `aria-current` for the link of `section`.
    pub fn current(&self, section: &str) -> &'static str {
        let asked = match section {
            "percorso" => Section::Path,
            "ore" => Section::Hours,
            "sede" => Section::Seat,
            "kit" => Section::Kit,
            "contratto" => Section::Contract,
            "domande" => Section::Questions,
            "faq" => Section::Faq,
            _ => Section::None,
        };
        match asked == self.section && asked != Section::None {
            true => "page",
            false => "false",
        }
    }

    pub fn signed_in(&self) -> bool {
        !self.account.is_empty()
    }
}

/// Whether `app.js` asked (JSON rather than a page).
pub fn from_script(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("application/json"))
}

/// A JSON answer to `app.js`, never stored, with the cookies of the visit.
pub fn json_answer(visit: &Visit, status: StatusCode, body: &serde_json::Value) -> HttpResponse {
    visit
        .answer(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(ContentType::json())
        .body(body.to_string())
}

#[derive(Template)]
#[template(path = "app/not_navigator.html")]
struct NotNavigator<'a> {
    page: &'a Visit,
    frame: Frame,
}

/// The signed-in Navigator, or the answer for anyone else: to the sign-in
/// page when nobody is signed in; a page saying the app is for Navigators
/// to another role.
pub fn navigator(
    req: &HttpRequest,
    visit: &Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let away = match signed.caller() {
        Some(c) if c.role == Role::Navigator => return Ok(c.clone()),
        Some(_) if from_script(req) => json_answer(
            visit,
            StatusCode::FORBIDDEN,
            &json!({ "error": "not-a-navigator" }),
        ),
        Some(_) => visit.render(
            StatusCode::FORBIDDEN,
            &NotNavigator {
                page: visit,
                frame: Frame::outside(),
            },
        ),
        None if from_script(req) => json_answer(
            visit,
            StatusCode::UNAUTHORIZED,
            &json!({ "error": "signed-out" }),
        ),
        None => visit.see_other("/app/accedi"),
    };
    Err(Box::new(away))
}

/// Hours as the person reads them: `7,5` in Italian, `7.5` in English.
pub fn hours_text(hours: f64, visit: &Visit) -> String {
    crate::i18n::hours((hours * 60.0).round() as i64, visit.lang)
}
