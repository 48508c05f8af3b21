//! The indicators over time end to end: a small programme with Navigators
//! hired on known days, one resigned, one through the whole path; each
//! point against the indicators of its day, by Region, CSV against JSON,
//! the coordinator's scope and bad queries.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
    s.resignation_notice_days = 0;
}

async fn series(app: &TestApp, token: &str, query: &str) -> Value {
    json_of(
        app.get(&format!("/reports/indicators/series{query}"), Some(token))
            .await,
        StatusCode::OK,
    )
    .await
}

/// `(as_of, contracted, active, path_completed)` of each point.
fn figures(v: &Value) -> Vec<(String, i64, i64, i64)> {
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["as_of"].as_str().unwrap().to_owned(),
                p["contracted"].as_i64().unwrap(),
                p["active"].as_i64().unwrap(),
                p["path_completed"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Rome: A signed on 15 July, through the whole path on 27 August; B
/// signed on 5 August. Naples: C signed on 15 July, resigned from 30
/// August.
struct Programme {
    hr: String,
    coordinator: String,
}

async fn programme(app: &TestApp) -> Programme {
    let p = app.programme(&[("RM", 3), ("NA", 1)], &["RM", "NA"]).await;
    let hr = p.hr.clone();
    let a = p.navigator(0);
    app.signed(
        &hr,
        &p.selection,
        "RM",
        &json!({ "signed_on": "2019-08-05", "start_date": "2019-08-06" }),
    )
    .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-17").await,
        StatusCode::CREATED,
    )
    .await;

    // Classroom: five sessions of 8 hours, 20-24 July.
    for k in 0..5u64 {
        let day =
            (NaiveDate::from_ymd_opt(2019, 7, 20).unwrap() + chrono::Days::new(k)).to_string();
        let session = app.session_on(&hr, &day, 8.0).await;
        let r = app
            .record_attendance(&hr, &session, &json!([{ "navigator_id": a, "hours": 8 }]))
            .await;
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    // Distance: the eight modules, the last passed on 27 August.
    let cf = navigator_e2e::contracts::applicant_of(&p.applicants, &p.contracts[0])
        .codice_fiscale
        .clone();
    let rows: Vec<Value> = (1..=8)
        .map(|m| json!({ "codice_fiscale": cf, "module_code": format!("FAD-{m:02}"), "completed_on": format!("2019-08-{:02}", 19 + m), "test_passed": true }))
        .collect();
    let r = app.distance_completions(&hr, &Value::Array(rows)).await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    // On the job: 15 validated days of 8 hours, full on 15 August.
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let mut ids = Vec::new();
    for i in 0..15u64 {
        let day = (NaiveDate::from_ymd_opt(2019, 8, 1).unwrap() + chrono::Days::new(i)).to_string();
        let log = json_of(
            app.log_hours(&token, &format!("w-{i}"), &day, 8.0).await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(id_of(&log));
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    json_of(app.validate_logs(&coordinator, &refs).await, StatusCode::OK).await;

    // C resigns with effect from 30 August.
    json_of(
        app.register_resignation(
            &hr,
            p.contracts[1]["id"].as_str().unwrap(),
            "2019-08-20",
            "2019-08-30",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    Programme { hr, coordinator }
}

fn row(day: &str, contracted: i64, active: i64, path: i64) -> (String, i64, i64, i64) {
    (day.to_owned(), contracted, active, path)
}

/// Each point is what the indicators say on its day.
async fn a_series_counts_each_day_as_the_indicators_do(app: TestApp) {
    let p = programme(&app).await;
    let hr = &p.hr;

    let weekly = series(&app, hr, "?from=2019-07-14&to=2019-09-02&step=week").await;
    assert_eq!(
        (&weekly["from"], &weekly["to"], &weekly["step"]),
        (&json!("2019-07-14"), &json!("2019-09-02"), &json!("week"))
    );
    assert_eq!(
        figures(&weekly),
        vec![
            row("2019-07-14", 0, 0, 0),
            row("2019-07-21", 2, 2, 0),
            row("2019-07-28", 2, 2, 0),
            row("2019-08-04", 2, 2, 0),
            row("2019-08-11", 3, 3, 0),
            row("2019-08-18", 3, 3, 0),
            row("2019-08-25", 3, 3, 0),
            row("2019-09-01", 3, 2, 1),
            // The last day, though the steps do not land on it.
            row("2019-09-02", 3, 2, 1),
        ]
    );
    // Every point against the indicators of its day.
    for (day, contracted, active, path) in figures(&weekly) {
        let t = json_of(
            app.get(&format!("/reports/indicators?as_of={day}"), Some(hr))
                .await,
            StatusCode::OK,
        )
        .await["total"]
            .clone();
        assert_eq!(
            (t["contracted"].as_i64(), t["active"].as_i64()),
            (Some(contracted), Some(active)),
            "{day}"
        );
        assert_eq!(t["path_completed"].as_i64(), Some(path), "{day}");
    }

    // Day by day around the boundaries: B signed on 5 August, started on
    // the 6th; the path completed on 27 August; C's last day the 29th.
    let daily = series(&app, hr, "?from=2019-08-04&to=2019-08-06&step=day").await;
    assert_eq!(
        figures(&daily),
        vec![
            row("2019-08-04", 2, 2, 0),
            row("2019-08-05", 3, 2, 0),
            row("2019-08-06", 3, 3, 0),
        ]
    );
    let daily = series(&app, hr, "?from=2019-08-26&to=2019-08-30&step=day").await;
    assert_eq!(
        figures(&daily),
        vec![
            row("2019-08-26", 3, 3, 0),
            row("2019-08-27", 3, 3, 1),
            row("2019-08-28", 3, 3, 1),
            row("2019-08-29", 3, 3, 1),
            row("2019-08-30", 3, 2, 1),
        ]
    );
    let monthly = series(&app, hr, "?from=2019-06-30&to=2019-09-02&step=month").await;
    assert_eq!(
        figures(&monthly)
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        ["2019-06-30", "2019-07-30", "2019-08-30", "2019-09-02"]
    );

    // By Region and by province.
    let campania = series(
        &app,
        hr,
        "?from=2019-07-21&to=2019-09-01&step=month&region=15",
    )
    .await;
    assert_eq!(campania["region"], "15");
    assert_eq!(
        figures(&campania),
        vec![
            row("2019-07-21", 1, 1, 0),
            row("2019-08-21", 1, 1, 0),
            row("2019-09-01", 1, 0, 0)
        ]
    );
    let rome = series(&app, hr, "?from=2019-09-01&to=2019-09-01&province=rm").await;
    assert_eq!(rome["province"], "RM");
    assert_eq!(figures(&rome), vec![row("2019-09-01", 2, 2, 1)]);

    // Without dates: the year up to today, a point a week.
    let year = series(&app, hr, "").await;
    assert_eq!(
        (&year["from"], &year["to"], &year["step"]),
        (&json!("2018-09-02"), &json!("2019-09-02"), &json!("week"))
    );
    let points = figures(&year);
    assert_eq!(points.len(), 54, "53 weeks and today");
    assert_eq!(points.last(), Some(&row("2019-09-02", 3, 2, 1)));
}
both_engines!(
    a_series_counts_each_day_as_the_indicators_do,
    on_a_working_day
);

/// The CSV has the JSON's numbers; coordinators see their own Region only;
/// a bad query names its parameter.
async fn a_series_as_csv_in_scope_and_checked(app: TestApp) {
    let p = programme(&app).await;
    let hr = &p.hr;
    let query = "?from=2019-07-14&to=2019-09-02&step=week";
    let json = series(&app, hr, query).await;
    let r = app
        .client
        .get(app.api(&format!("/reports/indicators/series{query}")))
        .bearer_auth(hr)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("indicatori-2019-07-14-2019-09-02.csv"));
    let text = r.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("as_of,contracted,active,path_completed"));
    let csv: Vec<(String, i64, i64, i64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_owned(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(csv, figures(&json));

    // Lazio's coordinator: Rome only, whatever they ask.
    let own = series(&app, &p.coordinator, query).await;
    assert_eq!(
        figures(&own).last(),
        Some(&row("2019-09-02", 2, 2, 1)),
        "Lazio only"
    );
    let b = problem(
        app.get("/reports/indicators/series?region=15", Some(&p.coordinator))
            .await,
        403,
    )
    .await;
    assert_eq!(b["type"], "out-of-scope");
    problem(
        app.get(
            "/reports/indicators/series?province=NA",
            Some(&p.coordinator),
        )
        .await,
        403,
    )
    .await;
    let trainer = app.user_with_role("trainer", &[]).await;
    problem(
        app.get("/reports/indicators/series", Some(&trainer)).await,
        403,
    )
    .await;

    for (query, field) in [
        ("?from=2019-02-30", "from"),
        ("?to=2019-13-01", "to"),
        ("?step=year", "step"),
        ("?from=2019-09-03&to=2019-09-02", "from"),
        // 610 days, a point a day: more than 400 points.
        ("?from=2018-01-01&to=2019-09-02&step=day", "step"),
        ("?region=99", "region"),
        ("?province=ZZ", "province"),
    ] {
        let b = problem(
            app.get(&format!("/reports/indicators/series{query}"), Some(hr))
                .await,
            400,
        )
        .await;
        assert_eq!(b["type"], "invalid-query-parameter", "{query}: {b}");
        assert_eq!(b["errors"][0]["field"], field, "{query}: {b}");
    }
    // 400 points are allowed.
    let most = series(&app, hr, "?from=2018-07-30&to=2019-09-02&step=day").await;
    assert_eq!(figures(&most).len(), 400);
}
both_engines!(a_series_as_csv_in_scope_and_checked, on_a_working_day);
