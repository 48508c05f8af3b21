//! HR runs a small selection end to end in a real browser (headless
//! Chromium): creates it, sets its posts, imports the applications,
//! computes the admission, imports the results and publishes the rankings;
//! reads the ranking with who decided each position; calls the next
//! candidate from the scorrimento desk; the candidate accepts from the
//! link in their mail; HR drafts and signs the contract after seeing its
//! effects; and the indicators dashboard counts the new contract. Every
//! page on the way passes axe-core.

use navigator_e2e::browser::{Browser, Lang, Viewport};
use navigator_e2e::contracts::json_of;
use navigator_e2e::selection::{applicants, applications_csv, results_csv};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser_console::sign_in;
use crate::browser_journeys::{browser_and_mail_files, mailed_link, pick_date};

/// A file for the browser to pick, in a folder of its own.
fn file_with(name: &str, text: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("navigator-files-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Brings `css` into view at once (Bootstrap scrolls smoothly) and clicks
/// it, waiting for the page it leads to.
async fn press(browser: &Browser, css: &str) {
    browser
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![json!(css)],
        )
        .await;
    browser.click_and_wait(css).await;
}

async fn hr_runs_a_selection_to_a_signed_contract_in_the_browser(app: TestApp) {
    let admin = app.admin_token().await;
    let email = format!("hr.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    json_of(
        app.create_user(
            &admin,
            &json!({ "email": email, "role": "hr", "regions": [], "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Three candidates in Naples for its one post; the best scores first.
    let list = applicants(3, &["NA"], 17, "E");
    let results: Vec<(&str, i64, i64)> = list
        .iter()
        .enumerate()
        .map(|(i, a)| (a.application_no.as_str(), 90 - 10 * i as i64, 0))
        .collect();
    let applications = file_with("domande.csv", &applications_csv(&list));
    let scores = file_with("risultati.csv", &results_csv(&results));

    let Some(browser) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
        return;
    };
    sign_in(&browser, &email).await;

    // The selection, created from the list's form.
    press(&browser, "a[href='/console/selezioni']").await;
    browser.assert_accessible("selections").await;
    let code = format!("AVV-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    browser.fill("#code", &code).await;
    browser.fill("#title", "Avviso pubblico Navigator").await;
    pick_date(&browser, "#published_on", "2019-04-18").await;
    press(&browser, "#crea").await;
    let url = browser.current_url().await;
    let id = url
        .split("/console/selezioni/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("not on the selection's page: {url}"))
        .to_owned();
    assert!(browser
        .text("#titolo")
        .await
        .contains("Avviso pubblico Navigator"));
    browser.assert_accessible("selection").await;

    // One post in Naples, then the steps in order.
    browser.fill("#provincia-1", "NA").await;
    browser.fill("#posti-1", "1").await;
    press(&browser, "#salva-posti").await;
    browser.assert_accessible("posts saved").await;
    browser.choose_file("#file-domande", &applications).await;
    press(&browser, "#importa-domande").await;
    assert!(
        browser.text("#esito").await.contains('3'),
        "{}",
        browser.text("main").await
    );
    browser.assert_accessible("applications imported").await;
    press(&browser, "#calcola-ammissione").await;
    browser.assert_accessible("admission").await;
    browser.choose_file("#file-risultati", &scores).await;
    press(&browser, "#importa-risultati").await;
    browser.assert_accessible("results imported").await;
    pick_date(&browser, "#published_on", "2019-06-24").await;
    press(&browser, "#pubblica").await;
    browser.assert_accessible("rankings published").await;

    // Naples' ranking: the winner first, and why each position beats the next.
    press(
        &browser,
        &format!("a[href='/console/selezioni/{id}/graduatorie/NA']"),
    )
    .await;
    let ranking = browser.text("main").await;
    assert!(ranking.contains(&list[0].last_name), "{ranking}");
    assert!(ranking.to_lowercase().contains("punteggio"), "{ranking}");
    browser.assert_accessible("ranking").await;

    // The scorrimento desk calls the winner.
    browser.goto(&format!("/console/scorrimento/{id}/NA")).await;
    assert_eq!(browser.text("#vacanti").await, "1");
    press(&browser, "#chiama").await;
    assert!(browser.text("main").await.contains("Offerta fatta"));
    browser.assert_accessible("called").await;

    // The candidate accepts from the link in the mail.
    let link = mailed_link(&app, &list[0].email, "offerta").await;
    browser.goto(&link).await;
    press(&browser, "#accetta").await;
    assert!(browser
        .text("main")
        .await
        .contains("Hai accettato la proposta"));

    // HR drafts the contract from the accepted offer, then signs it after
    // reading its effects.
    browser.goto("/console/contratti").await;
    browser.assert_accessible("contracts").await;
    browser.goto("/console/contratti/da-redigere").await;
    browser.assert_accessible("to draft").await;
    browser
        .execute(
            "document.querySelector('input[id^=verificati-]').checked = true;",
            vec![],
        )
        .await;
    press(&browser, "button[id^=redigi-]").await;
    assert!(browser.current_url().await.contains("esito=bozza"));
    browser.assert_accessible("draft").await;
    press(&browser, "#azione-firma").await;
    browser.assert_accessible("signature").await;
    press(&browser, "#mostra-effetti").await;
    let effects = browser.text("#effetti").await;
    assert!(!effects.is_empty());
    browser.assert_accessible("signature's effects").await;
    press(&browser, "#conferma").await;
    assert!(!browser.text("#esito").await.is_empty());
    browser.assert_accessible("signed").await;

    // The contract is the JSON API's too, and the dashboard counts it.
    let token = app.login_ok(&email, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let contracts: Value = json_of(
        app.get("/contracts?status=active", Some(&token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        contracts["items"].as_array().unwrap().len(),
        1,
        "{contracts}"
    );
    press(&browser, "a[href='/console/indicatori']").await;
    assert_eq!(browser.text("#evidenza-contracted").await, "1");
    assert_eq!(browser.text("#evidenza-active").await, "1");
    browser.assert_accessible("indicators").await;
    browser.close().await;
}
both_engines!(
    hr_runs_a_selection_to_a_signed_contract_in_the_browser,
    |s: &mut api::config::Settings| {
        browser_and_mail_files(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 15);
    }
);
