//! `/app/accedi` and `/app/esci`: signing in to the app with the same
//! accounts, throttling and tokens as `/auth/login`, for Navigators only;
//! signing out ends the session on the server too, as `/auth/logout` does.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;
use serde::Deserialize;

use super::Frame;
use crate::app::auth::LogIn;
use crate::extract::RequestMeta;
use crate::pages::session::{session_cookies, sign_in_refusal, sign_out, SignedIn};
use crate::pages::{read_form, Visit};

#[derive(Template)]
#[template(path = "app/login.html")]
struct LoginPage<'a> {
    page: &'a Visit,
    frame: Frame,
    email: &'a str,
    /// Why the last attempt did not sign in, in words.
    refusal: String,
    signed_out: bool,
}

fn form(visit: &Visit, status: StatusCode, email: &str, refusal: String) -> HttpResponse {
    visit.render(
        status,
        &LoginPage {
            page: visit,
            frame: Frame::outside(),
            email,
            refusal,
            signed_out: false,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    uscito: Option<String>,
}

pub async fn show(visit: Visit, signed: SignedIn, query: web::Query<Shown>) -> HttpResponse {
    if signed.caller().is_some_and(|c| c.role == Role::Navigator) {
        return visit.see_other("/app/");
    }
    visit.render(
        StatusCode::OK,
        &LoginPage {
            page: &visit,
            frame: Frame::outside(),
            email: "",
            refusal: String::new(),
            signed_out: query.uscito.is_some(),
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
        // Navigators have no second factor: their tablet is theirs.
        totp: None,
        client_addr: meta.client_addr.clone(),
        jwt: visit.state.jwt.clone(),
        roles: &[Role::Navigator],
    };
    let outcome = visit.state.use_cases.run(visit.act(), case).await;
    match visit.state.metrics.counted_login(outcome) {
        Ok((session, _)) => {
            for c in session_cookies(&visit.state, &session) {
                visit.set_cookie(c);
            }
            visit.see_other("/app/")
        }
        Err(e) => match sign_in_refusal(
            &visit,
            &e,
            (
                "Questa app è riservata ai Navigator. Il tuo account ha un altro ruolo: il personale usa i servizi del back office.",
                "This app is for Navigators only. Your account has another role: staff use the back office services.",
            ),
        ) {
            Some((status, words)) => form(&visit, status, &posted.email, words),
            None => visit.error_page(&e),
        },
    }
}

/// Ends the session on the server (its refresh token's family is revoked,
/// so its access tokens stop too) and in the browser.
pub async fn log_out(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    sign_out(&req, visit, signed, &meta, &body, "/app/accedi?uscito=1").await
}
