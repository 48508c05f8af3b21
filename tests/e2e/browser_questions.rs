//! Question RdC in a real browser (headless Chromium): a Navigator types a
//! question on the tablet and sees the FAQ entry that already answers a
//! part of it before sending; an expert answers in the console; the
//! Navigator reads the answer; without network the FAQ page still shows
//! the copy kept on the device. Every page on the way passes axe-core.

use navigator_e2e::browser::{Browser, Lang, Viewport};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::browser_console::sign_in;
use crate::console::staff;

async fn a_question_from_the_tablet_answered_in_the_console(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let email = p.email(0);
    app.activate_and_login(&email).await;
    // A FAQ entry already published, from an answered question.
    app.questions_at(&["0190aaaa-0000-7000-8000-0000000000d1"], "answered");
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/faqs",
            Some(&admin),
            &json!({
                "title": "Disponibilità al lavoro e DID",
                "answer": "La dichiarazione di immediata disponibilità si rende al CPI o sul portale ANPAL.",
                "topic": "conditionality",
                "questions": ["0190aaaa-0000-7000-8000-0000000000d1"],
            }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let expert = staff(&app, "expert", &[]).await;

    let Some(mut tablet) = Browser::open(&app, Viewport::TABLET_PORTRAIT, Lang::It).await else {
        return;
    };
    tablet.goto("/app/accedi").await;
    tablet.fill("#email", &email).await;
    tablet.fill("#password", PASSWORD).await;
    tablet.submit("#modulo-accesso").await;
    assert!(tablet.current_url().await.ends_with("/app/"));

    // Typing shows the matching FAQ entry before anything is sent.
    tablet.goto("/app/domande").await;
    tablet.assert_accessible("/app/domande").await;
    tablet
        .execute(
            "document.getElementById('argomento').value = 'conditionality';",
            vec![],
        )
        .await;
    tablet
        .fill(
            "#testo",
            "Il beneficiario deve rendere la disponibilità al lavoro prima del Patto?",
        )
        .await;
    tablet
        .wait_until("document.getElementById('faq-suggerite').dataset.count === '1'")
        .await;
    assert!(tablet
        .text("#faq-suggerite")
        .await
        .contains("Disponibilità al lavoro e DID"));
    tablet
        .assert_accessible("/app/domande (FAQ suggerite)")
        .await;
    tablet.submit("#modulo-domanda").await;
    let url = tablet.current_url().await;
    assert!(
        url.contains("/app/domande/") && url.ends_with("?inviata=1"),
        "{url}"
    );
    let id = url
        .split("/app/domande/")
        .nth(1)
        .unwrap()
        .trim_end_matches("?inviata=1")
        .to_owned();
    assert!(tablet
        .text("#nessuna-risposta")
        .await
        .contains("nessuna risposta"));
    tablet.assert_accessible("/app/domande/:id").await;

    // The expert finds it in the queue, takes it and answers it.
    let Some(console) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
        return;
    };
    sign_in(&console, &expert).await;
    console.goto("/console/domande?presa=nessuno").await;
    console.assert_accessible("/console/domande").await;
    console
        .click_and_wait(&format!("tr[data-id='{id}'] a"))
        .await;
    console.assert_accessible("/console/domande/:id").await;
    console.submit("#modulo-prendi").await;
    assert!(console.text("#esito").await.contains("Hai preso"));
    let answer =
        "Sì: la DID si rende prima della firma del Patto per il lavoro, al CPI o sul portale.";
    console.fill("#risposta", answer).await;
    console
        .execute(
            "document.getElementById('rispondi').scrollIntoView({ block: 'center', behavior: 'instant' });",
            vec![],
        )
        .await;
    console.submit("#modulo-rispondi").await;
    assert_eq!(console.text("#stato").await, "Con risposta");
    console
        .assert_accessible("/console/domande/:id (con risposta)")
        .await;
    console.goto("/console/faq").await;
    console.assert_accessible("/console/faq").await;
    console
        .goto(&format!("/console/faq/nuova?domande={id}"))
        .await;
    console.assert_accessible("/console/faq/nuova").await;
    console.close().await;

    // The Navigator reads the answer, news once.
    tablet.goto("/app/domande").await;
    assert!(tablet
        .text("#mie-domande")
        .await
        .contains("Novità da leggere"));
    tablet.goto(&format!("/app/domande/{id}")).await;
    assert!(tablet.text("#storia").await.contains(answer));
    assert!(tablet.text("#novita").await.contains("Novità"));
    tablet.goto("/app/domande").await;
    assert!(!tablet
        .text("#mie-domande")
        .await
        .contains("Novità da leggere"));

    // The FAQ page keeps its copy on the device; without network, shown.
    tablet.goto("/app/faq").await;
    tablet.assert_accessible("/app/faq").await;
    tablet
        .wait_until("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
        .await;
    tablet
        .wait_until("document.body.dataset.faq === 'kept'")
        .await;
    tablet.set_offline(true).await;
    tablet.goto("/app/faq").await;
    tablet
        .wait_until("!document.getElementById('faq-copia').hidden")
        .await;
    assert!(tablet
        .text("#faq-copia")
        .await
        .contains("Disponibilità al lavoro e DID"));
    tablet.assert_accessible("/app/faq (senza rete)").await;
    tablet.set_offline(false).await;
    tablet.close().await;
}
both_engines!(
    a_question_from_the_tablet_answered_in_the_console,
    |s: &mut api::config::Settings| {
        navigator_e2e::browser::plain_http(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20);
    }
);
