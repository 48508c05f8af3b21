//! `/console/accedi`, `/console/esci` and `/console/esci-ovunque`: signing
//! in to the console with the same accounts, throttling and tokens as
//! `/auth/login`, for staff only; signing out ends the session on the
//! server too, and "everywhere" ends every session of the account.
//!
//! With single sign-on configured, `/console/accedi/sso` sends the browser
//! to the organisation's identity provider and `/console/accedi/sso/ritorno`
//! takes it back: the same console session as a password opens.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;
use domain::second_factor::SecondFactorRefusal;
use serde::Deserialize;

use super::Frame;
use crate::app::auth::{
    LeaveForProvider, LogIn, LogOutEverywhere, OpenConsoleSession, ReturnFromProvider,
    SignInThroughProvider,
};
use crate::auth::caller::caller_of_access_token;
use crate::error::ApiError;
use crate::extract::RequestMeta;
use crate::pages::session::{
    ended_session_cookies, session_cookies, sign_in_refusal, sign_out, take_refresh_token, SignedIn,
};
use crate::pages::{read_form, Visit};
use crate::single_sign_on::Refusal;

/// Why the sign-in page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    None,
    SignedOut,
    SignedOutEverywhere,
    Ended,
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage<'a> {
    page: &'a Visit,
    frame: Frame,
    email: &'a str,
    /// Why the last attempt did not sign in, in words.
    refusal: String,
    notice: Notice,
    /// The account has a second factor and the last attempt lacked its
    /// code, or gave a wrong one.
    code_asked: bool,
    /// The identity provider's name, when single sign-on is configured.
    provider: Option<String>,
}

/// The name on the "Accedi con …" button, when single sign-on is on.
fn provider_name(visit: &Visit) -> Option<String> {
    visit
        .state
        .identity_provider
        .as_ref()
        .map(|p| p.display_name.clone())
}

impl LoginPage<'_> {
    fn notice_words(&self) -> &str {
        let p = self.page;
        match self.notice {
            Notice::None => "",
            Notice::SignedOut => p.t(
                "Sei uscito. La sessione è chiusa anche sul server.",
                "You are logged out. The session is closed on the server too.",
            ),
            Notice::SignedOutEverywhere => p.t(
                "Sei uscito da tutti i dispositivi: ogni sessione del tuo account è chiusa, anche sul tablet e negli altri browser.",
                "You are logged out everywhere: every session of your account is closed, on the tablet and in other browsers too.",
            ),
            Notice::Ended => p.t(
                "La sessione è scaduta (inattiva troppo a lungo, o aperta da troppe ore). Accedi di nuovo.",
                "Your session has ended (idle for too long, or open for too many hours). Please log in again.",
            ),
        }
    }
}

