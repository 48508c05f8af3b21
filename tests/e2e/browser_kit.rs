//! The pages in a real browser (headless Chromium): Bootstrap Italia and
//! its fonts applied from the service's own origin, Italian and English,
//! no serious accessibility violation, the weight of a first visit, and the
//! harness's offline switch. One browser per test: each start costs
//! seconds. Skipped, with a note, where Chromium is not installed.

use navigator_e2e::browser::{plain_http, Browser, Lang, Viewport};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A first visit to a page may take this much over the network, at most:
/// Bootstrap Italia's stylesheet is about 90 KB compressed, a Titillium Web
/// face about 18 KB.
const FIRST_VISIT_BUDGET: u64 = 300 * 1024;

/// Where the tests leave their screenshots, when asked to.
fn screenshot_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("NAVIGATOR_SCREENSHOTS").map(std::path::PathBuf::from)
}

/// The page shown is dressed by Bootstrap Italia, in its fonts, all of it
/// from the service; its icons are found; axe-core finds nothing serious.
/// With `NAVIGATOR_SCREENSHOTS` set, a screenshot of it is left there.
async fn looks_right(browser: &Browser, page: &str) {
    if let Some(dir) = screenshot_dir() {
        let lang = lang_of(browser).await;
        let name: String = page
            .trim_start_matches('/')
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let width = browser.viewport().width;
        browser
            .screenshot(dir.join(format!("{name}-{lang}-{width}.png")))
            .await;
    }
    let family = browser.computed_style("body", "font-family").await;
    assert!(
        family.starts_with("\"Titillium Web\""),
        "{page}: body font is {family}"
    );
    // Bootstrap Italia's blue on the header and the primary buttons.
    let header = browser
        .computed_style(".it-header-center-wrapper", "background-color")
        .await;
    assert_eq!(header, "rgb(0, 102, 204)", "{page}: header background");
    let elsewhere = browser.requests_elsewhere().await;
    assert!(
        elsewhere.is_empty(),
        "{page} asked another origin for {elsewhere:?}"
    );
    let faces = browser
        .execute(
            "return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);",
            vec![],
        )
        .await;
    assert!(
        faces
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("Titillium Web")),
        "{page}: Titillium Web not loaded: {faces}"
    );
    // Every icon's symbol is in the vendored sprite (an unknown one draws
    // nothing: its box is empty).
    browser
        .wait_until(
            "[...document.querySelectorAll('svg.icon use')].every((u) => u.getBBox().width > 0)",
        )
        .await;
    let violations = browser.axe_violations().await;
    assert!(
        violations.is_empty(),
        "{page}: {}",
        violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

async fn lang_of(browser: &Browser) -> String {
    browser
        .execute("return document.documentElement.lang;", vec![])
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

async fn every_page_renders_in_both_languages(app: TestApp) {
    // A link of each kind, as mailed.
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 1)], 2).await;
    let r = app.call(&hr, &id, "NA", &json!({})).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let offer = format!(
        "/offerta?token={}",
        token_in(&app.wait_for_mail(&list[0].email).await)
    );
    let admin = app.admin_token().await;
    let email = "nuovo.coordinatore@anpalservizi.it";
    let r = app
        .create_user(
            &admin,
            &json!({ "email": email, "role": "hr", "regions": [] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let activation = format!(
        "/attivazione?token={}",
        token_in(&app.activation_mail(email).await)
    );

    let Some(browser) = Browser::open(&app, Viewport::TABLET_PORTRAIT, Lang::It).await else {
        return;
    };
    assert_eq!(
        browser.execute("return window.innerWidth;", vec![]).await,
        json!(800)
    );

    // Italian, as the browser asks.
    browser.goto("/").await;
    assert_eq!(lang_of(&browser).await, "it");
    assert!(browser.text("h1").await.contains("Navigator Ops"));
    looks_right(&browser, "/landing").await;
    browser.goto("/non-esiste").await;
    assert!(browser.text("h1").await.contains("Pagina non trovata"));
    looks_right(&browser, "/non-esiste").await;
    browser.goto(&offer).await;
    assert!(browser
        .text("#accetta")
        .await
        .contains("Accetto la proposta"));
    looks_right(&browser, "/offerta").await;
    browser.goto(&activation).await;
    assert!(browser.text("h1").await.contains("Attiva il tuo account"));
    looks_right(&browser, "/attivazione").await;
    browser.goto("/password-dimenticata").await;
    looks_right(&browser, "/password-dimenticata").await;
    // The form asks for the reset link that the last page opens.
    browser.fill("#email", email).await;
    browser.submit("form[action='/password-dimenticata']").await;
    assert!(browser.text("main").await.contains("Controlla la posta"));
    looks_right(&browser, "/password-dimenticata/sent").await;
    let mut reset = None;
    for _ in 0..400 {
        reset = app
            .mails()
            .into_iter()
            .find(|m| m.to == email && m.body.contains("/reimposta-password?token="));
        if reset.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let reset = format!(
        "/reimposta-password?token={}",
        token_in(&reset.expect("a reset mail"))
    );
    browser.goto(&reset).await;
    assert!(browser
        .text("h1")
        .await
        .contains("Scegli una nuova password"));
    looks_right(&browser, "/reimposta-password").await;

    // English by the switch in the header, which every page then keeps.
    browser.click_and_wait("a.language-switch").await;
    assert_eq!(lang_of(&browser).await, "en");
    assert!(browser.text("h1").await.contains("Choose a new password"));
    looks_right(&browser, "/reimposta-password").await;
    let pages = [
        ("/", "/landing", "main", "Open the Navigator app"),
        (offer.as_str(), "/offerta", "#accetta", "I accept the offer"),
        (
            activation.as_str(),
            "/attivazione",
            "h1",
            "Activate your account",
        ),
        (
            "/password-dimenticata",
            "/password-dimenticata",
            "h1",
            "Forgotten password",
        ),
        ("/non-esiste", "/non-esiste", "h1", "Page not found"),
    ];
    for (path, page, css, words) in pages {
        browser.goto(path).await;
        assert_eq!(lang_of(&browser).await, "en", "{page}");
        assert!(browser.text(css).await.contains(words), "{page}");
        looks_right(&browser, page).await;
    }
    // A password chosen in the browser works.
    browser.goto(&reset).await;
    let chosen = "una frase lunga scelta nel browser";
    browser.fill("#new_password", chosen).await;
    browser.fill("#confirm_password", chosen).await;
    browser.submit("#modulo-password").await;
    assert!(browser.text("main").await.contains("Password changed"));
    looks_right(&browser, "/reimposta-password/done").await;
    app.login_ok(email, chosen).await;
    browser.close().await;
}
both_engines!(every_page_renders_in_both_languages, plain_http);

async fn a_first_visit_is_light_and_offline_blocks_requests(app: TestApp) {
    let Some(mut browser) = Browser::open(&app, Viewport::PHONE, Lang::En).await else {
        return;
    };
    browser.goto("/").await;
    // English, as the browser asks; laid out for the phone.
    assert_eq!(lang_of(&browser).await, "en");
    assert!(browser
        .text("main")
        .await
        .contains("Open the Navigator app"));
    assert_eq!(
        browser.execute("return window.innerWidth;", vec![]).await,
        json!(390)
    );

    let resources = browser.resources().await;
    let total: u64 = resources.iter().map(|r| r.transfer_size).sum();
    let listing: Vec<String> = resources
        .iter()
        .map(|r| {
            let name: String = r.name.chars().take(100).collect();
            format!("{:>7} {name}", r.transfer_size)
        })
        .collect();
    eprintln!("first visit to /: {total} bytes\n{}", listing.join("\n"));
    assert_eq!(browser.requests_elsewhere().await, Vec::<String>::new());
    assert!(
        resources.iter().any(|r| r.name.ends_with(".woff2")),
        "the fonts come from the service: {listing:#?}"
    );
    assert!(
        total > 50 * 1024 && total < FIRST_VISIT_BUDGET,
        "a first visit to / took {total} bytes:\n{}",
        listing.join("\n")
    );
    assert_eq!(browser.transferred_bytes().await, total);
    looks_right(&browser, "/landing").await;
    // Again: the stylesheets and fonts come from the cache.
    browser.goto("/password-dimenticata").await;
    let again = browser.transferred_bytes().await;
    assert!(again < 16 * 1024, "a second page took {again} bytes");

    let fetch = "const done = arguments[arguments.length - 1];
         fetch('/?n=' + Math.random(), { cache: 'no-store' })
           .then((r) => done(r.status), (e) => done(String(e)));";
    assert_eq!(browser.execute_async(fetch, vec![]).await, json!(200));
    browser.set_offline(true).await;
    assert_eq!(
        browser.execute("return navigator.onLine;", vec![]).await,
        json!(false)
    );
    let failed = browser.execute_async(fetch, vec![]).await;
    assert!(
        failed
            .as_str()
            .is_some_and(|e| e.contains("Failed to fetch")),
        "offline, a fetch answered {failed}"
    );
    browser.set_offline(false).await;
    assert_eq!(browser.execute_async(fetch, vec![]).await, json!(200));
    browser.close().await;
}
both_engines!(
    a_first_visit_is_light_and_offline_blocks_requests,
    plain_http
);

/// A page whose service worker fetches on request; no database needed.
mod worker_site {
    use actix_web::{web, App, HttpResponse, HttpServer};

    const PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>worker</title><script src="/page.js" defer></script></head><body>worker</body></html>"#;
    const PAGE_JS: &str = r#"
window.workerReady = navigator.serviceWorker.register('/sw.js')
  .then(() => navigator.serviceWorker.ready);
window.askWorker = () => window.workerReady.then((reg) => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (e) => resolve(e.data);
  reg.active.postMessage('fetch', [channel.port2]);
}));"#;
    const WORKER_JS: &str = r#"
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  const port = e.ports[0];
  fetch('/ping?n=' + Math.random(), { cache: 'no-store' })
    .then((r) => r.text())
    .then((t) => port.postMessage('answered ' + t), (err) => port.postMessage('failed ' + err));
});"#;

    fn answer(body: &'static str, mime: &'static str) -> HttpResponse {
        HttpResponse::Ok().content_type(mime).body(body)
    }

    /// Serves the page on a free loopback port; its address and handle.
    pub async fn start() -> (String, actix_web::dev::ServerHandle) {
        let server = HttpServer::new(|| {
            App::new()
                .route(
                    "/",
                    web::get().to(|| async { answer(PAGE, "text/html; charset=utf-8") }),
                )
                .route(
                    "/page.js",
                    web::get().to(|| async { answer(PAGE_JS, "text/javascript") }),
                )
                .route(
                    "/sw.js",
                    web::get().to(|| async { answer(WORKER_JS, "text/javascript") }),
                )
                .route(
                    "/ping",
                    web::get().to(|| async { answer("pong", "text/plain") }),
                )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let address = format!("http://127.0.0.1:{}", server.addrs()[0].port());
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        (address, handle)
    }
}

/// DevTools' offline switch on the page alone lets a service worker's own
/// requests through: the harness's switch cuts the worker off too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_reaches_a_service_workers_requests() {
    let (origin, server) = worker_site::start().await;
    let Some(mut browser) = Browser::open_at(&origin, Viewport::TABLET_LANDSCAPE, Lang::It).await
    else {
        server.stop(false).await;
        return;
    };
    browser.goto("/").await;
    let ask = "const done = arguments[arguments.length - 1];
               window.askWorker().then(done, (e) => done('no worker: ' + e));";
    assert_eq!(
        browser.execute_async(ask, vec![]).await,
        json!("answered pong")
    );
    browser.set_offline(true).await;
    let answer = browser.execute_async(ask, vec![]).await;
    assert!(
        answer.as_str().is_some_and(|a| a.starts_with("failed")),
        "offline, the worker's fetch {answer}"
    );
    browser.set_offline(false).await;
    assert_eq!(
        browser.execute_async(ask, vec![]).await,
        Value::from("answered pong")
    );
    browser.close().await;
    server.stop(false).await;
}
