//! Single sign-on for staff, end to end against a real OpenID Connect
//! provider (the npm package `oidc-provider`, started by each test): the
//! console's "Accedi con …" button, the provider's sign-in, the return
//! with the code, and what the service makes of the ID token. A person
//! whose groups map to a role lands on the console with that role and
//! Region; a person whose groups map to none, an ID token for another
//! client, an expired ID token and a return used twice are refused; a role
//! that signs in only through the provider cannot use its password.

use std::collections::BTreeMap;

use base64::Engine as _;
use domain::account::Role;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::oidc::{OidcProvider, ProviderClient, ProviderUser};
use navigator_e2e::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::{json, Value};

/// The test servers' public address, where the provider sends browsers back.
const PUBLIC: &str = "https://navigator.example.it";
const CLIENT_ID: &str = "navigator-console";
const CLIENT_SECRET: &str = "a client secret for the tests only";

fn redirect_uri() -> String {
    format!("{PUBLIC}/console/accedi/sso/ritorno")
}

const USERS: [ProviderUser<'static>; 3] = [
    ProviderUser {
        login: "anna",
        email: "anna.hr@anpalservizi.it",
        groups: &["staff", "grp-hr"],
    },
    ProviderUser {
        login: "carlo",
        email: "carlo.coordinatore@regione.lazio.it",
        groups: &["grp-coord-lazio"],
    },
    ProviderUser {
        login: "ugo",
        email: "ugo.esterno@anpalservizi.it",
        groups: &["staff", "grp-unmapped"],
    },
];

/// The provider with one client (tampered as `tamper` says) and the
/// service configured for it; `None` when skipped.
async fn start(
    engine: Engine,
    tamper: Option<&str>,
    adjust: impl FnOnce(&mut api::config::Settings),
) -> Option<(TestApp, OidcProvider)> {
    let uri = redirect_uri();
    let provider = OidcProvider::start(
        &[ProviderClient {
            id: CLIENT_ID,
            secret: CLIENT_SECRET,
            redirect_uri: &uri,
            tamper,
        }],
        &USERS,
    )?;
    let issuer = provider.issuer();
    let app = spawn(engine, |s| {
        s.oidc_issuer = Some(issuer);
        s.oidc_client_id = Some(CLIENT_ID.into());
        s.oidc_client_secret = Some(CLIENT_SECRET.into());
        s.oidc_display_name = "Regione Test".into();
        s.oidc_scopes = "openid email groups".into();
        s.oidc_role_map = domain::single_sign_on::RoleMap::parse(
            "grp-hr=hr,grp-coord-lazio=coordinator:12,grp-coord-campania=coordinator:15",
        )
        .unwrap();
        s.oidc_leeway_seconds = 5;
        adjust(s);
    })
    .await;
    let Some(app) = app else {
        eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set");
        return None;
    };
    Some((app, provider))
}

/// A browser for both sites: keeps every cookie (the names do not clash),
/// follows no redirect.
struct StaffBrowser {
    app: String,
    client: Client,
    cookies: BTreeMap<String, String>,
}

