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
fn browser_and_mail_files(s: &mut api::config::Settings) {
    navigator_e2e::browser::plain_http(s);
    s.mail_transport = api::config::MailTransport::File;
    s.mail_dir =
        std::env::temp_dir().join(format!("navigator-mail-{}", uuid::Uuid::new_v4().simple()));
}

/// The path and query of the link to `page` in the newest mail to `to` in
/// the file transport's folder, the body decoded from its transfer encoding
/// as a mail client would. Waits up to 10 s for the mail.
async fn mailed_link(app: &TestApp, to: &str, page: &str) -> String {
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

/// The page shown passes axe-core (no serious or critical violation) and
/// took nothing from another origin.
async fn accessible(browser: &Browser, page: &str) {
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
    let elsewhere = browser.requests_elsewhere().await;
    assert!(
        elsewhere.is_empty(),
        "{page} asked another origin for {elsewhere:?}"
    );
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
    accessible(&browser, "/offerta").await;
    browser.click_and_wait("#accetta").await;
    assert!(browser
        .text("main")
        .await
        .contains("Hai accettato la proposta"));
    accessible(&browser, "/offerta (accettata)").await;
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
    accessible(&browser, "/offerta (usata)").await;

    // The second reads it in English and declines, saying why.
    browser.goto(&format!("{declining}&lang=en")).await;
    assert!(browser
        .text("#rinuncia")
        .await
        .contains("I decline the offer"));
    accessible(&browser, "/offerta (en)").await;
    browser.fill("#reason", "I took another job").await;
    browser.click_and_wait("#rinuncia").await;
    assert!(browser
        .text("main")
        .await
        .contains("You declined the offer"));
    accessible(&browser, "/offerta (declined)").await;
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
    accessible(&browser, "/offerta (unknown)").await;
    browser.close().await;
}
both_engines!(
    candidates_answer_from_the_links_in_their_mail,
    browser_and_mail_files
);
