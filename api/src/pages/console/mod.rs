//! The back-office console at `/console/`, for staff (admins, HR,
//! coordinators, trainers, Question RdC's experts): server-rendered pages over the same use cases
//! and authorization policies as the JSON API. A console session ends when
//! left idle and some hours after its sign-in, whatever its tokens say;
//! a Navigator is sent to the tablet app.

mod audit;
mod contracts;
mod desk;
mod equipment;
mod faq;
mod home;
mod hours;
mod indicators;
mod login;
mod navigators;
mod questions;
mod second_factor;
mod selections;
mod subjects;
pub mod table;
mod training;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;

use super::session::{ended_session_cookies, renew_session_cookies, take_refresh_token, SignedIn};
use super::Visit;
use crate::app::auth::{ConsoleSessionKept, KeepConsoleSession};
use crate::app::Act;
use crate::auth::Caller;
use crate::error::ApiError;

/// The console's addresses, under `/console/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/console",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/console/"))
                .finish()
        }),
    )
    .service(
        web::scope("/console")
            .wrap(from_fn(renew_session_cookies))
            .route("/", web::get().to(home::show))
            .service(
                web::resource("/accedi")
                    .route(web::get().to(login::show))
                    .route(web::post().to(login::log_in)),
            )
            .route("/accedi/sso", web::post().to(login::depart))
            .route("/accedi/sso/ritorno", web::get().to(login::arrive))
            .route("/esci", web::post().to(login::log_out))
            .route("/esci-ovunque", web::post().to(login::log_out_everywhere))
            .route("/verifica-due-passaggi", web::get().to(second_factor::show))
            .route(
                "/verifica-due-passaggi/avvia",
                web::post().to(second_factor::start),
            )
            .route(
                "/verifica-due-passaggi/conferma",
                web::post().to(second_factor::confirm),
            )
            .route(
                "/verifica-due-passaggi/disattiva",
                web::post().to(second_factor::disable),
            )
            .route("/navigator", web::get().to(navigators::list))
            .route("/navigator.csv", web::get().to(navigators::download))
            .route("/navigator/{id}", web::get().to(navigators::show))
            .route("/navigator/{id}/sede", web::post().to(navigators::assign))
            .route("/scorrimento", web::get().to(desk::selections))
            .route("/scorrimento/{id}", web::get().to(desk::desk))
            .route(
                "/scorrimento/{id}/{sigla}.csv",
                web::get().to(desk::province_download),
            )
            .route("/scorrimento/{id}/{sigla}", web::get().to(desk::province))
            .route(
                "/scorrimento/{id}/{sigla}/chiama",
                web::post().to(desk::call),
            )
            .route(
                "/scorrimento/{id}/{sigla}/offerte/{offer}/{action}",
                web::post().to(desk::act),
            )
            .route("/ore.csv", web::get().to(hours::download))
            .service(
                web::resource("/ore")
                    .route(web::get().to(hours::list))
                    .route(web::post().to(hours::decide)),
            )
            .route("/domande", web::get().to(questions::list))
            .route("/domande.csv", web::get().to(questions::download))
            .route("/domande/{id}", web::get().to(questions::show))
            .route("/domande/{id}/{azione}", web::post().to(questions::act))
            .route("/faq", web::get().to(faq::list))
            .route("/faq.csv", web::get().to(faq::download))
            .service(
                web::resource("/faq/nuova")
                    .route(web::get().to(faq::new))
                    .route(web::post().to(faq::write)),
            )
            .service(
                web::resource("/faq/{id}")
                    .route(web::get().to(faq::show))
                    .route(web::post().to(faq::edit)),
            )
            .route("/faq/{id}/ritira", web::post().to(faq::retire))
            .configure(selections::routes)
            .configure(contracts::routes)
            .configure(equipment::routes)
            .configure(training::routes)
            .configure(indicators::routes)
            .configure(audit::routes)
            .configure(subjects::routes),
    );
}

/// The sections of the console, for its navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Navigators,
    Hours,
    /// HR's scorrimento desk.
    Desk,
    /// HR's selections: rules, imports, admission, rankings.
    Selections,
    /// HR's contracts.
    Contracts,
    /// HR's equipment.
    Equipment,
    /// Training sessions, registers and completions (HR, trainers).
    Training,
    /// The indicators dashboard (HR, coordinators).
    Indicators,
    /// The audit log (admins, HR).
    Audit,
    /// Question RdC's queue of questions (experts; HR and admins read it).
    Questions,
    /// Question RdC's FAQ (experts, HR, admins).
    Faq,
    /// Outside the navigation (signing in).
    None,
}

