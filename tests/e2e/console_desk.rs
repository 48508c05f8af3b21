//! HR's scorrimento desk in the console, as a browser meets it over HTTP:
//! the seats per province, "call the next candidate" once per form however
//! often or however many at once it is pressed, the province's offers with
//! their actions and as CSV, and nothing of it for a coordinator.

use std::sync::Arc;

use navigator_e2e::*;
use reqwest::header::{ACCEPT, COOKIE};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::console::{csv_download, download_link, element, html, location, staff, Browser};

async fn json(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// An HR officer signed in to the console, and their API token.
async fn officer(app: &TestApp) -> (Browser, String) {
    let email = staff(app, "hr", &[]).await;
    let pair = app.login_ok(&email, PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    (Browser::signed_in(app, &email).await, token)
}

/// The offers of the selection in `province`, as the JSON API lists them.
async fn offers(app: &TestApp, hr: &str, id: &str, province: &str) -> Vec<Value> {
    let page = json(
        app.offers(
            hr,
            &format!("?selection={id}&province={province}&limit=500"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// The hidden key of the call form on `page` (the first one).
fn key_in(page: &str) -> String {
    let at = page
        .find("name=\"chiave\" value=\"")
        .unwrap_or_else(|| panic!("no call form in {page}"))
        + "name=\"chiave\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The desk's figures for a province: posts, filled, accepted and not
/// signed, pending, vacant.
async fn figures(b: &mut Browser, id: &str, sigla: &str) -> [String; 5] {
    let page = html(
        b.get(&format!("/console/scorrimento/{id}/{sigla}")).await,
        StatusCode::OK,
    )
    .await;
    ["posti", "coperti", "da-firmare", "in-attesa", "vacanti"].map(|f| element(&page, f))
}

async fn a_call_from_the_desk_makes_one_offer_per_form(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (id, list) = app
        .published_selection(&hr, &[("NA", 2), ("CE", 1)], 3)
        .await;

    // HR finds the desk from the home page and the navigation.
    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/scorrimento\""), "{home}");
    let text = html(b.get("/console/scorrimento").await, StatusCode::OK).await;
    assert!(
        text.contains(&format!("href=\"/console/scorrimento/{id}\"")),
        "{text}"
    );
    let desk = html(
        b.get(&format!("/console/scorrimento/{id}")).await,
        StatusCode::OK,
    )
    .await;
    for p in ["NA", "CE"] {
        assert!(desk.contains(&format!("id=\"chiama-{p}\"")), "{desk}");
    }
    assert_eq!(figures(&mut b, &id, "NA").await, ["2", "0", "0", "0", "2"]);

    // A call: one offer, mailed to the province's best candidate.
    let page = html(
        b.get(&format!("/console/scorrimento/{id}/NA")).await,
        StatusCode::OK,
    )
    .await;
    let key = key_in(&page);
    let call = format!("/console/scorrimento/{id}/NA/chiama");
    let r = b.post(&call, &[("chiave", &key)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = location(&r);
    assert!(
        after.starts_with(&format!("/console/scorrimento/{id}/NA?chiamata=")),
        "{after}"
    );
    let page = html(b.get(&after).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("Offerta fatta"), "{page}");
    let made = offers(&app, &hr, &id, "NA").await;
    assert_eq!(made.len(), 1);
    let no = made[0]["application_no"].as_str().unwrap();
    let called = list.iter().find(|a| a.application_no == no).unwrap();
    assert_eq!(called.province, "NA");
    let mail = app.wait_for_mail(&called.email).await;
    assert!(!token_in(&mail).is_empty());
    assert!(page.contains(no), "{page}");
    assert_eq!(figures(&mut b, &id, "NA").await, ["2", "0", "0", "1", "1"]);

    // The same form sent again: the same answer, no second offer.
    let r = b.post(&call, &[("chiave", &key)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("?gia=1"), "{}", location(&r));
    assert_eq!(offers(&app, &hr, &id, "NA").await.len(), 1);
    // The key of another form (another province) is not this one's.
    let r = b
        .post(
            &format!("/console/scorrimento/{id}/CE/chiama"),
            &[("chiave", &key)],
        )
        .await;
    html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(offers(&app, &hr, &id, "CE").await.is_empty());

    // Actions: a renuncia frees the seat at once.
    let first = made[0]["id"].as_str().unwrap().to_owned();
    let base = format!("/console/scorrimento/{id}/NA/offerte");
    let r = b.post(&format!("{base}/{first}/rinuncia"), &[]).await;
    assert_eq!(
        location(&r),
        format!("/console/scorrimento/{id}/NA?esito=rinuncia")
    );
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("vacante"), "{page}");
    assert_eq!(figures(&mut b, &id, "NA").await, ["2", "0", "0", "0", "2"]);
    // Twice is refused, in words.
    let r = b.post(&format!("{base}/{first}/rinuncia"), &[]).await;
    html(r, StatusCode::CONFLICT).await;

    // Two more calls; one accepted, one suspended then reinstated.
    for _ in 0..2 {
        let page = html(
            b.get(&format!("/console/scorrimento/{id}/NA")).await,
            StatusCode::OK,
        )
        .await;
        let r = b.post(&call, &[("chiave", &key_in(&page))]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let pending: Vec<String> = offers(&app, &hr, &id, "NA")
        .await
        .iter()
        .filter(|o| o["status"] == "pending")
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pending.len(), 2);
    let r = b.post(&format!("{base}/{}/accetta", pending[0]), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(figures(&mut b, &id, "NA").await, ["2", "0", "1", "1", "0"]);
    // A suspension needs its reason.
    let r = b
        .post(
            &format!("{base}/{}/sospendi", pending[1]),
            &[("motivo", "")],
        )
        .await;
    html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let r = b
        .post(
            &format!("{base}/{}/sospendi", pending[1]),
            &[("motivo", "verifica dei requisiti")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let all = offers(&app, &hr, &id, "NA").await;
    let suspended = all.iter().find(|o| o["id"] == pending[1].as_str()).unwrap();
    assert_eq!(suspended["status"], "withdrawn");
    assert_eq!(figures(&mut b, &id, "NA").await, ["2", "0", "1", "0", "1"]);
    let candidate = suspended["candidate_id"].as_str().unwrap();
    let c = json(
        app.get(&format!("/candidates/{candidate}"), Some(&hr))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["state"], "suspended");
    let r = b
        .post(
            &format!("{base}/{}/riammetti", pending[1]),
            &[("motivo", "requisiti verificati")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c = json(
        app.get(&format!("/candidates/{candidate}"), Some(&hr))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["state"], "waiting");
    // An offer of another province is not found through this one.
    let r = b
        .post(
            &format!("/console/scorrimento/{id}/CE/offerte/{first}/accetta"),
            &[],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;

    // A form without this browser's token changes nothing.
    let page = html(
        b.get(&format!("/console/scorrimento/{id}/NA")).await,
        StatusCode::OK,
    )
    .await;
    let key = key_in(&page);
    let r = b
        .send(
            &call,
            &[("csrf", "x".repeat(43).as_str()), ("chiave", key.as_str())],
        )
        .await;
    let text = html(r, StatusCode::FORBIDDEN).await;
    assert!(text.contains("Modulo scaduto"), "{text}");
    assert_eq!(offers(&app, &hr, &id, "NA").await.len(), 3);

    // A coordinator has no desk: no link, and not found at every address.
    let email = staff(&app, "coordinator", &["15"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    let home = html(c.get("/console/").await, StatusCode::OK).await;
    assert!(!home.contains("/console/scorrimento"), "{home}");
    for path in [
        "/console/scorrimento".to_owned(),
        format!("/console/scorrimento/{id}"),
        format!("/console/scorrimento/{id}/NA"),
    ] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    let r = c.post(&call, &[("chiave", "un-altro-modulo")]).await;
    html(r, StatusCode::NOT_FOUND).await;
    assert_eq!(offers(&app, &hr, &id, "NA").await.len(), 3);
}
both_engines!(a_call_from_the_desk_makes_one_offer_per_form);

/// Posts the call form `count` times at once, with the key `key(i)` each;
/// the answers' statuses and pages.
async fn at_once(
    b: &Browser,
    path: &str,
    count: usize,
    key: impl Fn(usize) -> String,
) -> Vec<(StatusCode, String)> {
    let start = Arc::new(tokio::sync::Barrier::new(count));
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let (client, start) = (b.client.clone(), start.clone());
            let url = format!("{}{path}", b.base);
            let cookies = b.cookie_header();
            let form = vec![("csrf".to_owned(), b.csrf()), ("chiave".to_owned(), key(i))];
            tokio::spawn(async move {
                start.wait().await;
                let r = client
                    .post(url)
                    .header(ACCEPT, "text/html")
                    .header(COOKIE, cookies)
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

/// Ten officers' presses at once on a province with one vacant seat make
/// one offer, the others are told there is no vacant seat; one form sent
/// five times at once makes one offer too.
async fn simultaneous_calls_from_the_desk_make_one_offer_per_seat(app: TestApp) {
    let (b, hr) = officer(&app).await;
    let (id, _) = app
        .published_selection(&hr, &[("NA", 1), ("CE", 2)], 3)
        .await;

    let answers = at_once(
        &b,
        &format!("/console/scorrimento/{id}/NA/chiama"),
        10,
        |i| format!("modulo-{i}"),
    )
    .await;
    let made = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(made, 1, "{answers:?}");
    for (status, page) in answers.iter().filter(|(s, _)| *s != StatusCode::SEE_OTHER) {
        assert_eq!(*status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("Nessun posto vacante"), "{page}");
    }
    assert_eq!(offers(&app, &hr, &id, "NA").await.len(), 1);

    // One form, pressed five times at once: one offer of CE's two seats.
    let answers = at_once(
        &b,
        &format!("/console/scorrimento/{id}/CE/chiama"),
        5,
        |_| "lo-stesso-modulo".to_owned(),
    )
    .await;
    for (status, page) in &answers {
        assert_eq!(*status, StatusCode::SEE_OTHER, "{page}");
    }
    assert_eq!(offers(&app, &hr, &id, "CE").await.len(), 1);
}
both_engines!(
    simultaneous_calls_from_the_desk_make_one_offer_per_seat,
    |s: &mut api::config::Settings| {
        s.database_pool_size = 16;
    }
);

/// Once the province's ranking is exhausted the desk says so; asked to, it
/// calls from the Region's reserves and shows the offer as such.
async fn a_call_from_the_regions_reserves_is_shown_as_such(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (id, list) = app
        .published_selection(&hr, &[("NA", 1), ("CE", 1)], 2)
        .await;
    let call = format!("/console/scorrimento/{id}/NA/chiama");
    let province = format!("/console/scorrimento/{id}/NA");
    // Both of NA's candidates decline.
    for _ in 0..2 {
        let page = html(b.get(&province).await, StatusCode::OK).await;
        let r = b.post(&call, &[("chiave", &key_in(&page))]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let pending = offers(&app, &hr, &id, "NA").await;
        let open = pending.iter().find(|o| o["status"] == "pending").unwrap();
        json(
            app.offer_action(&hr, open["id"].as_str().unwrap(), "decline")
                .await,
            StatusCode::OK,
        )
        .await;
    }
    let page = html(b.get(&province).await, StatusCode::OK).await;
    let r = b.post(&call, &[("chiave", &key_in(&page))]).await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(text.contains("Graduatoria esaurita"), "{text}");

    let page = html(b.get(&province).await, StatusCode::OK).await;
    let r = b
        .post(&call, &[("chiave", &key_in(&page)), ("riserve", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert!(
        element(&page, "esito").contains("riserve della Regione"),
        "{page}"
    );
    assert!(page.contains("Riserve della Regione"), "{page}");
    let made = offers(&app, &hr, &id, "NA").await;
    let reserve = made.iter().find(|o| o["status"] == "pending").unwrap();
    assert_eq!(reserve["fallback"], true);
    let no = reserve["application_no"].as_str().unwrap();
    assert_eq!(
        list.iter()
            .find(|a| a.application_no == no)
            .unwrap()
            .province,
        "CE"
    );
}
both_engines!(a_call_from_the_regions_reserves_is_shown_as_such);

/// A province's offers download as CSV from its page: every offer of the
/// province, newest first as listed, with its state and origin; nothing
/// of another province, and not found wherever the page is not found.
async fn a_provinces_offers_download_as_csv(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (id, _) = app
        .published_selection(&hr, &[("NA", 2), ("CE", 1)], 3)
        .await;
    let call = |sigla: &'static str| {
        let (app, hr, id) = (&app, &hr, &id);
        async move {
            let r = app.call(hr, id, sigla, &json!({})).await;
            json(r, StatusCode::CREATED).await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // Naples: the first declines, the second accepts, a third is waiting.
    let declined = call("NA").await;
    let accepted = call("NA").await;
    for (offer, action) in [(&declined, "decline"), (&accepted, "accept")] {
        json(app.offer_action(&hr, offer, action).await, StatusCode::OK).await;
    }
    let waiting = call("NA").await;
    let elsewhere = call("CE").await;

    let province = format!("/console/scorrimento/{id}/NA");
    let page = html(b.get(&province).await, StatusCode::OK).await;
    assert_eq!(download_link(&page), format!("{province}.csv"));
    let (header, rows) = csv_download(&mut b, &format!("{province}.csv"), "offerte-NA.csv").await;
    assert_eq!(
        header,
        [
            "offer_id",
            "candidatura",
            "stato",
            "chiamato il",
            "scadenza",
            "provenienza",
            "motivo"
        ]
    );
    let listed = offers(&app, &hr, &id, "NA").await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let expected = [
        (&waiting, "In attesa di risposta"),
        (&accepted, "Accettata"),
        (&declined, "Rinuncia"),
    ];
    for (row, (offer, status)) in rows.iter().zip(expected) {
        let o = listed.iter().find(|o| o["id"] == offer.as_str()).unwrap();
        assert_eq!(row[0], *offer);
        assert_eq!(row[1], o["application_no"].as_str().unwrap());
        assert_eq!(row[2], status);
        assert_eq!(row[5], "Graduatoria della provincia");
        // Each is a row of the page.
        assert!(page.contains(&format!("id=\"offerta-{offer}\"")), "{page}");
        assert!(!row[3].is_empty() && !row[4].is_empty(), "{row:?}");
    }
    // Newest first, as the page lists them.
    let at = |offer: &str| page.find(&format!("id=\"offerta-{offer}\"")).unwrap();
    assert!(at(&waiting) < at(&accepted) && at(&accepted) < at(&declined));
    assert!(!rows.iter().any(|r| r[0] == elsewhere), "{rows:?}");
    let (_, other) = csv_download(
        &mut b,
        &format!("/console/scorrimento/{id}/CE.csv"),
        "offerte-CE.csv",
    )
    .await;
    assert_eq!(other.len(), 1);
    assert_eq!(other[0][0], elsewhere);

    // A province without seats, or a selection nobody made: not found, as
    // their pages.
    for path in [
        format!("/console/scorrimento/{id}/RM"),
        "/console/scorrimento/01234567-89ab-7def-8123-456789abcdef/NA".to_owned(),
    ] {
        html(b.get(&path).await, StatusCode::NOT_FOUND).await;
        html(b.get(&format!("{path}.csv")).await, StatusCode::NOT_FOUND).await;
    }
    // A coordinator has neither the page nor its file.
    let email = staff(&app, "coordinator", &["15"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    for path in [province.clone(), format!("{province}.csv")] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
}
both_engines!(a_provinces_offers_download_as_csv);
