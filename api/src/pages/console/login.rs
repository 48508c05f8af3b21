//! `/console/accedi`, `/console/esci` and `/console/esci-ovunque`: signing
//! in to the console with the same accounts, throttling and tokens as
//! `/auth/login`, for staff only; signing out ends the session on the
//! server too, and "everywhere" ends every session of the account.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;
use domain::second_factor::SecondFactorRefusal;
use serde::Deserialize;

use super::Frame;
use crate::app::auth::{LogIn, LogOutEverywhere, OpenConsoleSession};
use crate::auth::caller::caller_of_access_token;
use crate::error::ApiError;
use crate::extract::RequestMeta;
use crate::pages::session::{
    ended_session_cookies, session_cookies, sign_in_refusal, sign_out, take_refresh_token, SignedIn,
};
use crate::pages::{read_form, Visit};

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
