//! The Navigator's tablet app at `/app/`, as a browser meets it over HTTP:
//! cookies kept and sent by hand (the test servers publish an https
//! address, so the cookies are `Secure`), forms posted as a page without
//! script posts them, and as `app.js` posts them (`Accept:
//! application/json`). The browser tests drive the same pages in Chromium.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::navigators::Programme;
use navigator_e2e::*;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, ETAG, IF_NONE_MATCH, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::{json, Value};

fn on(day: &'static str) -> impl FnOnce(&mut api::config::Settings) {
    move |s| s.today = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// A tablet's browser: keeps the cookies the service sets, follows no
/// redirect.
struct Tablet {
    base: String,
    client: Client,
    cookies: BTreeMap<String, String>,
}

impl Tablet {
    fn new(app: &TestApp) -> Self {
        Self {
            base: app.address.clone(),
            client: Client::builder()
                .redirect(redirect::Policy::none())
                // Under the server's 5 s keep-alive: see the harness's client.
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Keeps the cookies an answer sets; a removal drops one.
    fn absorb(&mut self, r: &Response) {
        for set in r.headers().get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if !self.cookies.is_empty() {
            req = req.header(COOKIE, self.cookie_header());
        }
        let r = req.send().await.unwrap();
        self.absorb(&r);
        r
    }

    async fn get(&mut self, path: &str) -> Response {
        self.get_with(path, &[]).await
    }

    /// This browser's anti-forgery token (read from a page first).
    fn csrf(&self) -> String {
        self.cookies
            .get("navigator_csrf")
            .cloned()
            .expect("a page was read first")
    }

    async fn send(&mut self, path: &str, form: &[(&str, &str)], accept: &str) -> Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, accept)
            .form(form);
        if !self.cookies.is_empty() {
            req = req.header(COOKIE, self.cookie_header());
        }
        let r = req.send().await.unwrap();
        self.absorb(&r);
        r
    }

    /// Posts a form as the page holds it, with this browser's token.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.send(path, &form, "text/html").await
    }

    /// Posts as `app.js` does: the same form, asking for JSON.
    async fn post_json(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.send(path, &form, "application/json").await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Response {
        self.get("/app/accedi").await;
        self.post("/app/accedi", &[("email", email), ("password", password)])
            .await
    }

    /// Signed in as `email` (with the harness' password), on the path page.
    async fn signed_in(app: &TestApp, email: &str) -> Self {
        let mut tablet = Self::new(app);
        let r = tablet.sign_in(email, PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        tablet
    }
}

async fn html(r: Response, status: StatusCode) -> String {
    let got = r.status();
    let ty = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    assert!(ty.starts_with("text/html"), "{ty}: {text}");
    text
}

fn location(r: &Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The text of the element with `id`, up to its closing tag.
fn element(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find("</").unwrap();
    rest[open..open + close].trim().to_owned()
}

/// The value of the hidden field `name` of a page's form.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" id=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name} in {page}"));
    let rest = &page[at..];
    let start = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[start..].split('"').next().unwrap().to_owned()
}

/// Rome, with a CPI each: the first of `n` Navigators is assigned to RM-EUR
/// from 17 July 2019 (the convention's day); every account is activated.
/// The access token of each, for the JSON API.
async fn rome(app: &TestApp, n: usize) -> (Programme, Vec<String>) {
    let hire = vec!["RM"; n];
    let p = app.programme(&[("RM", n as i64)], &hire).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut tokens = Vec::new();
    for i in 0..n {
        let pair = app.activate_and_login(&p.email(i)).await;
        tokens.push(pair["access_token"].as_str().unwrap().to_owned());
    }
    (p, tokens)
}

async fn my_log_count(app: &TestApp, token: &str) -> usize {
    json_of(app.my_logs(token).await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .len()
}

// ------------------------------------------------------------ signing in

/// Navigators sign in; other roles are told the app is not theirs and get
/// no session. The session lives in cookies no script reads, is renewed
/// with the refresh token, and signing out ends it on the server too.
async fn navigators_sign_in_and_signing_out_ends_the_session(app: TestApp) {
    let (p, _) = rome(&app, 1).await;
    let email = p.email(0);

    // Signed out, the app leads to its sign-in page.
    let mut tablet = Tablet::new(&app);
    let r = tablet.get("/app/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/app/accedi");
    let text = html(tablet.get("/app/accedi").await, StatusCode::OK).await;
    assert!(text.contains("Accedi all&#39;app Navigator"), "{text}");
    let english = html(tablet.get("/app/accedi?lang=en").await, StatusCode::OK).await;
    assert!(english.contains("Log in to the Navigator app"), "{english}");
    tablet.get("/app/accedi?lang=it").await;

    // Another role: the right password, the wrong door; no session.
    let admin = app.admin_token().await;
    let hr_email = format!("hr.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    json_of(
        app.create_user(
            &admin,
            &json!({ "email": hr_email, "role": "hr", "regions": [], "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mut staff = Tablet::new(&app);
    let r = staff.sign_in(&hr_email, PASSWORD).await;
    assert!(r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .all(|c| !c.to_str().unwrap().starts_with("navigator_access=")));
    let text = html(r, StatusCode::FORBIDDEN).await;
    assert!(
        element(&text, "accesso-rifiutato").contains("riservata ai Navigator"),
        "{text}"
    );
    assert!(text.contains(&hr_email), "the address stays in the form");

    // A wrong password, in words.
    let r = tablet.sign_in(&email, "not the password at all").await;
    let text = html(r, StatusCode::UNAUTHORIZED).await;
    assert!(
        element(&text, "accesso-rifiutato").contains("non corretti"),
        "{text}"
    );

    // A form without this browser's token signs nobody in.
    let forged = [("email", email.as_str()), ("password", PASSWORD)];
    let r = tablet.send("/app/accedi", &forged, "text/html").await;
    assert!(html(r, StatusCode::FORBIDDEN)
        .await
        .contains("Modulo scaduto"));

    // The Navigator: both tokens in cookies no script reads.
    let r = tablet.sign_in(&email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/app/");
    for name in ["navigator_access", "navigator_refresh"] {
        let set = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie"));
        for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(flag), "{set} lacks {flag}");
        }
    }
    let text = html(tablet.get("/app/").await, StatusCode::OK).await;
    assert!(text.contains("Il mio percorso formativo"), "{text}");
    // Signed in, the sign-in page leads to the app.
    let r = tablet.get("/app/accedi").await;
    assert_eq!(location(&r), "/app/");

    // An expired access token: the refresh token renews both.
    let access = tablet.cookies.remove("navigator_access").unwrap();
    let refresh = tablet.cookies["navigator_refresh"].clone();
    let r = tablet.get("/app/ore").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(tablet.cookies.contains_key("navigator_access"));
    assert_ne!(tablet.cookies["navigator_refresh"], refresh, "rotated");
    let before_leaving = tablet.cookies.clone();

    // Signing out without the token is refused and changes nothing.
    let r = tablet.send("/app/esci", &[], "text/html").await;
    assert!(html(r, StatusCode::FORBIDDEN)
        .await
        .contains("Modulo scaduto"));
    assert_eq!(tablet.get("/app/").await.status(), StatusCode::OK);

    // Signing out ends the session in the browser and on the server.
    let r = tablet.post("/app/esci", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/app/accedi?uscito=1");
    assert!(!tablet.cookies.contains_key("navigator_access"));
    assert!(!tablet.cookies.contains_key("navigator_refresh"));
    let text = html(tablet.get("/app/accedi?uscito=1").await, StatusCode::OK).await;
    assert!(
        text.contains("La sessione è chiusa anche sul server"),
        "{text}"
    );
    // The cookies kept from before work no more, nor does either token.
    tablet.cookies = before_leaving.clone();
    let r = tablet.get("/app/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .get("/me", Some(&before_leaving["navigator_access"]))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.get("/me", Some(&access)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.refresh(&before_leaving["navigator_refresh"]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_engines!(
    navigators_sign_in_and_signing_out_ends_the_session,
    on("2019-09-02")
);

// ------------------------------------------------------- path and hours

/// On-the-job hours from the page without script and as `app.js` sends
/// them: each refusal of DOMAIN.md §8.3 in words next to its field, the
/// same `client_id` never making a second log, a form without the token
/// refused; the path with validated and pending hours, answered 304 while
/// it has not changed.
async fn hours_are_logged_and_the_path_shows_them(app: TestApp) {
    let (p, tokens) = rome(&app, 2).await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let session = app.session_on(&p.hr, "2019-07-18", 8.0).await;
    let r = app
        .record_attendance(
            &p.hr,
            &session,
            &json!([{ "navigator_id": p.navigator(0), "hours": 8 }]),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());

    let mut tablet = Tablet::signed_in(&app, &p.email(0)).await;
    let page = html(tablet.get("/app/ore").await, StatusCode::OK).await;
    assert!(page.contains("Nessuna registrazione per ora"), "{page}");
    let client_id = hidden(&page, "client_id");
    assert_eq!(client_id.len(), 36, "the page makes an id: {client_id}");

    // Without script: post, redirect, get.
    let entry = [
        ("client_id", client_id.as_str()),
        ("day", "2019-08-20"),
        ("hours", "6"),
        ("activity", "Accoglienza utenti"),
    ];
    let r = tablet.post("/app/ore", &entry).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/app/ore?registrato=created");
    let page = html(
        tablet.get("/app/ore?registrato=created").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        element(&page, "registrate").contains("Ore registrate"),
        "{page}"
    );
    let list = element(&page, "registrazioni-titolo");
    assert!(list.contains("Le mie registrazioni"));
    assert!(
        page.contains("<td>20/08/2019</td><td>6</td><td>Accoglienza utenti</td><td>RM-EUR</td>"),
        "{page}"
    );
    assert!(page.contains("in attesa di convalida"), "{page}");
    assert_ne!(
        hidden(&page, "client_id"),
        client_id,
        "a new id for the next entry"
    );

    // The same form sent again (a reload, a retry): one log.
    let r = tablet.post("/app/ore", &entry).await;
    assert_eq!(location(&r), "/app/ore?registrato=replayed");
    let page = html(
        tablet.get("/app/ore?registrato=replayed").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        element(&page, "registrate").contains("nessun doppione"),
        "{page}"
    );
    assert_eq!(my_log_count(&app, &tokens[0]).await, 1);

    // As app.js sends an entry kept offline: JSON, the same id twice.
    let offline = [
        ("client_id", "tablet-7f3a-0001"),
        ("day", "2019-08-21"),
        ("hours", "2,5"),
        ("activity", "Colloqui di orientamento"),
    ];
    let r = tablet.post_json("/app/ore", &offline).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["outcome"], "created", "{body}");
    assert_eq!(body["log"]["status"], "pending", "{body}");
    let r = tablet.post_json("/app/ore", &offline).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["outcome"], "replayed");
    assert_eq!(my_log_count(&app, &tokens[0]).await, 2);
    // The same id with other content is refused, and says so.
    let changed = [
        ("client_id", "tablet-7f3a-0001"),
        ("day", "2019-08-22"),
        ("hours", "1"),
        ("activity", "Altro"),
    ];
    let r = tablet.post_json("/app/ore", &changed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["errors"]["client_id"]
            .as_str()
            .unwrap()
            .contains("dati diversi"),
        "{body}"
    );

    // Each refusal in words, next to the field it concerns.
    let refused = |day: &'static str, hours: &'static str| {
        [
            ("client_id", "refused-entry"),
            ("day", day),
            ("hours", hours),
            ("activity", "Accoglienza"),
        ]
    };
    for (day, hours, field, words) in [
        (
            "2019-09-03",
            "4",
            "day-error",
            "Non si registrano ore per un giorno futuro.",
        ),
        (
            "2019-07-16",
            "4",
            "day-error",
            "Sei operativo dal 17/07/2019",
        ),
        (
            "2019-07-15",
            "4",
            "day-error",
            "il contratto non era attivo",
        ),
        (
            "2019-08-20",
            "2.25",
            "hours-error",
            "Un giorno ha al massimo 8 ore; ne hai già registrate 6.",
        ),
        ("2019-08-23", "1.1", "hours-error", "quarti d&#39;ora"),
        ("2019-08-23", "9", "hours-error", "Al massimo 8 ore."),
        ("ieri", "4", "day-error", "Indica il giorno"),
    ] {
        let r = tablet.post("/app/ore", &refused(day, hours)).await;
        let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            element(&page, field).contains(words),
            "{day} {hours}: {}",
            element(&page, field)
        );
        assert!(page.contains("aria-invalid=\"true\""), "{page}");
        // The entry comes back as typed.
        assert!(page.contains("value=\"refused-entry\""), "{page}");
    }
    let r = tablet
        .post(
            "/app/ore",
            &[
                ("client_id", "no-activity"),
                ("day", "2019-08-23"),
                ("hours", "1"),
                ("activity", " "),
            ],
        )
        .await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&page, "activity-error").is_empty(), "{page}");
    // The same refusals for app.js, by field.
    let r = tablet
        .post_json("/app/ore", &refused("2019-09-03", "4"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["errors"]["day"]
            .as_str()
            .unwrap()
            .contains("giorno futuro"),
        "{body}"
    );
    // In English by the switch.
    tablet.get("/app/ore?lang=en").await;
    let r = tablet.post("/app/ore", &refused("2019-09-03", "4")).await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(element(&page, "day-error").contains("future day"), "{page}");
    tablet.get("/app/ore?lang=it").await;
    // A Navigator with no CPI that day is told to ask for one.
    let mut other = Tablet::signed_in(&app, &p.email(1)).await;
    other.get("/app/ore").await;
    let r = other.post("/app/ore", &refused("2019-08-20", "4")).await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&page, "day-error").contains("non eri assegnato a nessun CPI"),
        "{page}"
    );

    // A form without this browser's token logs nothing.
    let entry = [
        ("client_id", "forged-1"),
        ("day", "2019-08-23"),
        ("hours", "1"),
        ("activity", "x"),
    ];
    let r = tablet.send("/app/ore", &entry, "text/html").await;
    assert!(html(r, StatusCode::FORBIDDEN)
        .await
        .contains("Modulo scaduto"));
    let mut forged = vec![("csrf", "a-token-of-another-site-0000000000000000000")];
    forged.extend_from_slice(&entry);
    let r = tablet.send("/app/ore", &forged, "application/json").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "csrf");
    assert_eq!(my_log_count(&app, &tokens[0]).await, 2);

    // The coordinator validates the first log: the path shows validated
    // and pending hours apart.
    let logs = json_of(app.my_logs(&tokens[0]).await, StatusCode::OK).await;
    let first = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["day"] == "2019-08-20")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(app.validate_log(&coordinator, &first).await, StatusCode::OK).await;
    let r = tablet.get("/app/").await;
    let tag = r.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "a weak tag: {tag}");
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    let page = html(r, StatusCode::OK).await;
    assert_eq!(element(&page, "totale"), "<strong>14");
    assert!(page.contains("ore su 200"), "{page}");
    let bar = |kind: &str| {
        let at = page.find(&format!("id=\"barra-{kind}\"")).unwrap();
        page[at..at + page[at..].find("</section>").unwrap()].to_owned()
    };
    let classroom = bar("classroom");
    assert!(classroom.contains("Formazione in aula"), "{classroom}");
    assert!(classroom.contains("<span class=\"app-ore-convalidate\">8</span> ore convalidate su <span class=\"app-ore-richieste\">40</span>"), "{classroom}");
    let distance = bar("distance");
    assert!(
        distance.contains("<span class=\"app-ore-convalidate\">0</span>"),
        "{distance}"
    );
    let on_the_job = bar("on_the_job");
    assert!(on_the_job.contains("<span class=\"app-ore-convalidate\">6</span> ore convalidate su <span class=\"app-ore-richieste\">120</span>"), "{on_the_job}");
    assert!(
        on_the_job
            .contains("<span class=\"app-ore-in-convalida\">2,5</span> in attesa di convalida"),
        "{on_the_job}"
    );
    assert!(
        on_the_job.contains("width=\"5.0\""),
        "6 of 120 validated: {on_the_job}"
    );
    assert!(
        element(&page, "completato").contains("non è ancora completo"),
        "{page}"
    );

    // Unchanged, it costs a 304 with no body; the bars alone too.
    let r = tablet
        .get_with("/app/", &[(IF_NONE_MATCH.as_str(), &tag)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[ETAG].to_str().unwrap(), tag);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = tablet.get("/app/percorso").await;
    let bars_tag = r.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(bars_tag.starts_with("W/\""));
    let fragment = html(r, StatusCode::OK).await;
    assert!(fragment.contains("id=\"barra-on_the_job\"") && !fragment.contains("<html"));
    let r = tablet
        .get_with("/app/percorso", &[(IF_NONE_MATCH.as_str(), &bars_tag)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // A new log changes the path: the old tag gets the new page.
    let more = [
        ("client_id", "tablet-7f3a-0002"),
        ("day", "2019-08-26"),
        ("hours", "4"),
        ("activity", "Laboratorio"),
    ];
    assert_eq!(
        tablet.post_json("/app/ore", &more).await.status(),
        StatusCode::CREATED
    );
    let r = tablet
        .get_with("/app/", &[(IF_NONE_MATCH.as_str(), &tag)])
        .await;
    assert_ne!(r.headers()[ETAG].to_str().unwrap(), tag);
    let page = html(r, StatusCode::OK).await;
    assert!(
        page.contains("<span class=\"app-ore-in-convalida\">6,5</span>"),
        "{page}"
    );
}
both_engines!(hours_are_logged_and_the_path_shows_them, on("2019-09-02"));

// ------------------------------------------------- seat, kit, contract

/// Where I work (in Campania: remote, by the convention), my kit with the
/// acknowledgement, my contract and the two steps of a resignation.
async fn seat_kit_and_contract(app: TestApp) {
    let p = app
        .programme(&[("RM", 2), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut tokens = Vec::new();
    for i in 0..3 {
        let pair = app.activate_and_login(&p.email(i)).await;
        tokens.push(pair["access_token"].as_str().unwrap().to_owned());
    }
    let mut rome = Tablet::signed_in(&app, &p.email(0)).await;
    let mut unassigned = Tablet::signed_in(&app, &p.email(1)).await;
    let mut naples = Tablet::signed_in(&app, &p.email(2)).await;

    // The seat.
    let page = html(rome.get("/app/sede").await, StatusCode::OK).await;
    assert!(
        element(&page, "sede-attuale").contains("CPI RM-EUR"),
        "{page}"
    );
    assert!(page.contains("Codice RM-EUR · dal 17/07/2019"), "{page}");
    assert!(
        page.contains("Lazio") && !page.contains("convenzione-remota"),
        "{page}"
    );
    let page = html(unassigned.get("/app/sede").await, StatusCode::OK).await;
    assert!(
        element(&page, "sede-attuale").contains("non sei assegnato a nessun CPI"),
        "{page}"
    );
    let page = html(naples.get("/app/sede").await, StatusCode::OK).await;
    let remote = &page[page.find("id=\"convenzione-remota\"").expect("remote")..];
    let remote = &remote[..remote.find("</div>").unwrap()];
    for words in [
        "Campania",
        "firmata il 09/12/2019",
        "da remoto",
        "senza essere assegnati a un Centro per l&#39;impiego",
    ] {
        assert!(remote.contains(words), "{words}: {remote}");
    }
    assert!(!page.contains("sede-attuale"), "{page}");
    let english = html(naples.get("/app/sede?lang=en").await, StatusCode::OK).await;
    assert!(
        english.contains("Remote convention") && english.contains("signed on 2019-12-09"),
        "{english}"
    );

    // The kit: listed, acknowledged once from the app.
    app.equip(&p.hr, &p.navigator(0), 1).await;
    let page = html(rome.get("/app/kit").await, StatusCode::OK).await;
    assert!(
        page.contains("Smartphone")
            && page.contains("SIM voce e dati")
            && page.contains("Casella di posta"),
        "{page}"
    );
    assert!(element(&page, "completa").contains("completa"), "{page}");
    assert!(page.contains("id=\"conferma-ricezione\""), "{page}");
    let r = rome.send("/app/kit", &[], "text/html").await;
    assert!(html(r, StatusCode::FORBIDDEN)
        .await
        .contains("Modulo scaduto"));
    let kit = json_of(app.my_kit(&tokens[0]).await, StatusCode::OK).await;
    assert!(kit["acknowledged_at"].is_null(), "{kit}");
    let r = rome.post("/app/kit", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/app/kit?confermato=1");
    let page = html(rome.get("/app/kit?confermato=1").await, StatusCode::OK).await;
    assert!(
        element(&page, "esito").contains("Ricezione confermata"),
        "{page}"
    );
    assert!(
        element(&page, "confermata").contains("Hai confermato la ricezione il"),
        "{page}"
    );
    assert!(!page.contains("id=\"conferma-ricezione\""), "{page}");
    let kit = json_of(app.my_kit(&tokens[0]).await, StatusCode::OK).await;
    assert!(kit["acknowledged_at"].is_string(), "{kit}");
    // Nothing held: nothing to acknowledge, in words.
    let page = html(unassigned.get("/app/kit").await, StatusCode::OK).await;
    assert!(
        page.contains("Non ti è ancora stato consegnato nessun articolo"),
        "{page}"
    );
    let r = unassigned.post("/app/kit", &[]).await;
    let page = html(r, StatusCode::CONFLICT).await;
    assert!(
        element(&page, "esito").contains("non c&#39;è niente da confermare"),
        "{page}"
    );

    // The contract.
    let page = html(rome.get("/app/contratto").await, StatusCode::OK).await;
    assert_eq!(element(&page, "stato-contratto"), "in corso");
    assert!(
        page.contains("27.338,76 €") && page.contains("300,00 €"),
        "{page}"
    );
    assert!(
        page.contains("value=\"2019-09-02\" min=\"2019-09-02\""),
        "the earliest day by default: {page}"
    );

    // Resigning, step one: the day, then what it means; nothing changes yet.
    let r = rome.post("/app/dimissioni", &[("effective_on", "")]).await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&page, "effective_on-error").contains("Indica il giorno"),
        "{page}"
    );
    let r = rome
        .post("/app/dimissioni", &[("effective_on", "2019-09-30")])
        .await;
    let page = html(r, StatusCode::OK).await;
    assert!(page.contains("Conferma le dimissioni"), "{page}");
    assert_eq!(element(&page, "data-effetto"), "30/09/2019");
    for words in [
        "l&#39;ultimo giorno di lavoro è il 29/09/2019",
        "non potrai più accedere all&#39;app",
        "Il posto torna disponibile nella provincia",
        "Dovrai restituire la dotazione",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert!(page.contains("name=\"confirm\" value=\"1\""), "{page}");
    let contract = json_of(app.my_contract(&tokens[0]).await, StatusCode::OK).await;
    assert!(
        contract["scheduled_end"].is_null(),
        "step one changes nothing: {contract}"
    );

    // Step two: a day the rules refuse comes back next to the field.
    let r = rome
        .post(
            "/app/dimissioni",
            &[("effective_on", "2019-08-01"), ("confirm", "1")],
        )
        .await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&page, "effective_on-error").contains("non prima del 02/09/2019"),
        "{page}"
    );
    // Confirmed: recorded, with its day.
    let r = rome
        .post(
            "/app/dimissioni",
            &[("effective_on", "2019-09-30"), ("confirm", "1")],
        )
        .await;
    let page = html(r, StatusCode::OK).await;
    assert!(
        page.contains("Dimissioni registrate") && page.contains("con effetto dal 30/09/2019"),
        "{page}"
    );
    let contract = json_of(app.my_contract(&tokens[0]).await, StatusCode::OK).await;
    assert_eq!(contract["scheduled_end"]["cause"], "resigned", "{contract}");
    assert_eq!(
        contract["scheduled_end"]["effective_on"], "2019-09-30",
        "{contract}"
    );
    let page = html(rome.get("/app/contratto").await, StatusCode::OK).await;
    assert!(
        element(&page, "cessazione").contains("dimissioni, con effetto dal 30/09/2019"),
        "{page}"
    );
    assert!(
        !page.contains("modulo-dimissioni"),
        "no second resignation: {page}"
    );
}
both_engines!(seat_kit_and_contract, on("2019-09-02"));

// ------------------------------------------------------------ the shell

/// The manifest and the service worker, with their types; the shell the
/// worker keeps; what the app answers `app.js` when nobody is signed in.
async fn the_app_is_installable_and_opens_offline(app: TestApp) {
    let mut tablet = Tablet::new(&app);
    let r = tablet.get("/app").await;
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&r), "/app/");

    let r = tablet.get("/app/manifest.webmanifest").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/manifest+json"));
    let manifest: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(manifest["start_url"], "/app/");
    assert_eq!(manifest["scope"], "/app/");
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["lang"], "it");
    let icons = manifest["icons"].as_array().unwrap();
    assert_eq!(icons.len(), 2, "{manifest}");
    for (icon, size) in icons.iter().zip(["192x192", "512x512"]) {
        assert_eq!(icon["sizes"], size);
        let r = tablet.get(icon["src"].as_str().unwrap()).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "image/png");
        assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    }

    let r = tablet.get("/app/sw.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let worker = r.text().await.unwrap();
    let shell_line = worker
        .lines()
        .find(|l| l.starts_with("const SHELL = "))
        .unwrap();
    let shell: Vec<String> = serde_json::from_str(
        shell_line
            .trim_start_matches("const SHELL = ")
            .trim_end_matches(';'),
    )
    .unwrap();
    assert!(
        shell
            .iter()
            .any(|u| u.starts_with("/static/app/app.") && u.ends_with(".js")),
        "{shell:?}"
    );
    assert!(shell.contains(&"/app/offline".to_owned()), "{shell:?}");
    assert!(
        shell.contains(&"/app/manifest.webmanifest".to_owned()),
        "{shell:?}"
    );
    assert!(worker.contains("addEventListener(\"fetch\""), "{worker}");
    for url in &shell {
        let r = tablet.get(url).await;
        assert_eq!(r.status(), StatusCode::OK, "{url}");
    }

    // The offline page takes hours, for app.js to keep.
    let page = html(tablet.get("/app/offline").await, StatusCode::OK).await;
    assert!(
        page.contains("id=\"modulo-ore\"")
            && page.contains("id=\"in-attesa\" class=\"app-in-attesa\" data-count=\"0\""),
        "{page}"
    );
    // Every page of the app names the manifest and the app's script.
    let page = html(tablet.get("/app/accedi").await, StatusCode::OK).await;
    assert!(
        page.contains("<link rel=\"manifest\" href=\"/app/manifest.webmanifest\">"),
        "{page}"
    );
    let script = shell.iter().find(|u| u.ends_with(".js")).unwrap();
    assert!(
        page.contains(&format!("<script src=\"{script}\" defer></script>")),
        "{page}"
    );

    // Nobody signed in: app.js is told so, in JSON.
    let r = tablet.get("/app/sessione").await;
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["signed_in"], false, "{session}");
    assert_eq!(session["csrf"].as_str().unwrap(), tablet.csrf());
    let entry = [
        ("client_id", "x-1"),
        ("day", "2019-08-20"),
        ("hours", "1"),
        ("activity", "x"),
    ];
    let r = tablet.post_json("/app/ore", &entry).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "signed-out");
    let r = tablet.post("/app/ore", &entry).await;
    assert_eq!(location(&r), "/app/accedi");
}
both_engines!(the_app_is_installable_and_opens_offline);