/// What every page of the console shows around its content: where it is,
/// and who is signed in with which role.
pub struct Frame {
    pub section: Section,
    pub role: Option<Role>,
    pub regions: Vec<String>,
}

/// A link of the navigation.
pub struct Link {
    pub href: &'static str,
    pub words: &'static str,
    pub current: bool,
}

impl Frame {
    pub fn of(section: Section, caller: &Caller) -> Self {
        Self {
            section,
            role: Some(caller.role),
            regions: caller.regions.clone(),
        }
    }

    pub fn outside() -> Self {
        Self {
            section: Section::None,
            role: None,
            regions: Vec::new(),
        }
    }

    pub fn signed_in(&self) -> bool {
        self.role.is_some()
    }

    /// The role in the visit's words.
    pub fn role_words(&self, page: &Visit) -> String {
        let role = match self.role {
            Some(Role::Admin) => page.t("Amministrazione", "Administration"),
            Some(Role::Hr) => page.t("Risorse umane", "Human resources"),
            Some(Role::Coordinator) => page.t("Coordinamento regionale", "Regional coordination"),
            Some(Role::Trainer) => page.t("Formazione", "Training"),
            Some(Role::Expert) => page.t("Esperti Question RdC", "Question RdC experts"),
            Some(Role::Navigator) | None => "",
        };
        match self.regions.is_empty() {
            true => role.to_owned(),
            false => format!("{role} · {}", self.regions.join(", ")),
        }
    }

    /// The navigation of this role: the sections it may open.
    pub fn links(&self, page: &Visit) -> Vec<Link> {
        let link = |href, words, section| Link {
            href,
            words,
            current: self.section == section,
        };
        let mut links = vec![link("/console/", page.t("Inizio", "Home"), Section::Home)];
        // Question RdC's two sections, for those who read the questions
        // and write the FAQ.
        let questions_links = |links: &mut Vec<Link>| {
            links.push(link(
                "/console/domande",
                page.t("Domande dei Navigator", "Navigators' questions"),
                Section::Questions,
            ));
            links.push(link("/console/faq", page.t("FAQ", "FAQ"), Section::Faq));
        };
        match self.role {
            Some(Role::Coordinator) => {
                links.push(link(
                    "/console/navigator",
                    page.t("Navigator della Regione", "Navigators of the Region"),
                    Section::Navigators,
                ));
                links.push(link(
                    "/console/ore",
                    page.t("Ore da convalidare", "Hours to validate"),
                    Section::Hours,
                ));
                links.push(link(
                    "/console/indicatori",
                    page.t("Indicatori", "Indicators"),
                    Section::Indicators,
                ));
            }
            Some(Role::Hr) => {
                links.push(link(
                    "/console/selezioni",
                    page.t("Selezioni", "Selections"),
                    Section::Selections,
                ));
                links.push(link(
                    "/console/scorrimento",
                    page.t("Scorrimento", "Scorrimento"),
                    Section::Desk,
                ));
                links.push(link(
                    "/console/contratti",
                    page.t("Contratti", "Contracts"),
                    Section::Contracts,
                ));
                links.push(link(
                    "/console/navigator",
                    page.t("Navigator", "Navigators"),
                    Section::Navigators,
                ));
                links.push(link(
                    "/console/dotazioni",
                    page.t("Dotazioni", "Equipment"),
                    Section::Equipment,
                ));
                links.push(link(
                    "/console/formazione",
                    page.t("Formazione", "Training"),
                    Section::Training,
                ));
                links.push(link(
                    "/console/indicatori",
                    page.t("Indicatori", "Indicators"),
                    Section::Indicators,
                ));
                links.push(link(
                    "/console/audit",
                    page.t("Registro delle operazioni", "Audit log"),
                    Section::Audit,
                ));
                questions_links(&mut links);
            }
            Some(Role::Trainer) => {
                links.push(link(
                    "/console/formazione",
                    page.t("Formazione", "Training"),
                    Section::Training,
                ));
            }
            Some(Role::Admin) => {
                links.push(link(
                    "/console/audit",
                    page.t("Registro delle operazioni", "Audit log"),
                    Section::Audit,
                ));
                questions_links(&mut links);
            }
            Some(Role::Expert) => questions_links(&mut links),
            Some(Role::Navigator) | None => {}
        }
        links
    }
}

#[derive(Template)]
#[template(path = "console/not_staff.html")]
struct NotStaff<'a> {
    page: &'a Visit,
    frame: Frame,
}

