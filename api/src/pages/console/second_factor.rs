//! `/console/verifica-due-passaggi`: the signed-in staff member's second
//! factor (TOTP). Enrol it (the secret shown once, confirmed with a first
//! code, then the recovery codes shown once), or remove it with a code. A
//! session that may only enrol (the role requires a second factor) is
//! sent here from every other page, and becomes a full one on
//! confirmation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{enrolling, staff, Frame, Section};
use crate::app::auth::{
    ConfirmEnrolment, DisableOwnFactor, ReadFactorStatus, Refresh, Refreshed, StartEnrolment,
};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::pages::session::{session_cookies, take_refresh_token, SignedIn};
use crate::pages::{read_form, Visit};

pub const PATH: &str = "/console/verifica-due-passaggi";

/// What the page shows.
enum Shown {
    /// Where the factor stands.
    Status {
        enrolled: bool,
        required: bool,
        left: u32,
    },
    /// A secret just made, waiting for its first code.
    Started { secret: String, uri: String },
    /// Confirmed: the recovery codes, shown this once.
    Confirmed { codes: Vec<String> },
}

#[derive(Template)]
#[template(path = "console/second_factor.html")]
struct Page<'a> {
    page: &'a Visit,
    frame: Frame,
    shown: Shown,
    /// Why the last form was refused, in words.
    refusal: String,
    /// The session may only enrol.
    limited: bool,
}

fn render(
    visit: &Visit,
    caller: &Caller,
    status: StatusCode,
    shown: Shown,
    refusal: String,
) -> HttpResponse {
    let page = Page {
        page: visit,
        frame: Frame::of(Section::Home, caller),
        shown,
        refusal,
        limited: caller.enrolment_only,
    };
    visit.render(status, &page)
}

/// The refusal in the visitor's words, with its status.
fn refusal(visit: &Visit, e: &ApiError) -> Option<(StatusCode, String)> {
    match e {
        ApiError::SecondFactor(r) => Some((
            e.status(),
            crate::i18n::second_factor_message(*r, visit.lang).to_owned(),
        )),
        _ => None,
    }
}

async fn status_page(
    visit: &Visit,
    caller: &Caller,
    status: StatusCode,
    words: String,
) -> HttpResponse {
    match visit
        .state
        .use_cases
        .run(visit.act_as(caller), ReadFactorStatus)
        .await
    {
        Ok(s) => render(
            visit,
            caller,
            status,
            Shown::Status {
                enrolled: s.enrolled,
                required: s.required,
                left: s.recovery_codes_left,
            },
            words,
        ),
        Err(e) => visit.error_page(&e),
    }
}

pub async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match enrolling(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    status_page(&visit, &caller, StatusCode::OK, String::new()).await
}

#[derive(Deserialize)]
struct Plain {
    csrf: String,
}

pub async fn start(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let caller = match enrolling(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some(posted) = read_form::<Plain>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    match visit
        .state
        .use_cases
        .run(visit.act_as(&caller), StartEnrolment)
        .await
    {
        Ok(e) => render(
            &visit,
            &caller,
            StatusCode::OK,
            Shown::Started {
                secret: e.secret,
                uri: e.otpauth_uri,
            },
            String::new(),
        ),
        Err(e) => match refusal(&visit, &e) {
            Some((status, words)) => status_page(&visit, &caller, status, words).await,
            None => visit.error_page(&e),
        },
    }
}

#[derive(Deserialize)]
struct Confirming {
    csrf: String,
    #[serde(default)]
    codice: String,
    /// The secret and URI shown, to show them again after a wrong code
    /// (the server keeps the secret; these are only shown back).
    #[serde(default)]
    segreto: String,
    #[serde(default)]
    uri: String,
}

pub async fn confirm(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let caller = match enrolling(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some(posted) = read_form::<Confirming>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let case = ConfirmEnrolment {
        code: posted.codice,
    };
    let codes = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(codes) => codes,
        Err(e) => {
            return match refusal(&visit, &e) {
                Some((status, words)) if !posted.segreto.is_empty() => render(
                    &visit,
                    &caller,
                    status,
                    Shown::Started {
                        secret: posted.segreto,
                        uri: posted.uri,
                    },
                    words,
                ),
                Some((status, words)) => status_page(&visit, &caller, status, words).await,
                None => visit.error_page(&e),
            };
        }
    };
    // A session limited to enrolment becomes a full one now: its tokens
    // are renewed, and the new access token carries no limit.
    if caller.enrolment_only {
        if let Some(refresh_token) = take_refresh_token(&req) {
            let case = Refresh {
                refresh_token,
                jwt: visit.state.jwt.clone(),
            };
            if let Ok(Refreshed::Rotated(pair)) = visit.state.use_cases.run(visit.act(), case).await
            {
                for c in session_cookies(&visit.state, &pair.0) {
                    visit.set_cookie(c);
                }
            }
        }
    }
    render(
        &visit,
        &caller,
        StatusCode::OK,
        Shown::Confirmed { codes },
        String::new(),
    )
}

#[derive(Deserialize)]
struct Removing {
    csrf: String,
    #[serde(default)]
    codice: String,
}

pub async fn disable(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some(posted) = read_form::<Removing>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let case = DisableOwnFactor {
        code: posted.codice,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(()) => visit.see_other(PATH),
        Err(e) => match refusal(&visit, &e) {
            Some((status, words)) => status_page(&visit, &caller, status, words).await,
            None => visit.error_page(&e),
        },
    }
}