fn form(
    visit: &Visit,
    status: StatusCode,
    email: &str,
    refusal: String,
    code_asked: bool,
) -> HttpResponse {
    visit.render(
        status,
        &LoginPage {
            page: visit,
            frame: Frame::outside(),
            email,
            refusal,
            notice: Notice::None,
            code_asked,
            provider: provider_name(visit),
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    uscito: Option<String>,
    #[serde(default)]
    ovunque: Option<String>,
    #[serde(default)]
    scaduta: Option<String>,
}

pub async fn show(visit: Visit, query: web::Query<Shown>) -> HttpResponse {
    let notice = if query.ovunque.is_some() {
        Notice::SignedOutEverywhere
    } else if query.uscito.is_some() {
        Notice::SignedOut
    } else if query.scaduta.is_some() {
        Notice::Ended
    } else {
        Notice::None
    };
    visit.render(
        StatusCode::OK,
        &LoginPage {
            page: &visit,
            frame: Frame::outside(),
            email: "",
            refusal: String::new(),
            notice,
            code_asked: false,
            provider: provider_name(&visit),
        },
    )
}

#[derive(Deserialize)]
struct Credentials {
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The second factor, for an account that has one.
    #[serde(default)]
    totp: Option<String>,
}

pub async fn log_in(mut visit: Visit, meta: RequestMeta, body: web::Bytes) -> HttpResponse {
    let Some(posted) = read_form::<Credentials>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let case = LogIn {
        email: posted.email.clone(),
        password: posted.password,
        totp: posted.totp.filter(|c| !c.trim().is_empty()),
        client_addr: meta.client_addr.clone(),
        jwt: visit.state.jwt.clone(),
        roles: &Role::STAFF,
    };
    let outcome = visit.state.use_cases.run(visit.act(), case).await;
    match visit.state.metrics.counted_login(outcome) {
        Ok((session, _)) => {
            let Ok(caller) = caller_of_access_token(&visit.state, &session.access_token) else {
                return visit.failure();
            };
            let open = OpenConsoleSession {
                family: session.family.clone(),
            };
            if let Err(e) = visit.state.use_cases.run(visit.act_as(&caller), open).await {
                return visit.error_page(&e);
            }
            for c in session_cookies(&visit.state, &session) {
                visit.set_cookie(c);
            }
            // A session that may only enrol goes straight to enrolment.
            if session.enrolment_only {
                return visit.see_other(super::second_factor::PATH);
            }
            visit.see_other("/console/")
        }
        // The password is asked again with the code: it is never written
        // into the page.
        Err(ApiError::SecondFactor(SecondFactorRefusal::Required)) => form(
            &visit,
            StatusCode::UNAUTHORIZED,
            &posted.email,
            visit
                .t(
                    "Il tuo account usa la verifica in due passaggi: inserisci di nuovo la password e il codice di 6 cifre dell'app di autenticazione (oppure un codice di recupero).",
                    "Your account uses two-step verification: enter the password again with the 6-digit code from the authenticator app (or a recovery code).",
                )
                .to_owned(),
            true,
        ),
        Err(e) => match sign_in_refusal(
            &visit,
            &e,
            (
                "La console è riservata al personale (amministrazione, risorse umane, coordinamento, formazione). I Navigator accedono dall'app: /app/.",
                "The console is for staff (administration, human resources, coordination, training). Navigators log in to the app: /app/.",
            ),
        ) {
            Some((status, words)) => form(
                &visit,
                status,
                &posted.email,
                words,
                matches!(e, ApiError::SecondFactor(_)),
            ),
            None => visit.error_page(&e),
        },
    }
}

#[derive(Deserialize)]
struct Leaving {
    csrf: String,
}

/// Ends this browser's session on the server and in the browser.
pub async fn log_out(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    sign_out(
        &req,
        visit,
        signed,
        &meta,
        &body,
        "/console/accedi?uscito=1",
    )
    .await
}

/// Ends every session of the account: this browser's, the others', the
/// tablet app's, the API's.
pub async fn log_out_everywhere(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Leaving>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let _ = take_refresh_token(&req);
    if let Some(caller) = signed.caller() {
        match visit.state.run(caller, &meta, LogOutEverywhere).await {
            Ok(revoked) => visit.state.apply_revoked(revoked),
            Err(e) => return visit.error_page(&e),
        }
    }
    for c in ended_session_cookies(&visit.state) {
        visit.set_cookie(c);
    }
    visit.see_other("/console/accedi?ovunque=1")
}

/// The cookie that ties a return from the provider to the browser that
/// left: the state, which the return must carry too.
const STATE_COOKIE: &str = "navigator_sso_state";

/// The state cookie: sent back on the provider's return, a navigation from
/// another site, so `Lax` where the session's cookies are `Strict`.
fn state_cookie(visit: &Visit, value: String) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(STATE_COOKIE, value)
        .path("/console/accedi/sso")
        .http_only(true)
        .secure(visit.secure())
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(
            crate::app::auth::attempt_lifetime().num_seconds(),
        ))
        .finish()
}

#[derive(Deserialize)]
struct Departing {
    csrf: String,
}

/// Sends the browser to the identity provider ("Accedi con …").
pub async fn depart(mut visit: Visit, body: web::Bytes) -> HttpResponse {
    let Some(provider) = visit.state.identity_provider.clone() else {
        return visit.error_page(&ApiError::RouteNotFound);
    };
    let Some(posted) = read_form::<Departing>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let departure = match provider.depart().await {
        Ok(d) => d,
        Err(refusal) => return sso_refused(&visit, refusal),
    };
    let case = LeaveForProvider {
        state: departure.state.clone(),
        nonce: departure.nonce,
        verifier: departure.verifier,
    };
    if let Err(e) = visit.state.use_cases.run(visit.act(), case).await {
        return visit.error_page(&e);
    }
    visit.set_cookie(state_cookie(&visit, departure.state));
    visit.see_other(&departure.url)
}

#[derive(Deserialize)]
pub struct Returned {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    iss: Option<String>,
}

#[derive(Template)]
#[template(path = "console/sso_arrived.html")]
struct Arrived<'a> {
    page: &'a Visit,
    provider: &'a str,
}

