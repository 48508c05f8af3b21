//! The indicators dashboard in the console: the figures of any day equal
//! the JSON API's, by Region and by province; the chart is drawn on the
//! server; every download is the API's own document; a coordinator sees
//! their Region only, and another Region not even by its address.

use chrono::NaiveDate;
use navigator_e2e::*;
use reqwest::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::console::{element, html, staff, Browser};

fn in_september_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
}

/// The API's answer to `path` as text, with `accept`.
async fn api_text(app: &TestApp, token: &str, path: &str, accept: &str) -> String {
    let r = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .bearer_auth(token)
        .header(ACCEPT, accept)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

/// A download's body, after checking it is a file of `ty`.
async fn file(r: Response, ty: &str) -> String {
    assert_eq!(r.status(), StatusCode::OK);
    let got = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    assert!(got.starts_with(ty), "{got}");
    let disposition = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    r.text().await.unwrap()
}

async fn hr_sees_the_figures_of_any_day_with_their_chart_and_files(app: TestApp) {
    let p = app
        .programme(&[("RM", 2), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    let email = staff(&app, "hr", &[]).await;
    let mut b = Browser::signed_in(&app, &email).await;

    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/indicatori\""), "{home}");

    // Today (2 September 2019): three contracts signed on 15 July.
    let page = html(b.get("/console/indicatori").await, StatusCode::OK).await;
    let api: Value = serde_json::from_str(
        &api_text(
            &app,
            &p.hr,
            "/reports/indicators?as_of=2019-09-02&group_by=region",
            "application/json",
        )
        .await,
    )
    .unwrap();
    assert_eq!(api["total"]["contracted"], 3);
    assert_eq!(element(&page, "evidenza-contracted"), "3");
    assert_eq!(element(&page, "evidenza-active"), "3");
    assert_eq!(
        element(&page, "evidenza-seats_vacant"),
        api["total"]["seats_vacant"].to_string()
    );
    assert!(page.contains("value=\"2019-09-02\""), "{page}");
    // By Region, in names: Lazio and Campania.
    let areas = element(&page, "aree");
    assert!(
        page.contains(">Lazio<") && page.contains(">Campania<"),
        "{areas}"
    );
    // The chart, as an image with a name, and its figures as a table.
    assert!(
        page.contains("<svg") && page.contains("role=\"img\""),
        "{page}"
    );
    assert!(page.contains("Navigator attivi e con il percorso formativo completato"));

    // Before the contracts were signed, nobody.
    let before = html(
        b.get("/console/indicatori?data=2019-07-01&dal=2019-06-01&per=provincia")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(element(&before, "evidenza-contracted"), "0");
    assert!(
        before.contains(">RM<") && before.contains(">NA<"),
        "{before}"
    );

    // The files are the API's own documents for the same choice.
    let csv = file(
        b.get("/console/indicatori.csv?data=2019-09-02&per=regione")
            .await,
        "text/csv",
    )
    .await;
    let api_csv = api_text(
        &app,
        &p.hr,
        "/reports/indicators?as_of=2019-09-02&group_by=region",
        "text/csv",
    )
    .await;
    assert_eq!(csv, api_csv);
    let json = file(
        b.get("/console/indicatori.json?data=2019-09-02&per=regione")
            .await,
        "application/json",
    )
    .await;
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["total"], api["total"]);
    assert_eq!(json["rows"], api["rows"]);
    let series = file(
        b.get("/console/indicatori/serie.csv?data=2019-09-02&dal=2019-07-01")
            .await,
        "text/csv",
    )
    .await;
    let api_series = api_text(
        &app,
        &p.hr,
        "/reports/indicators/series?from=2019-07-01&to=2019-09-02&step=week",
        "text/csv",
    )
    .await;
    assert_eq!(series, api_series);
    let series_json: Value = serde_json::from_str(
        &file(
            b.get("/console/indicatori/serie.json?data=2019-09-02&dal=2019-07-01")
                .await,
            "application/json",
        )
        .await,
    )
    .unwrap();
    let points = series_json["points"].as_array().unwrap();
    assert_eq!(points.first().unwrap()["active"], 0);
    assert_eq!(points.last().unwrap()["active"], 3);

    // A malformed date is said next to its field, never a 500.
    let wrong = html(
        b.get("/console/indicatori?data=2-9-2019").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(wrong.contains("id=\"data-errore\""), "{wrong}");
    // A period too long for the chart leaves the figures and says why.
    let long = html(
        b.get("/console/indicatori?data=2019-09-02&dal=1990-01-01")
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(long.contains("id=\"dal-errore\""), "{long}");
    assert_eq!(element(&long, "evidenza-contracted"), "3");
}

both_engines!(
    hr_sees_the_figures_of_any_day_with_their_chart_and_files,
    in_september_2019
);

async fn a_coordinator_sees_their_region_only(app: TestApp) {
    app.programme(&[("RM", 2), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut b = Browser::signed_in(&app, &email).await;

    let page = html(b.get("/console/indicatori").await, StatusCode::OK).await;
    // Lazio's two, by province, with no Region to choose.
    assert_eq!(element(&page, "evidenza-contracted"), "2");
    assert!(page.contains(">RM<"), "{page}");
    assert!(!page.contains(">NA<"), "{page}");
    assert!(!page.contains("id=\"regione\""), "{page}");
    assert!(!page.contains("Campania"), "{page}");
    let csv = file(b.get("/console/indicatori.csv").await, "text/csv").await;
    assert!(!csv.contains("NA,"), "{csv}");
    assert!(csv.contains("RM,"), "{csv}");

    // Campania by its address: not found, for the page and every file.
    for path in [
        "/console/indicatori?regione=15",
        "/console/indicatori.csv?regione=15",
        "/console/indicatori.json?regione=15",
        "/console/indicatori/serie.csv?regione=15",
        "/console/indicatori/serie.json?regione=15",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("Campania"), "{path}: {text}");
    }

    // A trainer finds no dashboard.
    let trainer = staff(&app, "trainer", &[]).await;
    let mut t = Browser::signed_in(&app, &trainer).await;
    assert_eq!(
        t.get("/console/indicatori").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/console/indicatori.csv").await.status(),
        StatusCode::NOT_FOUND
    );
}

both_engines!(a_coordinator_sees_their_region_only, in_september_2019);
