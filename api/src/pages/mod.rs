//! The people's side in a browser: server-rendered pages in the same
//! binary as the JSON API, calling the same use cases. Every page works
//! without script; the few lines of script there are only help.
//!
//! A page handler answers HTML in every case (its errors too): a person
//! following a mailed link never sees a problem document.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;

use crate::app::Act;
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::state::AppState;

pub mod access_file;
pub mod assets;
pub mod charts;
mod console;
mod landing;
mod offer;
mod password;
mod questions;
pub mod session;
pub(crate) mod tablet;
pub mod upload;

/// Bootstrap Italia's icons, as a sprite of `<symbol>`s.
const ICONS: &str = "vendor/bootstrap-italia/svg/sprites.svg";
const LANG_COOKIE: &str = "navigator_lang";
const CSRF_COOKIE: &str = "navigator_csrf";
/// The form field that carries the anti-forgery token.
pub const CSRF_FIELD: &str = "csrf";

/// The pages and their static files.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.+}", web::get().to(assets::serve))
        .route("/", web::get().to(landing::show))
        .service(
            web::resource("/offerta")
                .route(web::get().to(offer::show))
                .route(web::post().to(offer::respond)),
        )
        .service(
            web::resource("/attivazione")
                .route(web::get().to(password::show_activation))
                .route(web::post().to(password::set_activation)),
        )
        .service(
            web::resource("/reimposta-password")
                .route(web::get().to(password::show_reset))
                .route(web::post().to(password::set_reset)),
        )
        .service(
            web::resource("/password-dimenticata")
                .route(web::get().to(password::show_forgotten))
                .route(web::post().to(password::ask_reset)),
        )
        .configure(tablet::routes)
        .configure(console::routes);
}

impl Lang {
    /// The Italian or the English of a text written in a template.
    pub fn t<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

/// A browser's request for a page: its language, its anti-forgery token,
/// and the cookies the answer must set.
pub struct Visit {
    pub lang: Lang,
    /// The anti-forgery token of this browser, echoed by every form.
    pub csrf: String,
    /// Where this page is, for the language switch.
    path: String,
    query: Vec<(String, String)>,
    secure: bool,
    new_cookies: Vec<Cookie<'static>>,
    pub request_id: String,
    pub state: web::Data<AppState>,
}

fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name).map(|c| c.value().to_owned())
}

