//! Whole journeys in a real browser (headless Chromium), as people make
//! them: the links are taken out of the mails the file transport wrote, read
//! as a mail client reads them, and followed in the browser. Every page on
//! the way passes axe-core and asks nothing of another origin. One browser
//! per test: each start costs seconds. Skipped, with a note, where Chromium
//! is not installed (never in CI).

use std::time::{Duration, SystemTime};

use navigator_e2e::browser::{Browser, Lang, Viewport};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A server a browser visits (plain HTTP), whose mail goes to `.eml` files
/// in a folder of its own.
pub(crate) fn browser_and_mail_files(s: &mut api::config::Settings) {
    navigator_e2e::browser::plain_http(s);
    s.mail_transport = api::config::MailTransport::File;
    s.mail_dir =
        std::env::temp_dir().join(format!("navigator-mail-{}", uuid::Uuid::new_v4().simple()));
}

/// The path and query of the link to `page` in the newest mail to `to` in
/// the file transport's folder, the body decoded from its transfer encoding
/// as a mail client would. Waits up to 10 s for the mail.
pub(crate) async fn mailed_link(app: &TestApp, to: &str, page: &str) -> String {
    let marker = format!("/{page}?token=");
    for _ in 0..400 {
        let mut found: Vec<(SystemTime, String)> = Vec::new();
        let entries = std::fs::read_dir(&app.settings.mail_dir)
            .into_iter()
            .flatten()
            .flatten();
        for entry in entries {
            if entry.path().extension().is_none_or(|x| x != "eml") {
                continue;
            }
            let Ok(raw) = std::fs::read(entry.path()) else {
                continue;
            };
            let Some(mail) = mail_parser::MessageParser::default().parse(&raw) else {
                continue;
            };
            let addressee = mail.to().and_then(|a| a.first()).and_then(|a| a.address());
            if addressee != Some(to) {
                continue;
            }
            let body = mail.body_text(0).unwrap_or_default();
            if let Some(start) = body.find(&marker) {
                let link = body[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let written = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                found.push((written, link));
            }
        }
        if let Some((_, link)) = found.into_iter().max_by_key(|(written, _)| *written) {
            return link;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail to {to} with a link to /{page} within 10 s");
}

/// `(taken, pending, vacant)` of a province's seats, as HR reads them.
async fn seats(app: &TestApp, hr: &str, id: &str, sigla: &str) -> (i64, i64, i64) {
    let all: Value = app.seats(hr, id, "").await.json().await.unwrap();
    let seat = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["province"] == sigla)
        .unwrap()
        .clone();
    (
        seat["filled"].as_i64().unwrap() + seat["accepted_unsigned"].as_i64().unwrap(),
        seat["pending_offers"].as_i64().unwrap(),
        seat["vacant"].as_i64().unwrap(),
    )
}

async fn candidate_state(app: &TestApp, hr: &str, offer: &Value) -> Value {
    let id = offer["candidate_id"].as_str().unwrap();
    app.get(&format!("/candidates/{id}"), Some(hr))
        .await
        .json()
        .await
        .unwrap()
}

/// Two candidates called for Napoli open the links in their mails: one
/// accepts (the seat is taken), one declines in English with a reason; the
/// used link then says it cannot be used again, and a made-up one is named
/// as not valid.
async fn candidates_answer_from_the_links_in_their_mail(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 2)], 4).await;
    let mut offers = Vec::new();
    for _ in 0..2 {
        let r = app.call(&hr, &id, "NA", &json!({})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        offers.push(r.json::<Value>().await.unwrap());
    }
    let accepting = mailed_link(&app, &list[0].email, "offerta").await;
    let declining = mailed_link(&app, &list[1].email, "offerta").await;
    assert_eq!(seats(&app, &hr, &id, "NA").await, (0, 2, 0));

    let Some(browser) = Browser::open(&app, Viewport::TABLET_PORTRAIT, Lang::It).await else {
        return;
    };
    browser.goto(&accepting).await;
    let offer = browser.text("main").await;
    assert!(
        offer.contains("Napoli (NA)") && offer.contains("Cosa significa accettare"),
        "{offer}"
    );
    browser.assert_accessible("/offerta").await;
    browser.click_and_wait("#accetta").await;
    assert!(browser
        .text("main")
        .await
        .contains("Hai accettato la proposta"));
    browser.assert_accessible("/offerta (accettata)").await;
    assert_eq!(seats(&app, &hr, &id, "NA").await, (1, 1, 0));
    assert_eq!(
        candidate_state(&app, &hr, &offers[0]).await["state"],
        "accepted"
    );

    // The same link again: it says so, and offers nothing to press.
    browser.goto(&accepting).await;
    assert!(browser
        .text("main")
        .await
        .contains("Questo link non serve più"));
    assert!(browser.find_all("#accetta").await.is_empty());
    assert!(browser.find_all("#rinuncia").await.is_empty());
    browser.assert_accessible("/offerta (usata)").await;

    // The second reads it in English and declines, saying why.
    browser.goto(&format!("{declining}&lang=en")).await;
    assert!(browser
        .text("#rinuncia")
        .await
        .contains("I decline the offer"));
    browser.assert_accessible("/offerta (en)").await;
    browser.fill("#reason", "I took another job").await;
    browser.click_and_wait("#rinuncia").await;
    assert!(browser
        .text("main")
        .await
        .contains("You declined the offer"));
    browser.assert_accessible("/offerta (declined)").await;
    let declined = candidate_state(&app, &hr, &offers[1]).await;
    assert_eq!(declined["state"], "declined");
    assert!(
        declined["state_reason"]
            .as_str()
            .is_some_and(|r| r.contains("I took another job")),
        "{declined}"
    );
    assert_eq!(seats(&app, &hr, &id, "NA").await, (1, 0, 1));

    // A made-up link gets a page that says so, in the language chosen.
    browser.goto("/offerta?token=inventato").await;
    assert!(browser.text("h1").await.contains("Link not valid"));
    browser.assert_accessible("/offerta (unknown)").await;
    browser.close().await;
}
both_engines!(
    candidates_answer_from_the_links_in_their_mail,
    browser_and_mail_files
);

