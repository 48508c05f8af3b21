//! The back-office console at `/console/`, as a browser meets it over
//! HTTP: cookies kept and sent by hand (the test servers publish an https
//! address, so the cookies are `Secure`), forms posted as a page posts
//! them. Staff sign in, Navigators are sent to the app; sessions end when
//! idle, hours after sign-in, and everywhere at once; a coordinator sees
//! their Region only, assigns Navigators and decides hours in bulk.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::navigators::Programme;
use navigator_e2e::*;
use reqwest::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE,
};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::json;

/// A day when both Lazio's and Campania's conventions are signed.
fn in_december(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 12, 20);
}

/// A browser: keeps the cookies the service sets, follows no redirect.
pub(crate) struct Browser {
    pub(crate) base: String,
    pub(crate) client: Client,
    pub(crate) cookies: BTreeMap<String, String>,
}

impl Browser {
    pub(crate) fn new(app: &TestApp) -> Self {
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

    pub(crate) fn cookie_header(&self) -> String {
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

    pub(crate) async fn get(&mut self, path: &str) -> Response {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html");
        if !self.cookies.is_empty() {
            req = req.header(COOKIE, self.cookie_header());
        }
        let r = req.send().await.unwrap();
        self.absorb(&r);
        r
    }

    pub(crate) fn csrf(&self) -> String {
        self.cookies
            .get("navigator_csrf")
            .cloned()
            .expect("a page was read first")
    }

    pub(crate) async fn send(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .form(form);
        if !self.cookies.is_empty() {
            req = req.header(COOKIE, self.cookie_header());
        }
        let r = req.send().await.unwrap();
        self.absorb(&r);
        r
    }

    /// Posts a form as the page holds it, with this browser's token.
    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.send(path, &form).await
    }

    /// Posts a form with a file (`file_field` named `file_name`) as the
    /// page holds it, with this browser's token.
    pub(crate) async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str("text/csv")
            .unwrap();
        form = form.part(file_field.to_owned(), part);
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .multipart(form);
        if !self.cookies.is_empty() {
            req = req.header(COOKIE, self.cookie_header());
        }
        let r = req.send().await.unwrap();
        self.absorb(&r);
        r
    }

    async fn sign_in(&mut self, email: &str) -> Response {
        self.get("/console/accedi").await;
        self.post(
            "/console/accedi",
            &[("email", email), ("password", PASSWORD)],
        )
        .await
    }

    /// Signed in to the console as `email`.
    pub(crate) async fn signed_in(app: &TestApp, email: &str) -> Self {
        let mut b = Self::new(app);
        let r = b.sign_in(email).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        assert_eq!(location(&r), "/console/");
        b
    }
}

