//! The back-office console in a real browser (headless Chromium): a
//! coordinator signs in, assigns a Navigator to a CPI and validates hours
//! in bulk; an edited address to another Region's Navigator gets the
//! not-found page. Every page on the way passes axe-core and asks nothing
//! of another origin. Skipped, with a note, where Chromium is not installed.

use navigator_e2e::browser::{Browser, Lang, Viewport};
use navigator_e2e::contracts::json_of;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

async fn a_coordinator_assigns_and_validates_in_the_browser(app: TestApp) {
    let p = app
        .programme(&[("RM", 2), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    for (i, day) in ["2019-12-16", "2019-12-17"].iter().enumerate() {
        json_of(
            app.log_hours(&token, &format!("b-{i}"), day, 5.0).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let admin = app.admin_token().await;
    let email = format!(
        "coordinator.{}@anpalservizi.it",
        uuid::Uuid::new_v4().simple()
    );
    json_of(
        app.create_user(
            &admin,
            &json!({ "email": email, "role": "coordinator", "regions": ["12"], "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (moved, naples) = (p.navigator(1), p.navigator(2));

    let Some(browser) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
        return;
    };
    browser.goto("/console/").await;
    assert!(browser.current_url().await.ends_with("/console/accedi"));
    browser.assert_accessible("sign-in").await;
    // Bootstrap scrolls smoothly: a button below the fold is brought into
    // view at once before it is pressed.
    browser.fill("#email", &email).await;
    browser.fill("#password", PASSWORD).await;
    browser.submit("#modulo-accesso").await;
    assert!(browser.current_url().await.ends_with("/console/"));
    assert!(browser
        .text("main")
        .await
        .contains("Coordinamento regionale"));
    browser.assert_accessible("home").await;

    // The Region's Navigators, then one of them, by keyboard-reachable links.
    browser.click_and_wait("a[href='/console/navigator']").await;
    browser.assert_accessible("navigators").await;
    browser
        .click_and_wait(&format!("a[href='/console/navigator/{moved}']"))
        .await;
    browser.assert_accessible("navigator").await;
    browser
        .execute(
            "document.querySelector('#cpi_code').value = 'RM-TIB'; \
             document.querySelector('#assegna').scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![],
        )
        .await;
    browser.submit("#modulo-sede").await;
    assert!(browser.text("#assegnato").await.contains("registrata"));
    assert!(browser.text("#cpi-oggi").await.contains("RM-TIB"));
    browser.assert_accessible("navigator assigned").await;

    // Hours in bulk.
    browser.click_and_wait("a[href='/console/ore']").await;
    browser.assert_accessible("hours").await;
    browser
        .execute(
            "document.querySelectorAll('input[name=ids]').forEach(c => c.checked = true); \
             document.querySelector('#convalida').scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![],
        )
        .await;
    browser.click_and_wait("#convalida").await;
    assert!(browser.text("#esito").await.contains('2'));
    assert!(browser
        .text("main")
        .await
        .contains("Nessuna registrazione in attesa"));
    browser.assert_accessible("hours validated").await;
    let mine = json_of(app.my_logs(&token).await, StatusCode::OK).await;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["status"] == "validated"));

    // Campania, by an edited address: the not-found page.
    browser.goto(&format!("/console/navigator/{naples}")).await;
    assert!(browser.text("h1").await.contains("Pagina non trovata"));
    browser.assert_accessible("not found").await;

    // Signing out everywhere ends the session.
    browser.goto("/console/").await;
    browser.click_and_wait("#esci-ovunque").await;
    assert!(browser
        .current_url()
        .await
        .contains("/console/accedi?ovunque=1"));
    browser.goto("/console/ore").await;
    assert!(browser.current_url().await.ends_with("/console/accedi"));
    browser.close().await;
}
both_engines!(
    a_coordinator_assigns_and_validates_in_the_browser,
    |s: &mut api::config::Settings| {
        navigator_e2e::browser::plain_http(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 12, 20);
    }
);

/// Signs `browser` in to the console as `email`.
pub(crate) async fn sign_in(browser: &Browser, email: &str) {
    browser.goto("/console/accedi").await;
    browser.fill("#email", email).await;
    browser.fill("#password", PASSWORD).await;
    browser.submit("#modulo-accesso").await;
    assert!(browser.current_url().await.ends_with("/console/"));
}

/// Two HR officers, each in their own browser, press "call the next
/// candidate" at once on a province with one vacant seat: one offer, and
/// the other officer is told there is no vacant seat. The desk's pages pass
/// axe-core.
async fn two_officers_calling_at_once_make_one_offer(app: TestApp) {
    let admin = app.admin_token().await;
    let mut emails = Vec::new();
    for _ in 0..2 {
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
        emails.push(email);
    }
    let pair = app.login_ok(&emails[0], PASSWORD).await;
    let hr = pair["access_token"].as_str().unwrap().to_owned();
    let (id, _) = app
        .published_selection(&hr, &[("NA", 1), ("CE", 1)], 2)
        .await;

    let Some(first) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
        return;
    };
    let Some(second) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
        return;
    };
    sign_in(&first, &emails[0]).await;
    sign_in(&second, &emails[1]).await;

    first.click_and_wait("a[href='/console/scorrimento']").await;
    first.assert_accessible("desk: selections").await;
    first
        .click_and_wait(&format!("a[href='/console/scorrimento/{id}']"))
        .await;
    first.assert_accessible("desk: seats").await;
    let province = format!("/console/scorrimento/{id}/NA");
    first.click_and_wait(&format!("a[href='{province}']")).await;
    first.assert_accessible("desk: province").await;
    second.goto(&province).await;
    assert_eq!(first.text("#vacanti").await, "1");
    assert_eq!(second.text("#vacanti").await, "1");

    for b in [&first, &second] {
        b.execute(
            "document.querySelector('#chiama').scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![],
        )
        .await;
    }
    tokio::join!(
        first.click_and_wait("#chiama"),
        second.click_and_wait("#chiama")
    );
    let mut made = 0;
    for b in [&first, &second] {
        let text = b.text("main").await;
        if text.contains("Offerta fatta") {
            made += 1;
            assert_eq!(b.text("#vacanti").await, "0");
            b.assert_accessible("desk: called").await;
        } else {
            assert!(text.contains("Nessun posto vacante"), "{text}");
            b.assert_accessible("desk: no vacant seat").await;
        }
    }
    assert_eq!(made, 1);
    let offers = json_of(
        app.offers(&hr, &format!("?selection={id}&province=NA"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(offers["items"].as_array().unwrap().len(), 1, "{offers}");
    first.close().await;
    second.close().await;
}
both_engines!(
    two_officers_calling_at_once_make_one_offer,
    navigator_e2e::browser::plain_http
);

/// The console's pages a role reaches by following its links from the
/// home page, one of each kind: entity pages (an id in the address) are
/// visited once per kind, downloads and sign-out are left.
async fn crawl(browser: &Browser, role: &str) -> Vec<String> {
    let kind = |path: &str| -> String {
        let path = path.split('?').next().unwrap_or_default();
        path.split('/')
            .map(|s| match s.len() >= 20 && s.contains('-') {
                true => ":id",
                false => s,
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut seen: Vec<String> = Vec::new();
    let mut queue = vec!["/console/".to_owned()];
    let mut visited = Vec::new();
    while let Some(path) = queue.pop() {
        let k = kind(&path);
        if seen.contains(&k) || visited.len() >= 60 {
            continue;
        }
        seen.push(k);
        browser.goto(&path).await;
        // A link the console shows leads somewhere.
        let title = browser.text("h1").await;
        assert!(
            !title.contains("Pagina non trovata"),
            "{role}: {path} is linked but not found"
        );
        browser.assert_accessible(&format!("{role}: {path}")).await;
        visited.push(path);
        let links = browser
            .execute(
                "return [...document.querySelectorAll('a[href^=\"/console/\"]')] \
                   .filter(a => !a.hasAttribute('download')) \
                   .map(a => a.getAttribute('href'));",
                vec![],
            )
            .await;
        for href in links.as_array().unwrap() {
            let href = href.as_str().unwrap().to_owned();
            let file = href.split('?').next().unwrap_or_default();
            if file.ends_with(".csv") || file.ends_with(".json") || file.contains("/esci") {
                continue;
            }
            if !seen.contains(&kind(&href)) {
                queue.insert(0, href);
            }
        }
    }
    visited
}

/// Every console page each staff role reaches, each of its kind once, over
/// a small programme: each link leads to a page, where axe-core finds
/// nothing serious or critical.
async fn every_console_page_passes_axe_core(app: TestApp) {
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
    // An answered question: its page and the FAQ form it leads to.
    app.questions_at(&["0190aaaa-0000-7000-8000-000000000001"], "answered");
    let admin = app.admin_token().await;
    let mut emails = Vec::new();
    for (role, regions) in [
        ("hr", json!([])),
        ("coordinator", json!(["12"])),
        ("trainer", json!([])),
        ("admin", json!([])),
        ("expert", json!([])),
    ] {
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
        emails.push((role, email));
    }
    for (role, email) in emails {
        let Some(browser) = Browser::open(&app, Viewport::TABLET_LANDSCAPE, Lang::It).await else {
            return;
        };
        sign_in(&browser, &email).await;
        let visited = crawl(&browser, role).await;
        let expected = match role {
            "hr" => 20,
            "coordinator" => 5,
            // Home, the queue, a question, the FAQ, a new entry's form.
            "expert" => 5,
            _ => 2,
        };
        assert!(visited.len() >= expected, "{role}: {visited:?}");
        eprintln!(
            "{role}: {} console pages passed axe-core: {visited:?}",
            visited.len()
        );
        browser.close().await;
    }
}
both_engines!(
    every_console_page_passes_axe_core,
    |s: &mut api::config::Settings| {
        navigator_e2e::browser::plain_http(s);
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 12, 20);
    }
);