/// The browser back from the identity provider: the attempt it left with
/// is taken back (once), the code traded for the ID token, the token
/// checked, and the account's console session opened.
pub async fn arrive(
    req: HttpRequest,
    mut visit: Visit,
    query: web::Query<Returned>,
) -> HttpResponse {
    let Some(provider) = visit.state.identity_provider.clone() else {
        return visit.error_page(&ApiError::RouteNotFound);
    };
    let held = req.cookie(STATE_COOKIE).map(|c| c.value().to_owned());
    // The state serves once, whatever comes of it.
    let mut gone = state_cookie(&visit, String::new());
    gone.make_removal();
    visit.set_cookie(gone);
    let returned = query.into_inner();
    let Some(state) = returned.state.filter(|s| !s.is_empty()) else {
        return sso_refused(&visit, Refusal::StateUnknown);
    };
    // From the browser that left, or from nobody's.
    if held.as_deref() != Some(state.as_str()) {
        return sso_refused(&visit, Refusal::StateUnknown);
    }
    let taken = visit
        .state
        .use_cases
        .run(visit.act(), ReturnFromProvider { state })
        .await;
    let attempt = match taken {
        Ok(Some(attempt)) => attempt,
        Ok(None) => return sso_refused(&visit, Refusal::StateUnknown),
        Err(e) => return visit.error_page(&e),
    };
    if returned.error.is_some() {
        return sso_refused(&visit, Refusal::DeniedByProvider);
    }
    // RFC 9207: a return that names an issuer must name this one.
    if returned
        .iss
        .as_deref()
        .is_some_and(|i| !provider.is_issuer(i))
    {
        return sso_refused(&visit, Refusal::InvalidToken);
    }
    let Some(code) = returned.code.filter(|c| !c.is_empty()) else {
        return sso_refused(&visit, Refusal::DeniedByProvider);
    };
    let identity = match provider
        .arrive(&code, &attempt.verifier, &attempt.nonce)
        .await
    {
        Ok(identity) => identity,
        Err(refusal) => return sso_refused(&visit, refusal),
    };
    let case = SignInThroughProvider {
        identity,
        jwt: visit.state.jwt.clone(),
    };
    let (session, _) = match visit.state.use_cases.run(visit.act(), case).await {
        Ok(Ok(opened)) => opened,
        Ok(Err(refusal)) => return sso_refused(&visit, refusal),
        Err(e) => return visit.error_page(&e),
    };
    for c in session_cookies(&visit.state, &session) {
        visit.set_cookie(c);
    }
    visit.render(
        StatusCode::OK,
        &Arrived {
            page: &visit,
            provider: &provider.display_name,
        },
    )
}

/// The sign-in page again, saying why the provider's sign-in opened no
/// session (with the reason's code, for whoever looks after the provider).
fn sso_refused(visit: &Visit, refusal: Refusal) -> HttpResponse {
    let (status, it, en) = match refusal {
        Refusal::Unavailable => (
            StatusCode::BAD_GATEWAY,
            "Il sistema di identità dell'ente non risponde, o risponde in modo non valido. Riprova tra qualche minuto.",
            "The organisation's identity system does not answer, or answers wrongly. Please try again in a few minutes.",
        ),
        Refusal::StateUnknown => (
            StatusCode::BAD_REQUEST,
            "Questo ritorno dal sistema di identità non è valido: è già stato usato, è scaduto o viene da un altro browser. Accedi di nuovo.",
            "This return from the identity system is not valid: it was used already, has expired or comes from another browser. Please log in again.",
        ),
        Refusal::DeniedByProvider => (
            StatusCode::FORBIDDEN,
            "Il sistema di identità non ha concesso l'accesso.",
            "The identity system did not grant access.",
        ),
        Refusal::WrongAudience => (
            StatusCode::BAD_REQUEST,
            "Il sistema di identità ha rilasciato un'attestazione destinata a un altro servizio: l'accesso è rifiutato.",
            "The identity system issued a token meant for another service: access refused.",
        ),
        Refusal::Expired => (
            StatusCode::BAD_REQUEST,
            "L'attestazione del sistema di identità è scaduta (o gli orologi non sono allineati). Accedi di nuovo.",
            "The identity system's token has expired (or the clocks disagree). Please log in again.",
        ),
        Refusal::InvalidToken => (
            StatusCode::BAD_REQUEST,
            "L'attestazione del sistema di identità non è valida: l'accesso è rifiutato.",
            "The identity system's token is not valid: access refused.",
        ),
        Refusal::NoEmail => (
            StatusCode::FORBIDDEN,
            "Il sistema di identità non ha indicato un indirizzo email verificato.",
            "The identity system gave no verified email address.",
        ),
        Refusal::NoRole => (
            StatusCode::FORBIDDEN,
            "I tuoi gruppi nel sistema di identità non danno alcun ruolo nella console. Chiedi all'amministrazione di essere inserito nel gruppo giusto.",
            "Your groups in the identity system give no role in the console. Ask the administration to add you to the right group.",
        ),
        Refusal::NoAccount => (
            StatusCode::FORBIDDEN,
            "Non esiste un account del personale attivo con il tuo indirizzo email. Chiedi all'amministrazione di crearlo.",
            "There is no active staff account with your email address. Ask the administration to create it.",
        ),
        Refusal::NotStaff => (
            StatusCode::FORBIDDEN,
            "La console è riservata al personale. I Navigator accedono dall'app: /app/.",
            "The console is for staff. Navigators log in to the app: /app/.",
        ),
    };
    let words = format!(
        "{} ({}: {})",
        visit.t(it, en),
        visit.t("codice", "code"),
        refusal.as_str()
    );
    form(visit, status, "", words, false)
}