/// A first load of the tablet app may take this much over the network, at
/// most (compressed): the budget.
const APP_FIRST_LOAD_BUDGET: u64 = 250 * 1024;

/// The on-the-job logs the Navigator holds, as the JSON API lists them.
async fn logs_of(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.my_logs(token).await;
    assert_eq!(r.status(), StatusCode::OK);
    let all: Value = r.json().await.unwrap();
    all["items"].as_array().unwrap().clone()
}

/// Sets a date field the way a date picker does (typing into one depends
/// on the browser's locale).
pub(crate) async fn pick_date(browser: &Browser, css: &str, day: &str) {
    browser
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(day)],
        )
        .await;
}

/// A new Navigator in Rome, on 2 September 2019: opens the tablet app (light
/// enough for a first load, then from the cache), activates the account from
/// the mailed link, signs in on an 800×1280 tablet, reads the path, logs
/// hours without network that are sent once the network is back (and never
/// twice, whatever is resent or reloaded), acknowledges the kit, reads the
/// app in English, and resigns with the confirmation step.
async fn a_navigator_starts_on_the_tablet_from_the_activation_mail(app: TestApp) {
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let r = app
        .assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let session = app.session_on(&p.hr, "2019-07-18", 8.0).await;
    let r = app
        .record_attendance(
            &p.hr,
            &session,
            &json!([{ "navigator_id": p.navigator(0), "hours": 8 }]),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    app.equip(&p.hr, &p.navigator(0), 1).await;
    let email = p.email(0);
    let activation = mailed_link(&app, &email, "attivazione").await;

    let Some(mut browser) = Browser::open(&app, Viewport::TABLET_PORTRAIT, Lang::It).await else {
        return;
    };
    assert_eq!(
        browser
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await,
        json!([800, 1280])
    );

    // The app's first load, on a browser that never saw the service.
    browser.goto("/app/").await;
    assert!(browser.current_url().await.ends_with("/app/accedi"));
    let first = browser.resources().await;
    let first_load: u64 = first.iter().map(|r| r.transfer_size).sum();
    let listing: Vec<String> = first
        .iter()
        .map(|r| {
            let name: String = r.name.chars().take(100).collect();
            format!("{:>7} {name}", r.transfer_size)
        })
        .collect();
    eprintln!(
        "first load of /app/: {first_load} bytes\n{}",
        listing.join("\n")
    );
    assert!(
        first_load < APP_FIRST_LOAD_BUDGET,
        "the first load of /app/ took {first_load} bytes:\n{}",
        listing.join("\n")
    );
    browser.assert_accessible("/app/accedi").await;
    browser.goto("/app/accedi").await;
    let again = browser.transferred_bytes().await;
    eprintln!("second load of /app/accedi: {again} bytes");
    assert!(again < 16 * 1024, "a second load took {again} bytes");

    // Activation from the mail, then where to go next.
    browser.goto(&activation).await;
    browser.assert_accessible("/attivazione").await;
    let chosen = "la mia frase per il tablet del CPI";
    browser.fill("#new_password", chosen).await;
    browser.fill("#confirm_password", chosen).await;
    browser.submit("#modulo-password").await;
    assert!(browser.text("main").await.contains("Vai all'app Navigator"));
    browser.assert_accessible("/attivazione (fatta)").await;
    let token = app.login_ok(&email, chosen).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Signing in on the tablet lands on the path.
    browser.goto("/app/accedi").await;
    browser.fill("#email", &email).await;
    browser.fill("#password", chosen).await;
    browser.submit("#modulo-accesso").await;
    assert!(browser.current_url().await.ends_with("/app/"));
    assert!(browser.text("#totale").await.starts_with("8 ore su 200"));
    assert!(browser
        .text("#barra-classroom")
        .await
        .contains("8 ore convalidate su 40"));
    browser.assert_accessible("/app/").await;

    // Hours logged without network wait on the device, then go once.
    browser.goto("/app/ore").await;
    browser.assert_accessible("/app/ore").await;
    browser
        .wait_until("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
        .await;
    browser.set_offline(true).await;
    pick_date(&browser, "#day", "2019-08-21").await;
    browser.fill("#hours", "4").await;
    browser
        .fill("#activity", "Accoglienza e profilazione degli utenti")
        .await;
    browser.click("#registra").await;
    browser
        .wait_until("document.getElementById('in-attesa').dataset.count === '1'")
        .await;
    browser
        .wait_until("document.body.dataset.sync === 'idle'")
        .await;
    assert!(browser
        .text("#esito")
        .await
        .contains("salvata sul dispositivo"));
    assert!(browser
        .text("#in-attesa")
        .await
        .contains("Accoglienza e profilazione degli utenti"));
    browser.assert_accessible("/app/ore (in attesa)").await;
    assert_eq!(logs_of(&app, &token).await.len(), 0);
    // Still offline, the app opens again from the device, entry waiting.
    browser.goto("/app/ore").await;
    browser
        .wait_until("document.getElementById('in-attesa').dataset.count === '1'")
        .await;
    let kept = browser
        .execute(
            "return localStorage.getItem('navigator.in-attesa');",
            vec![],
        )
        .await;
    browser.set_offline(false).await;
    browser
        .wait_until("document.getElementById('in-attesa').dataset.count === '0'")
        .await;
    browser
        .wait_until("document.body.dataset.sync === 'idle'")
        .await;
    let logs = logs_of(&app, &token).await;
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["day"], "2019-08-21");
    // An answer lost on the way: the device sends the same entry again,
    // after a reload; the service keeps one log.
    browser
        .execute(
            "localStorage.setItem('navigator.in-attesa', arguments[0]);",
            vec![kept],
        )
        .await;
    browser.goto("/app/ore").await;
    browser
        .wait_until("document.getElementById('in-attesa').dataset.count === '0'")
        .await;
    browser
        .wait_until("document.body.dataset.sync === 'idle'")
        .await;
    browser.goto("/app/ore").await;
    assert_eq!(logs_of(&app, &token).await.len(), 1);
    assert_eq!(
        browser.find_all("#registrazioni tbody tr").await.len(),
        1,
        "the list shows the one log"
    );
    browser.goto("/app/").await;
    assert!(browser
        .text("#barra-on_the_job")
        .await
        .contains("in attesa di convalida"));

    // The kit, acknowledged from the app.
    browser.goto("/app/kit").await;
    browser.assert_accessible("/app/kit").await;
    browser.click_and_wait("#conferma-ricezione").await;
    assert!(browser
        .text("#esito")
        .await
        .contains("Ricezione confermata"));
    let kit: Value = app.my_kit(&token).await.json().await.unwrap();
    assert!(kit["acknowledged_at"].is_string(), "{kit}");

    // The seat, and the app in English by the switch.
    browser.goto("/app/sede").await;
    assert!(browser.text("#sede-attuale").await.contains("RM-EUR"));
    browser.assert_accessible("/app/sede").await;
    browser.click_and_wait("a.language-switch").await;
    assert!(browser.text("h1").await.contains("My"), "English headings");
    browser.assert_accessible("/app/sede (en)").await;
    for (path, words) in [
        ("/app/", "hours of 200"),
        ("/app/ore", "On-the-job hours"),
        ("/app/kit", "My equipment"),
        ("/app/contratto", "Resignation"),
    ] {
        browser.goto(path).await;
        assert!(browser.text("main").await.contains(words), "{path}");
        browser.assert_accessible(&format!("{path} (en)")).await;
    }
    browser.goto("/app/contratto?lang=it").await;

    // Resigning takes two steps; the first changes nothing.
    browser.assert_accessible("/app/contratto").await;
    pick_date(&browser, "#effective_on", "2019-09-30").await;
    browser.submit("#modulo-dimissioni").await;
    assert!(browser.text("#data-effetto").await.contains("30/09/2019"));
    browser
        .assert_accessible("/app/dimissioni (conferma)")
        .await;
    let contract: Value = app.my_contract(&token).await.json().await.unwrap();
    assert!(contract["scheduled_end"].is_null(), "{contract}");
    browser.click_and_wait("#conferma").await;
    assert!(browser.text("main").await.contains("Dimissioni registrate"));
    browser
        .assert_accessible("/app/dimissioni (registrate)")
        .await;
    let contract: Value = app.my_contract(&token).await.json().await.unwrap();
    assert_eq!(contract["scheduled_end"]["cause"], "resigned", "{contract}");

    // Signing out ends the session and empties the pages kept offline.
    browser.goto("/app/").await;
    browser.click_and_wait("#esci").await;
    assert!(browser.current_url().await.contains("/app/accedi"));
    browser.goto("/app/ore").await;
    assert!(browser.current_url().await.contains("/app/accedi"));
    browser.close().await;
}
both_engines!(
    a_navigator_starts_on_the_tablet_from_the_activation_mail,
    |s: &mut api::config::Settings| {
        browser_and_mail_files(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 9, 2);
    }
);

/// Every screen of the app fits a 10-inch tablet held either way and a
/// phone: nothing wider than the screen, the sections' tabs and the hours
/// form's button reachable. With `NAVIGATOR_SCREENSHOTS` set, a screenshot
/// of each is left there.
async fn the_app_fits_tablets_either_way_and_phones(app: TestApp) {
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let r = app
        .assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.equip(&p.hr, &p.navigator(0), 1).await;
    let email = p.email(0);
    app.activate_and_login(&email).await;
    let screens = [
        "/app/",
        "/app/ore",
        "/app/sede",
        "/app/kit",
        "/app/contratto",
    ];
    for viewport in [
        Viewport::TABLET_LANDSCAPE,
        Viewport::PHONE,
        Viewport::TABLET_PORTRAIT,
    ] {
        let Some(browser) = Browser::open(&app, viewport, Lang::It).await else {
            return;
        };
        browser.goto("/app/accedi").await;
        browser.fill("#email", &email).await;
        browser.fill("#password", PASSWORD).await;
        browser.submit("#modulo-accesso").await;
        for screen in screens {
            browser.goto(screen).await;
            let overflow = browser
                .execute(
                    "return document.documentElement.scrollWidth - window.innerWidth;",
                    vec![],
                )
                .await;
            assert!(
                overflow.as_i64().is_some_and(|o| o <= 0),
                "{screen} at {}×{} is {overflow} px wider than the screen",
                viewport.width,
                viewport.height
            );
            for element in browser.find_all(".app-nav a").await {
                assert!(
                    element.is_displayed().await.unwrap_or(false),
                    "{screen}: a section's tab is hidden at {}",
                    viewport.width
                );
            }
            if let Some(dir) = std::env::var_os("NAVIGATOR_SCREENSHOTS") {
                let name = screen.trim_matches('/').replace('/', "-");
                browser
                    .screenshot(
                        std::path::Path::new(&dir)
                            .join(format!("{name}-{}x{}.png", viewport.width, viewport.height)),
                    )
                    .await;
            }
        }
        browser.close().await;
    }
}
both_engines!(
    the_app_fits_tablets_either_way_and_phones,
    |s: &mut api::config::Settings| {
        navigator_e2e::browser::plain_http(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 9, 2);
    }
);