impl Visit {
    fn from_parts(req: &HttpRequest) -> Result<Self, ApiError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or(ApiError::Internal)?;
        let secure = state.settings.public_url.starts_with("https://");
        let query: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
            .into_owned()
            .collect();
        let mut new_cookies = Vec::new();
        let asked = query
            .iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| lang_from_tag(v));
        let lang = match asked {
            Some(lang) => {
                let mut chosen = cookie(LANG_COOKIE, lang.tag().to_owned(), secure, false);
                // The choice of language outlives the browser's session.
                chosen.set_max_age(actix_web::cookie::time::Duration::days(365));
                new_cookies.push(chosen);
                lang
            }
            None => lang_of(req),
        };
        let csrf = match cookie_value(req, CSRF_COOKIE).filter(|c| c.len() == 43) {
            Some(token) => token,
            None => {
                let token = crate::auth::tokens::opaque_token();
                new_cookies.push(cookie(CSRF_COOKIE, token.clone(), secure, true));
                token
            }
        };
        let request_id = crate::telemetry::request_id(req);
        Ok(Self {
            lang,
            csrf,
            path: req.path().to_owned(),
            query,
            secure,
            new_cookies,
            request_id,
            state,
        })
    }

    /// The texts of a template, in this visit's language.
    pub fn t<'a>(&self, it: &'a str, en: &'a str) -> &'a str {
        self.lang.t(it, en)
    }

    /// The address of a static file, with its digest in the name.
    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    /// An icon of Bootstrap Italia's sprite, `it-…` (the vendored sprite
    /// holds only the icons the templates name: see its `refresh.sh`).
    pub fn icon(&self, name: &str) -> String {
        format!("{}#{name}", assets::url(ICONS))
    }

    /// Where integrators read about the API: Swagger UI when it is served,
    /// else the OpenAPI document.
    pub fn api_docs(&self) -> &'static str {
        match self.state.settings.swagger_ui {
            true => "/swagger-ui/",
            false => "/api-docs/openapi.json",
        }
    }

    /// This page in the other language.
    pub fn switch_url(&self) -> String {
        let other = match self.lang {
            Lang::It => "en",
            Lang::En => "it",
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.query.iter().filter(|(k, _)| k != "lang") {
            query.append_pair(k, v);
        }
        query.append_pair("lang", other);
        format!("{}?{}", self.path, query.finish())
    }

    /// The name of the other language, in itself.
    pub fn other_language(&self) -> &'static str {
        match self.lang {
            Lang::It => "English",
            Lang::En => "Italiano",
        }
    }

    /// A day as this visit's language writes it.
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        i18n::day(*d, self.lang)
    }

    /// The use cases' view of an anonymous visitor.
    pub fn act(&self) -> Act {
        Act::anonymous(
            self.request_id.clone(),
            std::sync::Arc::clone(&self.state.settings),
        )
    }

    /// Whether a posted form carries this browser's anti-forgery token. A
    /// form posted from another site carries none: the cookie is
    /// `SameSite=Strict` and the other site cannot read the page.
    pub fn forged(&self, posted: &str) -> bool {
        let (a, b) = (posted.as_bytes(), self.csrf.as_bytes());
        // Compared in constant time: the token is a secret.
        a.len() != b.len() || a.iter().zip(b).fold(0_u8, |d, (x, y)| d | (x ^ y)) != 0
    }

    /// Sets a cookie with the answer (session cookies of the tablet app).
    pub fn set_cookie(&mut self, cookie: Cookie<'static>) {
        self.new_cookies.push(cookie);
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    fn answer(&self, status: StatusCode) -> HttpResponseBuilder {
        let mut answer = HttpResponseBuilder::new(status);
        for c in &self.new_cookies {
            answer.cookie(c.clone());
        }
        answer
    }

    /// A page, never stored by a cache: pages carry forms with the
    /// anti-forgery token, and some a one-time link.
    pub fn render(&self, status: StatusCode, page: &impl Template) -> HttpResponse {
        match page.render() {
            Ok(html) => self
                .answer(status)
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(e) => {
                tracing::error!(error = %e, "a page could not be rendered");
                self.failure()
            }
        }
    }

    /// A page of the signed-in person's own data that a browser may keep
    /// and ask again with `If-None-Match`: a weak tag of the page (the same
    /// words and figures, whatever the compression), `304` with no body
    /// while the page has not changed. Private: it is this person's only.
    pub fn render_tagged(&self, req: &HttpRequest, page: &impl Template) -> HttpResponse {
        let html = match page.render() {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(error = %e, "a page could not be rendered");
                return self.failure();
            }
        };
        let tag = format!("W/{}", crate::etag::tag_of(html.as_bytes()));
        let held = req
            .headers()
            .get_all(header::IF_NONE_MATCH)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().trim_start_matches("W/") == tag.trim_start_matches("W/"));
        let status = match held {
            true => StatusCode::NOT_MODIFIED,
            false => StatusCode::OK,
        };
        let mut answer = self.answer(status);
        answer
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .insert_header((header::ETAG, tag));
        match held {
            true => answer.finish(),
            false => answer.content_type("text/html; charset=utf-8").body(html),
        }
    }

    /// A redirect after a form's success (post, redirect, get), so that a
    /// reload does not send the form again.
    pub fn see_other(&self, location: &str) -> HttpResponse {
        self.answer(StatusCode::SEE_OTHER)
            .insert_header((header::LOCATION, location))
            .finish()
    }

    /// The page for a request that failed on our side.
    pub fn failure(&self) -> HttpResponse {
        let page = Message {
            page: self,
            title: self.t("Servizio non disponibile", "Service unavailable"),
            text: self.t(
                "Non è stato possibile completare la richiesta. Riprova tra qualche minuto.",
                "The request could not be completed. Please try again in a few minutes.",
            ),
            next: None,
        };
        match page.render() {
            Ok(html) => self
                .answer(StatusCode::INTERNAL_SERVER_ERROR)
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(_) => HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Servizio non disponibile / Service unavailable"),
        }
    }

    /// The page for an error of the use cases that the page did not expect
    /// (a busy database, a refused change), in words.
    pub fn error_page(&self, err: &ApiError) -> HttpResponse {
        let status = err.status();
        if status.is_server_error() {
            if matches!(err, ApiError::Internal) {
                tracing::error!(request_id = %self.request_id, "a page failed with an internal error");
            }
            return self.failure();
        }
        let detail = i18n::detail(err, self.lang);
        let page = Message {
            page: self,
            title: self.t("Richiesta non completata", "Request not completed"),
            text: &detail,
            next: None,
        };
        self.render(status, &page)
    }

    /// The page for a form that came without this browser's token.
    pub fn forged_page(&self) -> HttpResponse {
        let page = Message {
            page: self,
            title: self.t("Modulo scaduto", "Form expired"),
            text: self.t(
                "Il modulo non è stato inviato da questa pagina o è scaduto. Torna indietro, ricarica la pagina e riprova.",
                "The form was not sent from this page or has expired. Go back, reload the page and try again.",
            ),
            next: None,
        };
        self.render(StatusCode::FORBIDDEN, &page)
    }
}