/// The signed-in HR officer (`staff`, then the role): anyone else on
/// staff finds the HR sections' pages not found.
pub async fn hr_officer(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match caller.role {
        Role::Hr => Ok(caller),
        _ => Err(Box::new(visit.not_found())),
    }
}

/// The signed-in staff member, their console session kept going; or the
/// answer for anyone else: the sign-in page when nobody is signed in or the
/// session ended (idle, too old, revoked, cut off), a page sending a
/// Navigator to the tablet app, and the second factor's enrolment for a
/// session that may only enrol one.
pub async fn staff(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = enrolling(req, visit, signed).await?;
    if caller.enrolment_only {
        return Err(Box::new(visit.see_other(second_factor::PATH)));
    }
    Ok(caller)
}

/// As [`staff`], also for a session that may only enrol a second factor:
/// the enrolment's own pages.
pub async fn enrolling(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = match signed.caller() {
        Some(c) if c.role != Role::Navigator => c.clone(),
        Some(_) => {
            let page = NotStaff {
                page: visit,
                frame: Frame::outside(),
            };
            return Err(Box::new(visit.render(StatusCode::FORBIDDEN, &page)));
        }
        None => return Err(Box::new(visit.see_other("/console/accedi"))),
    };
    let act = Act::by(
        caller.clone(),
        visit.request_id.clone(),
        std::sync::Arc::clone(&visit.state.settings),
    );
    match visit.state.use_cases.run(act, KeepConsoleSession).await {
        Ok(ConsoleSessionKept::Live) => Ok(caller),
        Ok(ConsoleSessionKept::Ended { revoked, .. }) => {
            visit.state.apply_revoked(revoked);
            // Renewed cookies, if any, are not set: the session ended.
            let _ = take_refresh_token(req);
            for c in ended_session_cookies(&visit.state) {
                visit.set_cookie(c);
            }
            Err(Box::new(visit.see_other("/console/accedi?scaduta=1")))
        }
        Err(e) => Err(Box::new(visit.error_page(&e))),
    }
}

/// A form's hidden key (`posted`) claimed for `caller`, as an
/// `Idempotency-Key` is, with the form's `fingerprint`; or the answer to
/// give at once: the form already sent (where its first sending went, or
/// `already` while it runs), the key sent with another form, or no key.
pub(crate) async fn claim_form_key(
    visit: &Visit,
    caller: &Caller,
    posted: &str,
    fingerprint: String,
    already: &str,
) -> Result<crate::app::IdempotencyClaim, HttpResponse> {
    let key = crate::idempotency::key_of(posted).map_err(|e| visit.error_page(&e))?;
    match crate::idempotency::kept(&visit.state, &caller.user_id, &key).await {
        Err(e) => Err(visit.error_page(&e)),
        Ok(Some(k)) if k.fingerprint != fingerprint => {
            let e = ApiError::rule(openapi::ProblemType::IdempotencyKeyReused, key.as_str());
            Err(visit.error_page(&e))
        }
        Ok(Some(k)) => Err(visit.see_other(k.location.as_deref().unwrap_or(already))),
        Ok(None) => Ok(crate::app::IdempotencyClaim::new(
            caller.user_id.clone(),
            key,
            fingerprint,
        )),
    }
}

impl Visit {
    /// The use cases' view of `caller` acting from this visit.
    pub fn act_as(&self, caller: &Caller) -> Act {
        Act::by(
            caller.clone(),
            self.request_id.clone(),
            std::sync::Arc::clone(&self.state.settings),
        )
    }

    /// The not-found page: what a console page answers for anything out of
    /// the caller's scope, so that not even its existence shows.
    pub fn not_found(&self) -> HttpResponse {
        let page = super::Message {
            page: self,
            title: self.t("Pagina non trovata", "Page not found"),
            text: self.t(
                "L'indirizzo aperto non corrisponde a nessuna pagina del servizio.",
                "The address you opened does not match any page of the service.",
            ),
            next: Some((
                "/console/",
                self.t(
                    "Torna all'inizio della console",
                    "Back to the console's home",
                ),
            )),
        };
        self.render(StatusCode::NOT_FOUND, &page)
    }

    /// A use case's error as a console page: out of scope reads as not found.
    pub fn console_error(&self, err: &ApiError) -> HttpResponse {
        match err {
            ApiError::OutOfScope | ApiError::NotFound { .. } => self.not_found(),
            e => self.error_page(e),
        }
    }
}