impl StaffBrowser {
    fn new(app: &TestApp) -> Self {
        Self {
            app: app.address.clone(),
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn absorb(&mut self, r: &Response) {
        for set in r.headers().get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            let gone = value.is_empty()
                || set.contains("Max-Age=0")
                || set
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970");
            if gone {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }

    /// The service's pages are addressed by path; the provider's by URL.
    fn url(&self, to: &str) -> String {
        if let Some(path) = to.strip_prefix(PUBLIC) {
            format!("{}{path}", self.app)
        } else if to.starts_with('/') {
            format!("{}{to}", self.app)
        } else {
            to.to_owned()
        }
    }

    async fn get(&mut self, to: &str) -> Response {
        let cookies = self.cookie_header();
        let r = self
            .client
            .get(self.url(to))
            .header(COOKIE, cookies)
            .send()
            .await
            .unwrap();
        self.absorb(&r);
        r
    }

    async fn post(&mut self, to: &str, form: &[(&str, &str)]) -> Response {
        let cookies = self.cookie_header();
        let r = self
            .client
            .post(self.url(to))
            .header(COOKIE, cookies)
            .form(form)
            .send()
            .await
            .unwrap();
        self.absorb(&r);
        r
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn location(r: &Response) -> String {
    r.headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("a redirect, not {}", r.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// From the console's button through the provider's sign-in as `login`:
/// the return address the provider sends the browser to (not yet
/// followed).
async fn sign_in_at_provider(
    browser: &mut StaffBrowser,
    provider: &OidcProvider,
    login: &str,
) -> String {
    let page = browser.get("/console/accedi").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Accedi con Regione Test"), "{html}");
    let csrf = browser.cookies["navigator_csrf"].clone();
    let left = browser
        .post("/console/accedi/sso", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(left.status(), StatusCode::SEE_OTHER);
    let authorize = location(&left);
    assert!(authorize.starts_with(&provider.issuer()), "{authorize}");
    for part in [
        "response_type=code",
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }
    // The provider's pages, until it sends the browser back.
    let mut next = authorize;
    for _ in 0..8 {
        if next.starts_with(PUBLIC) {
            return next;
        }
        let absolute = if next.starts_with('/') {
            format!("{}{next}", provider.issuer())
        } else {
            next.clone()
        };
        let r = if absolute.contains("/interaction/") {
            let uid = absolute.rsplit('/').next().unwrap().to_owned();
            browser
                .post(
                    &format!("{}/interaction/{uid}/login", provider.issuer()),
                    &[("login", login)],
                )
                .await
        } else {
            browser.get(&absolute).await
        };
        assert!(
            r.status().is_redirection(),
            "{absolute}: {} {}",
            r.status(),
            r.text().await.unwrap()
        );
        next = location(&r);
    }
    panic!("the provider never sent the browser back");
}

/// The claims of the console session's access token.
fn access_claims(browser: &StaffBrowser) -> Value {
    let token = &browser.cookies["navigator_access"];
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

async fn staff_account(app: &TestApp, email: &str, role: &str, regions: &[&str], password: bool) {
    let admin = app.admin_token().await;
    let mut body = json!({ "email": email, "role": role, "regions": regions });
    if password {
        body["password"] = json!(PASSWORD);
    }
    json_of(app.create_user(&admin, &body).await, StatusCode::CREATED).await;
}

/// The refusal shown on the sign-in page: its status and text.
async fn refused(r: Response) -> (StatusCode, String) {
    let status = r.status();
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"accesso-rifiutato\""), "{html}");
    (status, html)
}

async fn a_mapped_person_lands_on_the_console_with_the_mapped_role_and_region(engine: Engine) {
    // HR must have a second factor with a password: the provider's
    // sign-in stands for it.
    let Some((app, provider)) =
        start(engine, None, |s| s.totp_required_roles = vec![Role::Hr]).await
    else {
        return;
    };
    // A coordinator of Lombardia here; the provider says Lazio now.
    staff_account(&app, USERS[1].email, "coordinator", &["03"], true).await;
    staff_account(&app, USERS[0].email, "hr", &[], false).await;

    let mut carlo = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut carlo, &provider, "carlo").await;
    let arrived = carlo.get(&back).await;
    assert_eq!(arrived.status(), StatusCode::OK);
    let html = arrived.text().await.unwrap();
    assert!(html.contains("url=/console/"), "{html}");
    let claims = access_claims(&carlo);
    assert_eq!(claims["role"], "coordinator");
    assert_eq!(claims["regions"], json!(["12"]));
    let home = carlo.get("/console/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("Coordinamento regionale · 12"), "{html}");
    // The account itself now says Lazio, and the change is audited.
    let admin = app.admin_token().await;
    let users = json_of(
        app.get("/users?limit=100", Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    let found = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == USERS[1].email)
        .unwrap()
        .clone();
    assert_eq!(found["regions"], json!(["12"]));

    // An HR account made without a password (never activated) signs in
    // through the provider, with a full session although HR must have a
    // second factor with a password.
    let mut anna = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    assert_eq!(anna.get(&back).await.status(), StatusCode::OK);
    assert_eq!(access_claims(&anna)["role"], "hr");
    assert!(access_claims(&anna).get("scope").is_none_or(Value::is_null));
    let home = anna.get("/console/").await;
    assert_eq!(home.status(), StatusCode::OK, "not sent to enrolment");

    // The same console session as a password's: signing out ends it.
    let csrf = anna.cookies["navigator_csrf"].clone();
    let out = anna.post("/console/esci", &[("csrf", csrf.as_str())]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = anna.get("/console/").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert!(location(&after).starts_with("/console/accedi"));
}

async fn a_person_whose_groups_map_to_no_role_is_refused(engine: Engine) {
    let Some((app, provider)) = start(engine, None, |_| {}).await else {
        return;
    };
    // Even with an account here: the groups decide.
    staff_account(&app, USERS[2].email, "hr", &[], true).await;
    let mut ugo = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut ugo, &provider, "ugo").await;
    let (status, html) = refused(ugo.get(&back).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("no-role"), "{html}");
    assert!(!ugo.cookies.contains_key("navigator_access"));
    // Nobody's account: the provider alone does not open one.
    let mut anna = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    let (status, html) = refused(anna.get(&back).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("no-account"), "{html}");
}

async fn an_id_token_for_another_client_is_refused(engine: Engine) {
    let Some((app, provider)) = start(engine, Some("audience"), |_| {}).await else {
        return;
    };
    staff_account(&app, USERS[0].email, "hr", &[], true).await;
    let mut anna = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    let (status, html) = refused(anna.get(&back).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("wrong-audience"), "{html}");
    assert!(!anna.cookies.contains_key("navigator_access"));
}

async fn an_expired_id_token_is_refused(engine: Engine) {
    let Some((app, provider)) = start(engine, Some("expired"), |_| {}).await else {
        return;
    };
    staff_account(&app, USERS[0].email, "hr", &[], true).await;
    let mut anna = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    let (status, html) = refused(anna.get(&back).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("code: expired") || html.contains("codice: expired"),
        "{html}"
    );
    assert!(!anna.cookies.contains_key("navigator_access"));
}

async fn a_return_used_twice_is_refused(engine: Engine) {
    let Some((app, provider)) = start(engine, None, |_| {}).await else {
        return;
    };
    staff_account(&app, USERS[0].email, "hr", &[], true).await;
    let mut anna = StaffBrowser::new(&app);
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    let state_cookie = anna.cookies["navigator_sso_state"].clone();
    assert_eq!(anna.get(&back).await.status(), StatusCode::OK);
    assert!(!anna.cookies.contains_key("navigator_sso_state"), "spent");

    // The same return again, from a browser that kept the state cookie
    // (or copied it): the service took the attempt back already.
    let mut thief = StaffBrowser::new(&app);
    thief
        .cookies
        .insert("navigator_sso_state".into(), state_cookie);
    let (status, html) = refused(thief.get(&back).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("state-unknown"), "{html}");
    assert!(!thief.cookies.contains_key("navigator_access"));
    // And from the browser that left, now without its cookie.
    let (status, _) = refused(anna.get(&back).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A return with the state of another browser's attempt.
    let mut other = StaffBrowser::new(&app);
    let stolen = sign_in_at_provider(&mut other, &provider, "anna").await;
    let (status, html) = refused(anna.get(&stolen).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no cookie for that state");
    assert!(html.contains("state-unknown"), "{html}");
}

async fn a_role_that_signs_in_only_through_the_provider_cannot_use_its_password(engine: Engine) {
    let Some((app, provider)) = start(engine, None, |s| s.oidc_only_roles = vec![Role::Hr]).await
    else {
        return;
    };
    staff_account(&app, USERS[0].email, "hr", &[], true).await;
    // The API: a problem naming the rule.
    let r = app.login(USERS[0].email, PASSWORD).await;
    let p = problem(r, 403).await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("single-sign-on-required"),
        "{p}"
    );
    assert!(
        p["detail"].as_str().unwrap().contains("single sign-on"),
        "{p}"
    );
    // A wrong password says no more than usual.
    let r = app.login(USERS[0].email, "not the password at all").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The console's form: the page says to use the button.
    let mut anna = StaffBrowser::new(&app);
    anna.get("/console/accedi").await;
    let csrf = anna.cookies["navigator_csrf"].clone();
    let r = anna
        .post(
            "/console/accedi",
            &[
                ("csrf", csrf.as_str()),
                ("email", USERS[0].email),
                ("password", PASSWORD),
            ],
        )
        .await;
    let (status, html) = refused(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("single sign-on"), "{html}");
    assert!(!anna.cookies.contains_key("navigator_access"));
    // The provider still lets her in.
    let back = sign_in_at_provider(&mut anna, &provider, "anna").await;
    assert_eq!(anna.get(&back).await.status(), StatusCode::OK);
    assert_eq!(anna.get("/console/").await.status(), StatusCode::OK);
    // Other staff roles keep their passwords.
    let other = "formatore@anpalservizi.it";
    staff_account(&app, other, "trainer", &[], true).await;
    app.login_ok(other, PASSWORD).await;
}

/// One test per engine, each with a provider of its own.
macro_rules! with_provider {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(navigator_e2e::Engine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(navigator_e2e::Engine::Postgres).await;
            }
        }
    };
}

with_provider!(a_mapped_person_lands_on_the_console_with_the_mapped_role_and_region);
with_provider!(a_person_whose_groups_map_to_no_role_is_refused);
with_provider!(an_id_token_for_another_client_is_refused);
with_provider!(an_expired_id_token_is_refused);
with_provider!(a_return_used_twice_is_refused);
with_provider!(a_role_that_signs_in_only_through_the_provider_cannot_use_its_password);