pub(crate) async fn html(r: Response, status: StatusCode) -> String {
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

pub(crate) fn location(r: &Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The text of the element with `id`, up to its first closing tag.
pub(crate) fn element(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find("</").unwrap();
    rest[open..open + close].trim().to_owned()
}

/// A staff account of `role` (Regions for a coordinator), with the
/// harness' password; its email.
pub(crate) async fn staff(app: &TestApp, role: &str, regions: &[&str]) -> String {
    let admin = app.admin_token().await;
    let email = format!("{role}.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    json_of(
        app.create_user(
            &admin,
            &json!({ "email": email, "role": role, "regions": regions, "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    email
}

/// Two Navigators in Rome (the first at RM-EUR since 17 July 2019) and one
/// in Naples; RM-EUR, RM-TIB and NA-CEN exist.
async fn lazio_and_campania(app: &TestApp) -> Programme {
    let p = app
        .programme(&[("RM", 2), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    app.cpi_in("NA-CEN", "NA", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    p
}

// ------------------------------------------------------------ signing in

/// Every staff role signs in and finds its own navigation; a Navigator is
/// sent to the app and gets no session; the cookies are HttpOnly, Secure
/// and SameSite=Strict; the console speaks English on request.
async fn staff_sign_in_and_navigators_are_sent_to_the_app(app: TestApp) {
    // Signed out, the console leads to its sign-in page.
    let mut nobody = Browser::new(&app);
    let r = nobody.get("/console/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/accedi");
    let text = html(nobody.get("/console/accedi").await, StatusCode::OK).await;
    assert!(text.contains("Accedi alla console"), "{text}");
    let english = html(nobody.get("/console/accedi?lang=en").await, StatusCode::OK).await;
    assert!(english.contains("Log in to the console"), "{english}");

    for (role, regions, section) in [
        ("admin", vec![], None),
        ("hr", vec![], Some("/console/navigator")),
        ("coordinator", vec!["12"], Some("/console/ore")),
        ("trainer", vec![], None),
    ] {
        let email = staff(&app, role, &regions).await;
        let mut b = Browser::new(&app);
        let r = b.sign_in(&email).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{role}");
        let set: Vec<String> = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|c| c.to_str().unwrap().to_owned())
            .collect();
        for name in ["navigator_access=", "navigator_refresh="] {
            let c = set.iter().find(|c| c.starts_with(name)).unwrap();
            assert!(
                c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Strict"),
                "{c}"
            );
        }
        let home = html(b.get("/console/").await, StatusCode::OK).await;
        assert!(home.contains("id=\"benvenuto\""), "{role}: {home}");
        assert!(home.contains("esci-ovunque"), "{home}");
        if let Some(href) = section {
            assert!(home.contains(&format!("href=\"{href}\"")), "{role}: {home}");
        }
        if role == "coordinator" {
            assert!(home.contains("Navigator della Regione"), "{home}");
            assert!(home.contains("Ore da convalidare"), "{home}");
        }
    }

    // A Navigator: the right password, the wrong door.
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    app.activate_and_login(&p.email(0)).await;
    let mut tablet = Browser::new(&app);
    let r = tablet.sign_in(&p.email(0)).await;
    assert!(r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .all(|c| !c.to_str().unwrap().starts_with("navigator_access=")));
    let text = html(r, StatusCode::FORBIDDEN).await;
    let refusal = element(&text, "accesso-rifiutato");
    assert!(
        refusal.contains("riservata al personale") && refusal.contains("/app/"),
        "{text}"
    );
    // Signed in to the app, the console sends them there too.
    tablet.get("/app/accedi").await;
    let r = tablet
        .post(
            "/app/accedi",
            &[("email", &p.email(0)), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = html(tablet.get("/console/").await, StatusCode::FORBIDDEN).await;
    assert!(text.contains("href=\"/app/\""), "{text}");
}
both_engines!(
    staff_sign_in_and_navigators_are_sent_to_the_app,
    in_december
);

/// A form posted without this browser's token changes nothing (403).
async fn a_form_without_the_token_is_refused(app: TestApp) {
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut b = Browser::new(&app);
    b.get("/console/accedi").await;
    let r = b
        .send(
            "/console/accedi",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert!(!b.cookies.contains_key("navigator_access"));

    let mut b = Browser::signed_in(&app, &email).await;
    for path in ["/console/esci-ovunque", "/console/esci", "/console/ore"] {
        let r = b.send(path, &[("csrf", "x".repeat(43).as_str())]).await;
        let text = html(r, StatusCode::FORBIDDEN).await;
        assert!(text.contains("Modulo scaduto"), "{path}: {text}");
    }
    // Still signed in.
    html(b.get("/console/").await, StatusCode::OK).await;
}
both_engines!(a_form_without_the_token_is_refused);

// ------------------------------------------------------------- sessions

/// A console session ends after the idle limit without a page, and at the
/// absolute limit after sign-in however busy; the browser is told in words.
async fn console_sessions_end_when_idle_and_when_old(app: TestApp) {
    let email = staff(&app, "hr", &[]).await;

    // Idle: nothing asked for longer than the limit.
    let mut idle = Browser::signed_in(&app, &email).await;
    html(idle.get("/console/").await, StatusCode::OK).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let r = idle.get("/console/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/accedi?scaduta=1");
    assert!(!idle.cookies.contains_key("navigator_access"));
    let text = html(idle.get("/console/accedi?scaduta=1").await, StatusCode::OK).await;
    assert!(element(&text, "avviso").contains("scaduta"), "{text}");

    // Busy, but signed in longer than the absolute limit.
    let mut busy = Browser::signed_in(&app, &email).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        html(busy.get("/console/").await, StatusCode::OK).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let r = busy.get("/console/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/accedi?scaduta=1");
    // Ended on the server too: the old cookies open nothing.
    let r = busy.get("/console/").await;
    assert_eq!(location(&r), "/console/accedi");
}
both_engines!(
    console_sessions_end_when_idle_and_when_old,
    |s: &mut api::config::Settings| {
        s.console_idle_seconds = 2;
        s.console_absolute_seconds = 5;
    }
);

/// "Log out everywhere" ends every session of the account: another
/// browser's console and a device's API session, refresh token included;
/// plain "log out" ends only this browser's.
async fn logging_out_everywhere_ends_every_session(app: TestApp) {
    let email = staff(&app, "coordinator", &["12"]).await;
    let pair = app.login_ok(&email, PASSWORD).await;
    let device = pair["access_token"].as_str().unwrap().to_owned();
    let device_refresh = pair["refresh_token"].as_str().unwrap().to_owned();
    let mut office = Browser::signed_in(&app, &email).await;
    let mut home = Browser::signed_in(&app, &email).await;
    let mut laptop = Browser::signed_in(&app, &email).await;

    // Plain log out: only this browser.
    let r = laptop.post("/console/esci", &[]).await;
    assert_eq!(location(&r), "/console/accedi?uscito=1");
    assert_eq!(location(&laptop.get("/console/").await), "/console/accedi");
    html(home.get("/console/").await, StatusCode::OK).await;

    let r = office.post("/console/esci-ovunque", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/accedi?ovunque=1");
    let text = html(
        office.get("/console/accedi?ovunque=1").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        element(&text, "avviso").contains("tutti i dispositivi"),
        "{text}"
    );
    assert_eq!(location(&office.get("/console/").await), "/console/accedi");
    assert_eq!(location(&home.get("/console/").await), "/console/accedi");
    let r = app.get("/navigators", Some(&device)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.refresh(&device_refresh).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_engines!(logging_out_everywhere_ends_every_session);

// ---------------------------------------------------------- coordinators

/// A Lazio coordinator's list holds Lazio's Navigators with today's CPI;
/// filters and the CSV hold the same rows; anything of Campania (a
/// Navigator's page, a province or CPI filter, a download) is not found.
async fn a_coordinator_sees_their_region_only(app: TestApp) {
    let p = lazio_and_campania(&app).await;
    let (rome0, rome1, naples) = (p.navigator(0), p.navigator(1), p.navigator(2));
    let lazio = staff(&app, "coordinator", &["12"]).await;
    let mut b = Browser::signed_in(&app, &lazio).await;

    let text = html(b.get("/console/navigator").await, StatusCode::OK).await;
    assert!(
        text.contains(&format!("/console/navigator/{rome0}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("/console/navigator/{rome1}")),
        "{text}"
    );
    assert!(!text.contains(&naples), "{text}");
    assert!(text.contains("RM-EUR"), "{text}");
    assert!(text.contains("Nessun CPI oggi"), "{text}");

    let text = html(b.get("/console/navigator?cpi=RM-EUR").await, StatusCode::OK).await;
    assert!(text.contains(&rome0) && !text.contains(&rome1), "{text}");
    let r = b.get("/console/navigator.csv?provincia=RM").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.contains(&rome0) && csv.contains(&rome1) && !csv.contains(&naples),
        "{csv}"
    );

    // By name, a page after another: the cursor is a Navigator's id.
    let text = html(
        b.get("/console/navigator?ordine=nome").await,
        StatusCode::OK,
    )
    .await;
    assert!(text.contains("aria-sort=\"ascending\""), "{text}");
    let csv = b
        .get("/console/navigator.csv?ordine=nome")
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let mut cells = l.split(',');
            let id = cells.next().unwrap().to_owned();
            (cells.next().unwrap().to_owned(), id)
        })
        .collect();
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "{csv}");
    let (first, second) = (&rows[0].1, &rows[1].1);
    let text = html(
        b.get(&format!("/console/navigator?ordine=nome&cursore={first}"))
            .await,
        StatusCode::OK,
    )
    .await;
    // (The language switch's address holds the cursor: the table is read.)
    let body = &text[text.find("<tbody>").unwrap()..text.find("</tbody>").unwrap()];
    assert!(
        body.contains(second.as_str()) && !body.contains(first.as_str()),
        "{text}"
    );

    // A name filter, in any case.
    let hr = app.navigator(&p.hr, &rome1).await;
    let full = json_of(hr, StatusCode::OK).await["full_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let part = full.split(' ').next_back().unwrap().to_uppercase();
    let text = html(
        b.get(&format!("/console/navigator?nome={part}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(text.contains(&rome1), "{part}: {text}");

    // Campania, by an edited address: not found, in pages, filters and downloads.
    for path in [
        format!("/console/navigator/{naples}"),
        "/console/navigator?provincia=NA".to_owned(),
        "/console/navigator?cpi=NA-CEN".to_owned(),
        "/console/navigator.csv?cpi=NA-CEN".to_owned(),
        "/console/navigator.csv?provincia=NA".to_owned(),
    ] {
        let text = html(b.get(&path).await, StatusCode::NOT_FOUND).await;
        assert!(text.contains("Pagina non trovata"), "{path}: {text}");
        assert!(!text.contains("Campania"), "{path}: {text}");
    }
    let r = b
        .post(
            &format!("/console/navigator/{naples}/sede"),
            &[("cpi_code", "NA-CEN"), ("from", "2019-12-20")],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;
}
both_engines!(a_coordinator_sees_their_region_only, in_december);

/// A coordinator assigns and moves a Navigator; Campania's refusal is shown
/// next to the field with its convention and date.
async fn a_coordinator_assigns_navigators(app: TestApp) {
    let p = lazio_and_campania(&app).await;
    let (rome1, naples) = (p.navigator(1), p.navigator(2));
    let lazio = staff(&app, "coordinator", &["12"]).await;
    let mut b = Browser::signed_in(&app, &lazio).await;

    let text = html(
        b.get(&format!("/console/navigator/{rome1}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(text.contains("<option value=\"RM-TIB\""), "{text}");
    assert!(!text.contains("NA-CEN"), "{text}");
    let r = b
        .post(
            &format!("/console/navigator/{rome1}/sede"),
            &[("cpi_code", "RM-TIB"), ("from", "2019-12-20")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert_eq!(to, format!("/console/navigator/{rome1}?assegnato=1"));
    let text = html(b.get(&to).await, StatusCode::OK).await;
    assert!(element(&text, "cpi-oggi").contains("RM-TIB"), "{text}");
    assert!(text.contains("id=\"assegnato\""), "{text}");

    // A day that is not one, next to its field.
    let r = b
        .post(
            &format!("/console/navigator/{rome1}/sede"),
            &[("cpi_code", "RM-EUR"), ("from", "20/12/2019")],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "from-errore").is_empty(), "{text}");

    // Campania: the convention's refusal, in words, by the CPI field.
    let campania = staff(&app, "coordinator", &["15"]).await;
    let mut c = Browser::signed_in(&app, &campania).await;
    let r = c
        .post(
            &format!("/console/navigator/{naples}/sede"),
            &[("cpi_code", "NA-CEN"), ("from", "2019-12-20")],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let refusal = element(&text, "cpi_code-errore");
    assert!(
        refusal.contains("Campania") && refusal.contains("09/12/2019"),
        "{refusal}"
    );
    let api = json_of(app.navigator(&p.hr, &naples).await, StatusCode::OK).await;
    assert!(api["cpi_code"].is_null(), "{api}");
}
both_engines!(a_coordinator_assigns_navigators, in_december);

/// Pending hours are validated in bulk, and rejected in bulk with a reason
/// (none given: nothing rejected, the field says why).
async fn a_coordinator_decides_hours_in_bulk(app: TestApp) {
    let p = lazio_and_campania(&app).await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let mut logs = Vec::new();
    for (i, day) in ["2019-12-16", "2019-12-17", "2019-12-18"]
        .iter()
        .enumerate()
    {
        let log = json_of(
            app.log_hours(&token, &format!("c-{i}"), day, 4.0).await,
            StatusCode::CREATED,
        )
        .await;
        logs.push(log["id"].as_str().unwrap().to_owned());
    }
    let campania = staff(&app, "coordinator", &["15"]).await;
    let mut other = Browser::signed_in(&app, &campania).await;
    let text = html(other.get("/console/ore").await, StatusCode::OK).await;
    assert!(text.contains("id=\"nessuna\""), "{text}");
    let csv = other.get("/console/ore.csv").await.text().await.unwrap();
    assert_eq!(
        csv.lines().count(),
        1,
        "only the header for Campania: {csv}"
    );
    // Another Region's logs in a posted batch: not found, nothing decided.
    let r = other
        .post(
            "/console/ore",
            &[("ids", &logs[0]), ("decisione", "convalida")],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;

    let lazio = staff(&app, "coordinator", &["12"]).await;
    let mut b = Browser::signed_in(&app, &lazio).await;
    let text = html(b.get("/console/ore").await, StatusCode::OK).await;
    for id in &logs {
        assert!(text.contains(&format!("value=\"{id}\"")), "{text}");
    }
    // The same pending logs as CSV.
    assert!(text.contains("href=\"/console/ore.csv\""), "{text}");
    let csv = b.get("/console/ore.csv").await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + logs.len(), "{csv}");
    for id in &logs {
        assert!(csv.contains(id.as_str()), "{csv}");
    }
    let r = b
        .post(
            "/console/ore",
            &[
                ("ids", &logs[0]),
                ("ids", &logs[1]),
                ("decisione", "convalida"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/console/ore?convalidate=2");
    let text = html(b.get("/console/ore?convalidate=2").await, StatusCode::OK).await;
    assert!(element(&text, "esito").contains('2'), "{text}");
    assert!(!text.contains(&format!("value=\"{}\"", logs[0])), "{text}");

    let r = b
        .post(
            "/console/ore",
            &[("ids", &logs[2]), ("decisione", "rifiuta"), ("motivo", " ")],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "motivo-errore").is_empty(), "{text}");
    let r = b
        .post(
            "/console/ore",
            &[
                ("ids", &logs[2]),
                ("decisione", "rifiuta"),
                ("motivo", "Giorno festivo"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/console/ore?rifiutate=1");

    let mine = json_of(app.my_logs(&token).await, StatusCode::OK).await;
    let statuses: Vec<(String, String)> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_owned(),
                l["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (id, status) in statuses {
        let expected = if id == logs[2] {
            "rejected"
        } else {
            "validated"
        };
        assert_eq!(status, expected, "{id}");
    }
}
both_engines!(a_coordinator_decides_hours_in_bulk, in_december);

/// Every list of the console, asked for a page after an edited or made-up
/// `cursore` (or an odd filter), answers a page: never a server error; a
/// NUL character in an address or a form is refused in words.
async fn edited_list_addresses_never_fail(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let lists = [
        "/console/navigator",
        "/console/navigator?ordine=nome",
        "/console/ore",
        "/console/selezioni",
        "/console/contratti",
        "/console/contratti/da-redigere",
        "/console/dotazioni",
        "/console/dotazioni/riconsegne",
        "/console/formazione",
        "/console/audit",
        &format!("/console/selezioni/{}/graduatorie/RM", p.selection),
    ];
    let cursors = [
        "zzz",
        "%00",
        "2019-07-15",
        "%F0%9F%A6%80",
        "01a24a79-0000-0000-0000-000000000000",
        &"9".repeat(3000),
    ];
    let hr = staff(&app, "hr", &[]).await;
    let mut b = Browser::signed_in(&app, &hr).await;
    for list in lists {
        for cursor in cursors {
            let glue = if list.contains('?') { '&' } else { '?' };
            let path = format!("{list}{glue}cursore={cursor}&pagina={cursor}&stato={cursor}");
            let r = b.get(&path).await;
            let status = r.status();
            assert!(
                status.is_success() || status.is_client_error(),
                "{path}: {status}"
            );
        }
    }
    // A NUL anywhere, in an address or a form, is said to be one.
    for path in ["/console/navigator/%00", "/console/navigator?nome=a%00b"] {
        let page = html(b.get(path).await, StatusCode::BAD_REQUEST).await;
        assert!(page.contains("NUL"), "{path}: {page}");
    }
    let page = html(
        b.post(
            "/console/ore",
            &[("ids", "a\0b"), ("decisione", "convalida")],
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(page.contains("NUL"), "{page}");
}
both_engines!(edited_list_addresses_never_fail, in_december);

/// The address of the page's "Scarica CSV" link, as a browser reads it.
pub(crate) fn download_link(page: &str) -> String {
    let at = page
        .find("id=\"scarica-csv\"")
        .unwrap_or_else(|| panic!("no download link in {page}"));
    let tag = &page[page[..at].rfind('<').unwrap()..at];
    let href = &tag[tag.find("href=\"").unwrap() + "href=\"".len()..];
    href[..href.find('"').unwrap()].replace("&#38;", "&")
}

/// A console table's CSV at `path`: a file named `file`, never cached;
/// its header and rows, as a spreadsheet would read them.
pub(crate) async fn csv_download(
    b: &mut Browser,
    path: &str,
    file: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let r = b.get(path).await;
    let (status, headers) = (r.status(), r.headers().clone());
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(headers[CONTENT_TYPE], "text/csv; charset=utf-8", "{path}");
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        format!("attachment; filename=\"{file}\"").as_str(),
        "{path}"
    );
    assert_eq!(headers[CACHE_CONTROL], "no-store", "{path}");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}