fn lang_from_tag(tag: &str) -> Option<Lang> {
    match tag {
        "it" => Some(Lang::It),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The language a browser chose with the switch, else the one it asks for.
fn lang_of(req: &HttpRequest) -> Lang {
    cookie_value(req, LANG_COOKIE)
        .and_then(|v| lang_from_tag(&v))
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            )
        })
}

/// A cookie of the pages, for the browser's session: never sent by another
/// site's request, never sent over plain HTTP when the service is on HTTPS.
pub fn cookie(name: &str, value: String, secure: bool, http_only: bool) -> Cookie<'static> {
    Cookie::build(name.to_owned(), value)
        .path("/")
        .http_only(http_only)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}

impl FromRequest for Visit {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Self::from_parts(req))
    }
}

/// A short page with a title, a text and where to go next.
#[derive(Template)]
#[template(path = "message.html")]
pub struct Message<'a> {
    pub page: &'a Visit,
    pub title: &'a str,
    pub text: &'a str,
    /// A link onwards: address and words.
    pub next: Option<(&'a str, &'a str)>,
}

/// The HTML answer to an address nobody serves, for a browser.
pub fn not_found_page(req: &HttpRequest) -> HttpResponse {
    let Ok(visit) = Visit::from_parts(req) else {
        return HttpResponse::NotFound().finish();
    };
    let page = Message {
        page: &visit,
        title: visit.t("Pagina non trovata", "Page not found"),
        text: visit.t(
            "L'indirizzo aperto non corrisponde a nessuna pagina del servizio.",
            "The address you opened does not match any page of the service.",
        ),
        next: Some((
            "/",
            visit.t("Vai alla pagina iniziale", "Go to the home page"),
        )),
    };
    visit.render(StatusCode::NOT_FOUND, &page)
}

/// Whether a request is a browser's, asking for a page rather than JSON.
pub fn wants_page(req: &HttpRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

/// The policy every page is served with: its own origin only, no inline
/// script or style, never in a frame, no address leaked to another site
/// (some pages hold a one-time link in their address).
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
     worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Swagger UI (third-party, for integrators) sets style attributes in its
/// markup: the same policy, with inline styles allowed.
const SWAGGER_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Adds the browser security headers to an HTML answer, and HSTS to every
/// answer when the service is published on HTTPS.
pub fn secure_headers(swagger: bool, headers: &mut header::HeaderMap, https: bool) {
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return;
    }
    let policy = match swagger {
        true => SWAGGER_POLICY,
        false => PAGE_POLICY,
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// What a form field was refused for, in the visit's words.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// The refusals of `err`, when it refuses fields; `None` otherwise.
    pub fn of(err: &ApiError, lang: Lang) -> Option<Self> {
        match err {
            ApiError::Validation(v) => Some(Self(
                v.0.iter()
                    .map(|x| (x.field.clone(), i18n::violation_message(x, lang)))
                    .collect(),
            )),
            _ => None,
        }
    }

    pub fn one(field: &str, message: &str) -> Self {
        Self(vec![(field.to_owned(), message.to_owned())])
    }

    /// These refusals and one more.
    pub fn with(mut self, field: &str, message: &str) -> Self {
        self.0.push((field.to_owned(), message.to_owned()));
        self
    }

    /// Each refused field with its message.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// The message for `field`, empty when it was not refused.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads a posted form; `None` when it is not one (the page then answers
/// as for a forged form: the browser did not send what the page holds).
pub fn read_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_urlencoded::from_bytes(body).ok()
}

/// Whether `raw` (an address's path or query, or a form's body, still
/// percent-encoded) carries a NUL character.
fn carries_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || raw.windows(3).any(|w| w == b"%00")
}

/// A NUL character means nothing in a page's address or form, and the
/// database refuses it in text: such a request gets a page saying so (400)
/// before any page reads it, whichever field carried it.
pub async fn refuse_nul(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let mut refused =
        carries_nul(req.path().as_bytes()) || carries_nul(req.query_string().as_bytes());
    let form = req
        .content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded");
    if !refused && form {
        let body = req.extract::<web::Bytes>().await?;
        refused = carries_nul(&body);
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    if !refused {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let answer = match Visit::from_parts(req.request()) {
        Ok(visit) => {
            let page = Message {
                page: &visit,
                title: visit.t("Richiesta non valida", "Invalid request"),
                text: visit.t(
                    "Il testo non può contenere il carattere NUL (U+0000).",
                    "Text must not contain the NUL character (U+0000).",
                ),
                next: Some(("/", visit.t("Torna all'inizio", "Back to the start"))),
            };
            visit.render(StatusCode::BAD_REQUEST, &page)
        }
        Err(_) => HttpResponse::BadRequest().finish(),
    };
    Ok(req.into_response(answer).map_into_right_body())
}
