//! Signing in to the pages (the tablet app, the console) with the same
//! accounts and tokens as the JSON API, kept in cookies no script can read
//! (OWASP: the refresh token never reaches page scripts). The access token
//! rides in one cookie and the refresh token in another; when the access
//! token has expired, the next page renews both with the same rotation the
//! API's `/auth/refresh` does, so revocation, cut-offs and reuse detection
//! hold for pages exactly as for the API.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::cookie;
use crate::accounts::Session;
use crate::app::auth::{Refresh, Refreshed};
use crate::app::Act;
use crate::auth::caller::{caller_of_access_token, Caller};
use crate::error::ApiError;
use crate::state::AppState;

pub const ACCESS_COOKIE: &str = "navigator_access";
pub const REFRESH_COOKIE: &str = "navigator_refresh";

/// The cookies of a session just opened or renewed.
pub fn session_cookies(state: &AppState, session: &Session) -> [Cookie<'static>; 2] {
    let secure = state.settings.public_url.starts_with("https://");
    let mut access = cookie(ACCESS_COOKIE, session.access_token.clone(), secure, true);
    access.set_max_age(time::Duration::seconds(session.expires_in));
    let mut refresh = cookie(REFRESH_COOKIE, session.refresh_token.clone(), secure, true);
    refresh.set_max_age(time::Duration::days(state.settings.refresh_token_days));
    [access, refresh]
}

/// The cookies that end a session in the browser.
pub fn ended_session_cookies(state: &AppState) -> [Cookie<'static>; 2] {
    let secure = state.settings.public_url.starts_with("https://");
    [ACCESS_COOKIE, REFRESH_COOKIE].map(|name| {
        let mut gone = cookie(name, String::new(), secure, true);
        gone.make_removal();
        gone
    })
}

/// Session cookies renewed while serving a request, set on its answer by
/// [`renew_session_cookies`].
#[derive(Clone)]
struct RenewedCookies(Vec<Cookie<'static>>);

/// The person signed in to the pages, or why nobody is.
#[derive(Debug, Clone)]
pub enum SignedIn {
    Yes(Caller),
    /// No session, or one that ended (logged out, revoked, cut off, expired).
    No,
}

impl SignedIn {
    pub fn caller(&self) -> Option<&Caller> {
        match self {
            Self::Yes(c) => Some(c),
            Self::No => None,
        }
    }

    async fn of(req: HttpRequest) -> Result<Self, ApiError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or(ApiError::Internal)?;
        if let Some(access) = req.cookie(ACCESS_COOKIE) {
            if let Ok(caller) = caller_of_access_token(&state, access.value()) {
                req.extensions_mut().insert(caller.clone());
                return Ok(Self::Yes(caller));
            }
        }
        let Some(refresh) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()) else {
            return Ok(Self::No);
        };
        let request_id = crate::telemetry::request_id(&req);
        let act = Act::anonymous(request_id, std::sync::Arc::clone(&state.settings));
        let case = Refresh {
            refresh_token: refresh,
            jwt: state.jwt.clone(),
        };
        let renewed = match state.use_cases.run(act, case).await? {
            Refreshed::Rotated(pair) => pair.0,
            Refreshed::Reused { family } => {
                state.apply_revoked([family]);
                return Ok(Self::forget(&req, &state));
            }
            Refreshed::Refused { revoked } => {
                state.apply_revoked(revoked);
                return Ok(Self::forget(&req, &state));
            }
        };
        let Ok(caller) = caller_of_access_token(&state, &renewed.access_token) else {
            return Ok(Self::forget(&req, &state));
        };
        req.extensions_mut().insert(caller.clone());
        req.extensions_mut()
            .insert(RenewedCookies(session_cookies(&state, &renewed).to_vec()));
        Ok(Self::Yes(caller))
    }

    /// Nobody: and the browser drops the cookies of the session that ended.
    fn forget(req: &HttpRequest, state: &AppState) -> Self {
        req.extensions_mut()
            .insert(RenewedCookies(ended_session_cookies(state).to_vec()));
        Self::No
    }
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // Asked twice in one request (two extractors), renewed once.
            if let Some(c) = req.extensions().get::<Caller>() {
                return Ok(Self::Yes(c.clone()));
            }
            Self::of(req).await
        })
    }
}

/// The refresh token the browser holds now, to end its session: the one
/// renewed while serving this request, or else the cookie's. The renewed
/// cookies are not set on the answer, which ends the session in the
/// browser instead.
pub fn take_refresh_token(req: &HttpRequest) -> Option<String> {
    let renewed = req.extensions_mut().remove::<RenewedCookies>();
    renewed
        .and_then(|RenewedCookies(cookies)| {
            cookies
                .into_iter()
                .find(|c| c.name() == REFRESH_COOKIE && !c.value().is_empty())
                .map(|c| c.value().to_owned())
        })
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
}

/// Sets on the answer the session cookies renewed while serving it.
pub async fn renew_session_cookies(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let renewed = res.request().extensions().get::<RenewedCookies>().cloned();
    if let Some(RenewedCookies(cookies)) = renewed {
        for c in cookies {
            if let Ok(v) = header::HeaderValue::from_str(&c.to_string()) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    Ok(res)
}

/// Why a sign-in form was refused, with the status of its answer, in the
/// visitor's words; `forbidden` says whom the place is for when the account
/// has another role. `None` for a failure that gets the error page.
pub fn sign_in_refusal(
    visit: &super::Visit,
    e: &ApiError,
    forbidden: (&str, &str),
) -> Option<(actix_web::http::StatusCode, String)> {
    use actix_web::http::StatusCode;
    match e {
        ApiError::InvalidCredentials => Some((
            StatusCode::UNAUTHORIZED,
            visit
                .t(
                    "Email o password non corretti, oppure l'account non è ancora attivo (attivalo dal link ricevuto per email).",
                    "Wrong email or password, or the account is not active yet (activate it from the link you received by email).",
                )
                .to_owned(),
        )),
        ApiError::Forbidden => Some((
            StatusCode::FORBIDDEN,
            visit.t(forbidden.0, forbidden.1).to_owned(),
        )),
        ApiError::SingleSignOnRequired => Some((
            StatusCode::FORBIDDEN,
            crate::i18n::detail(e, visit.lang),
        )),
        ApiError::Throttled { .. } => Some((
            StatusCode::TOO_MANY_REQUESTS,
            crate::i18n::detail(e, visit.lang),
        )),
        ApiError::SecondFactor(refusal) => Some((
            e.status(),
            crate::i18n::second_factor_message(*refusal, visit.lang).to_owned(),
        )),
        _ => None,
    }
}

/// A sign-out form: ends this browser's session on the server (its refresh
/// token's family is revoked, so its access tokens stop too) and in the
/// browser, then goes to `then`.
pub async fn sign_out(
    req: &HttpRequest,
    mut visit: super::Visit,
    signed: SignedIn,
    meta: &crate::extract::RequestMeta,
    body: &[u8],
    then: &str,
) -> actix_web::HttpResponse {
    #[derive(serde::Deserialize)]
    struct Leaving {
        csrf: String,
    }
    let Some(posted) = super::read_form::<Leaving>(body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    if let (Some(caller), Some(refresh_token)) = (signed.caller(), take_refresh_token(req)) {
        let case = crate::app::auth::LogOut { refresh_token };
        match visit.state.run(caller, meta, case).await {
            Ok(revoked) => visit.state.apply_revoked(revoked),
            Err(e) => return visit.error_page(&e),
        }
    }
    for c in ended_session_cookies(&visit.state) {
        visit.set_cookie(c);
    }
    visit.see_other(then)
}
