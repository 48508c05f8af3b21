//! On-the-job hours end to end (DOMAIN.md §8 rules 3, 4 and 6): every
//! refusal of a log with its own problem type, Campania's logs without a
//! CPI, retries on `client_id` (also racing), validation by the Region's
//! coordinator one at a time or in an all-or-nothing batch, and the
//! progress the tablet polls with its ETag, also by many tablets at once.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::navigators::Programme;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn on(day: &'static str) -> impl FnOnce(&mut api::config::Settings) {
    move |s| s.today = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("id in {v}"))
        .to_owned()
}

/// A Lazio programme of `n` Navigators (contracts from 16 July 2019, the
/// convention from the 17th), the first assigned to RM-EUR from the 17th;
/// the token of each Navigator who has one.
async fn lazio(app: &TestApp, n: usize) -> (Programme, Vec<String>) {
    let hire = vec!["RM"; n];
    let p = app.programme(&[("RM", n as i64)], &hire).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut tokens = Vec::new();
    for i in 0..n {
        let pair = app.activate_and_login(&p.email(i)).await;
        tokens.push(pair["access_token"].as_str().unwrap().to_owned());
    }
    (p, tokens)
}

async fn refused(app: &TestApp, token: &str, day: &str, hours: f64) -> Value {
    let r = app
        .log_hours(token, &uuid::Uuid::new_v4().to_string(), day, hours)
        .await;
    problem(r, 422).await
}

// ------------------------------------------------------------- the rules

/// Each refusal of DOMAIN.md §8.3 has its own problem type; nothing of a
/// refused log is kept.
async fn every_refused_log_names_its_rule(app: TestApp) {
    let (p, tokens) = lazio(&app, 2).await;
    let token = &tokens[0];

    let b = refused(&app, token, "2019-09-03", 4.0).await;
    assert_eq!(b["type"], "day-in-future", "{b}");
    let b = refused(&app, token, "2019-07-15", 4.0).await;
    assert_eq!(b["type"], "outside-active-contract", "{b}");
    let b = refused(&app, token, "2019-07-16", 4.0).await;
    assert_eq!(b["type"], "before-operational-start", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("17/07/2019"), "{b}");

    let contract = p.contracts[0]["id"].as_str().unwrap();
    json_of(
        app.suspend_contract(&p.hr, contract, "2019-08-10", "2019-08-12")
            .await,
        StatusCode::OK,
    )
    .await;
    let b = refused(&app, token, "2019-08-11", 4.0).await;
    assert_eq!(b["type"], "outside-active-contract", "{b}");

    let r = app
        .post(
            "/me/ojt-logs",
            Some(token),
            &json!({ "client_id": "a-1", "day": "2019-08-20", "hours": 4, "activity": "x", "cpi_code": "RM-TIB" }),
        )
        .await;
    let b = problem(r, 422).await;
    assert_eq!(b["type"], "not-assigned-cpi", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("RM-EUR"), "{b}");

    // The second Navigator has no CPI yet.
    let b = refused(&app, &tokens[1], "2019-08-20", 4.0).await;
    assert_eq!(b["type"], "no-cpi-assignment", "{b}");

    // Eight hours a day at most.
    json_of(
        app.log_hours(token, "d-1", "2019-08-20", 6.0).await,
        StatusCode::CREATED,
    )
    .await;
    let b = refused(&app, token, "2019-08-20", 2.25).await;
    assert_eq!(b["type"], "daily-hours-exceeded", "{b}");
    json_of(
        app.log_hours(token, "d-2", "2019-08-20", 2.0).await,
        StatusCode::CREATED,
    )
    .await;

    // Malformed amounts name the field.
    let b = refused(&app, token, "2019-08-21", 1.1).await;
    assert_eq!(b["type"], "validation-failed");
    assert_eq!(
        (
            b["errors"][0]["field"].as_str(),
            b["errors"][0]["code"].as_str()
        ),
        (Some("hours"), Some("not-quarter-hours"))
    );
    let b = refused(&app, token, "2019-08-21", 9.0).await;
    assert_eq!(b["errors"][0]["code"], "too-many-hours", "{b}");

    let mine = json_of(app.my_logs(token).await, StatusCode::OK).await;
    let logs = mine["items"].as_array().unwrap();
    assert_eq!(logs.len(), 2, "{mine}");
    assert!(logs
        .iter()
        .all(|l| l["cpi_code"] == "RM-EUR" && l["status"] == "pending"));
}
both_engines!(every_refused_log_names_its_rule, on("2019-09-02"));

/// The daily maximum is a setting.
async fn the_daily_maximum_is_configurable(app: TestApp) {
    let (_, tokens) = lazio(&app, 1).await;
    json_of(
        app.log_hours(&tokens[0], "long-day", "2019-08-20", 10.0)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let b = refused(&app, &tokens[0], "2019-08-20", 0.25).await;
    assert_eq!(b["type"], "daily-hours-exceeded", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("10"), "{b}");
}
both_engines!(
    the_daily_maximum_is_configurable,
    |s: &mut api::config::Settings| {
        s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
        s.ojt_max_day_hours = 10;
    }
);

/// In Campania Navigators log hours without a CPI, from the convention's day.
async fn campania_logs_carry_no_cpi(app: TestApp) {
    let p = app.programme(&[("NA", 1)], &["NA"]).await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap();
    let b = refused(&app, token, "2019-12-08", 4.0).await;
    assert_eq!(b["type"], "before-operational-start", "{b}");
    let log = json_of(
        app.log_hours(token, "na-1", "2019-12-10", 4.0).await,
        StatusCode::CREATED,
    )
    .await;
    assert!(log["cpi_code"].is_null(), "{log}");
    let r = app
        .post(
            "/me/ojt-logs",
            Some(token),
            &json!({ "client_id": "na-2", "day": "2019-12-11", "hours": 4, "activity": "x", "cpi_code": "NA-01" }),
        )
        .await;
    assert_eq!(problem(r, 422).await["type"], "not-assigned-cpi");
}
both_engines!(campania_logs_carry_no_cpi, on("2019-12-20"));

// ------------------------------------------------------------- retries

/// A retry answers the original; the same id with other content is a
/// conflict; identical POSTs racing each other make one log.
async fn a_retry_answers_the_original_log(app: TestApp) {
    let (_, tokens) = lazio(&app, 1).await;
    let token = &tokens[0];
    let first = json_of(
        app.log_hours(token, "tab-1", "2019-08-20", 4.0).await,
        StatusCode::CREATED,
    )
    .await;
    let again = json_of(
        app.log_hours(token, "tab-1", "2019-08-20", 4.0).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first, again);
    let b = problem(app.log_hours(token, "tab-1", "2019-08-21", 4.0).await, 409).await;
    assert_eq!(b["type"], "client-id-reused", "{b}");

    let requests = (0..12).map(|_| app.log_hours(token, "tab-race", "2019-08-22", 3.5));
    let answers = futures_util::future::join_all(requests).await;
    let mut ids = Vec::new();
    let mut created = 0;
    for r in answers {
        let status = r.status();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}"
        );
        created += usize::from(status == StatusCode::CREATED);
        ids.push(id_of(&r.json::<Value>().await.unwrap()));
    }
    ids.dedup();
    assert_eq!((created, ids.len()), (1, 1), "{ids:?}");
    let mine = json_of(app.my_logs(token).await, StatusCode::OK).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "{mine}");
}
both_engines!(a_retry_answers_the_original_log, on("2019-09-02"));

// ---------------------------------------------------------- validation

/// Coordinators validate and reject their own Region's logs, one at a time
/// or in a batch that is all or nothing; HR and other Regions cannot.
async fn coordinators_validate_their_regions_logs(app: TestApp) {
    let (p, tokens) = lazio(&app, 2).await;
    app.cpi_in("RM-TOR", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(1), "RM-TOR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut ids = Vec::new();
    for (i, day) in ["2019-08-19", "2019-08-20", "2019-08-21", "2019-08-22"]
        .iter()
        .enumerate()
    {
        let token = &tokens[i % 2];
        let log = json_of(
            app.log_hours(token, &format!("c-{i}"), day, 5.0).await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(id_of(&log));
    }
    let lazio_coordinator = app.user_with_role("coordinator", &["12"]).await;
    let lombardia = app.user_with_role("coordinator", &["03"]).await;

    let queue = json_of(
        app.ojt_logs(&lazio_coordinator, "?status=pending").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 4, "{queue}");
    let other = json_of(app.ojt_logs(&lombardia, "").await, StatusCode::OK).await;
    assert!(other["items"].as_array().unwrap().is_empty(), "{other}");
    problem(app.ojt_logs(&lombardia, "?region=12").await, 403).await;
    problem(
        app.ojt_logs(&lazio_coordinator, "?status=approved").await,
        400,
    )
    .await;

    // Scope: another Region's coordinator, HR, the Navigator.
    assert_eq!(
        problem(app.validate_log(&lombardia, &ids[0]).await, 403).await["type"],
        "out-of-scope"
    );
    assert_eq!(
        problem(app.validate_log(&p.hr, &ids[0]).await, 403).await["type"],
        "forbidden"
    );
    problem(app.validate_log(&tokens[0], &ids[0]).await, 403).await;
    problem(
        app.validate_log(&lazio_coordinator, "no-such-log").await,
        404,
    )
    .await;

    let v = json_of(
        app.validate_log(&lazio_coordinator, &ids[0]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["status"], "validated");
    let b = problem(app.validate_log(&lazio_coordinator, &ids[0]).await, 409).await;
    assert_eq!(b["type"], "log-not-pending", "{b}");

    let b = problem(app.reject_log(&lazio_coordinator, &ids[1], " ").await, 422).await;
    assert_eq!(b["errors"][0]["field"], "reason", "{b}");
    let r = json_of(
        app.reject_log(&lazio_coordinator, &ids[1], "orario non confermato dal CPI")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["reason"].as_str()),
        (Some("rejected"), Some("orario non confermato dal CPI"))
    );

    // A batch with one decided log changes nothing and names it.
    let b = problem(
        app.validate_logs(&lazio_coordinator, &[&ids[2], &ids[0], &ids[3]])
            .await,
        422,
    )
    .await;
    assert_eq!(b["errors"].as_array().unwrap().len(), 1, "{b}");
    assert_eq!(b["errors"][0]["field"], "ids[1]", "{b}");
    assert_eq!(b["errors"][0]["code"], "log-not-pending", "{b}");
    let pending = json_of(
        app.ojt_logs(&lazio_coordinator, "?status=pending").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 2, "{pending}");
    problem(app.validate_logs(&lombardia, &[&ids[2]]).await, 403).await;

    let done = json_of(
        app.validate_logs(&lazio_coordinator, &[&ids[2], &ids[3]])
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["validated"], 2);
    let validated = json_of(
        app.ojt_logs(&p.hr, "?status=validated").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        validated["items"].as_array().unwrap().len(),
        3,
        "{validated}"
    );

    let log = json_of(
        app.audit(&p.hr, &format!("?entity=ojt_log&entity_id={}", ids[1]))
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"ojt.logged") && actions.contains(&"ojt.rejected"),
        "{actions:?}"
    );
}
both_engines!(coordinators_validate_their_regions_logs, on("2019-09-02"));

// ------------------------------------------------------------ progress

/// The tablet's progress: pending hours shown apart, validated ones
/// counted; the ETag changes exactly when a number the Navigator sees
/// changes, and 304 otherwise.
async fn progress_counts_validated_hours_with_an_etag(app: TestApp) {
    let (p, tokens) = lazio(&app, 2).await;
    let token = &tokens[0];
    let coordinator = app.user_with_role("coordinator", &["12"]).await;

    let r = app.my_training(token, None).await;
    let empty = r.headers()["etag"].to_str().unwrap().to_owned();
    let v = json_of(r, StatusCode::OK).await;
    assert_eq!(v["path"], "navigator-2019");
    assert_eq!(v["required_hours"], 200.0);
    assert_eq!(v["buckets"]["on_the_job"]["required_hours"], 120.0);
    assert_eq!(v["total_hours"], 0.0);
    assert!(v["completed_on"].is_null());

    let log = json_of(
        app.log_hours(token, "p-1", "2019-08-20", 6.0).await,
        StatusCode::CREATED,
    )
    .await;
    let r = app.my_training(token, Some(&empty)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let pending_tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let v = json_of(r, StatusCode::OK).await;
    assert_eq!(v["buckets"]["on_the_job"]["pending_hours"], 6.0);
    assert_eq!(v["buckets"]["on_the_job"]["validated_hours"], 0.0);
    assert_eq!(v["total_hours"], 0.0);

    // Nothing the Navigator sees changes: a refused log, a new CPI.
    refused(&app, token, "2019-09-03", 1.0).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-TIB", "2019-08-26")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = app.my_training(token, Some(&pending_tag)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());

    json_of(
        app.validate_log(&coordinator, &id_of(&log)).await,
        StatusCode::OK,
    )
    .await;
    let r = app.my_training(token, Some(&pending_tag)).await;
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(tag, pending_tag);
    let text = r.text().await.unwrap();
    assert!(text.len() < 1024, "{} bytes: {text}", text.len());
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["buckets"]["on_the_job"]["validated_hours"], 6.0);
    assert_eq!(v["buckets"]["on_the_job"]["pending_hours"], 0.0);
    assert_eq!(v["total_hours"], 6.0);
    assert_eq!(v["percent"], 3.0);

    // HR and the Region's coordinator read the same answer, with the same tag.
    let r = app.navigator_training(&coordinator, &p.navigator(0)).await;
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(r.text().await.unwrap(), text);
    json_of(
        app.navigator_training(&p.hr, &p.navigator(0)).await,
        StatusCode::OK,
    )
    .await;
    let lombardia = app.user_with_role("coordinator", &["03"]).await;
    problem(
        app.navigator_training(&lombardia, &p.navigator(0)).await,
        403,
    )
    .await;
    problem(
        app.navigator_training(&tokens[1], &p.navigator(0)).await,
        404,
    )
    .await;
    json_of(
        app.navigator_training(token, &p.navigator(0)).await,
        StatusCode::OK,
    )
    .await;
}
both_engines!(
    progress_counts_validated_hours_with_an_etag,
    on("2019-09-02")
);

/// The stored progress of `navigator`, read as the tablets' poll reads it
/// for body shape `version`.
async fn stored_progress(app: &TestApp, navigator: &str, version: i32) -> Option<(String, String)> {
    let (db, id) = (app.db.clone(), navigator.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::training::stored_progress(&mut conn, &id, version).unwrap()
    })
    .await
    .unwrap()
}

/// Stores `body` as `navigator`'s progress, of body shape `version`, with
/// its tag; the fill days are left empty.
async fn store_progress(app: &TestApp, navigator: &str, body: &str, version: i32) -> String {
    let tag = api::etag::tag_of(body.as_bytes());
    let (db, id, body, stored) = (
        app.db.clone(),
        navigator.to_owned(),
        body.to_owned(),
        tag.clone(),
    );
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::training::store_progress(
            &mut conn,
            &id,
            &body,
            &stored,
            version,
            persistence::training::FillDays::default(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    tag
}

/// A stored body of an older shape (left by an earlier deploy) is never
/// served: the next read, the tablet's batched poll or anyone else's,
/// rebuilds it in the current shape and stores it, and its tag changes.
async fn a_progress_body_of_an_older_shape_is_rebuilt(app: TestApp) {
    use api::app::training::PROGRESS_BODY_VERSION;
    let (p, tokens) = lazio(&app, 1).await;
    let token = &tokens[0];
    let nav = p.navigator(0);
    let r = app.my_training(token, None).await;
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let current = r.text().await.unwrap();
    assert_eq!(
        stored_progress(&app, &nav, PROGRESS_BODY_VERSION).await,
        Some((current.clone(), tag.clone()))
    );

    // An older shape, as a previous deploy stored it.
    let old_body = r#"{"path":"navigator-2019","hours":0.0,"required":200.0}"#;
    let old_tag = store_progress(&app, &nav, old_body, PROGRESS_BODY_VERSION - 1).await;
    assert_eq!(
        stored_progress(&app, &nav, PROGRESS_BODY_VERSION).await,
        None,
        "not of the current shape"
    );
    // The tablet holding the old answer gets the new one, not a 304.
    let r = app.my_training(token, Some(&old_tag)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let new_tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_tag, old_tag);
    assert_eq!(new_tag, tag, "the records did not change");
    let text = r.text().await.unwrap();
    assert_eq!(text, current);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["required_hours"], 200.0);
    assert!(v["buckets"]["on_the_job"].is_object(), "{v}");
    // Stored anew: the next polls are plain reads, and 304 on the new tag.
    assert_eq!(
        stored_progress(&app, &nav, PROGRESS_BODY_VERSION).await,
        Some((current.clone(), tag.clone()))
    );
    let r = app.my_training(token, Some(&new_tag)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // A body stored before the shape was recorded is shape 0: rebuilt
    // too, here through HR's read, which is not batched.
    let (db, sql) = (
        app.db.clone(),
        format!(
            "DELETE FROM training_progress WHERE navigator_id = '{nav}'; \
             INSERT INTO training_progress (navigator_id, body, etag, updated_at) \
             VALUES ('{nav}', '{old_body}', '{old_tag}', '2019-09-01 00:00:00')"
        ),
    );
    tokio::task::spawn_blocking(move || db.get().unwrap().batch_execute(&sql).unwrap())
        .await
        .unwrap();
    assert_eq!(stored_progress(&app, &nav, 0).await.unwrap().1, old_tag);
    let r = app.navigator_training(&p.hr, &nav).await;
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(r.text().await.unwrap(), current);
    assert_eq!(
        stored_progress(&app, &nav, PROGRESS_BODY_VERSION).await,
        Some((current, tag))
    );
}
both_engines!(
    a_progress_body_of_an_older_shape_is_rebuilt,
    on("2019-09-02")
);

/// Polls of many Navigators at once, as their tablets make them, are read
/// from the database together: each still gets its own progress and tag,
/// and a poll made after a change sees it.
async fn parallel_polls_each_get_their_own_progress(app: TestApp) {
    const NAVIGATORS: usize = 6;
    const ROUNDS: usize = 20;
    let (p, tokens) = lazio(&app, NAVIGATORS).await;
    // A completion on a different day for each: no two answers alike.
    for i in 0..NAVIGATORS {
        let body =
            json!({ "item": "health_and_safety", "completed_on": format!("2019-08-{:02}", i + 1) });
        json_of(
            app.mandatory_training(&p.hr, &p.navigator(i), &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let mut alone = Vec::new();
    for token in &tokens {
        let r = app.my_training(token, None).await;
        let tag = r.headers()["etag"].to_str().unwrap().to_owned();
        alone.push((tag, r.text().await.unwrap()));
    }
    for i in 1..NAVIGATORS {
        assert_ne!(
            alone[i].1, alone[0].1,
            "Navigator {i} answers like Navigator 0"
        );
    }

    // Half of the polls carry the tag the tablet holds.
    let polls = (0..NAVIGATORS * ROUNDS).map(|k| {
        let (i, conditional) = (k % NAVIGATORS, k % 2 == 0);
        let (app, token, tag) = (&app, &tokens[i], alone[i].0.as_str());
        async move {
            let r = app.my_training(token, conditional.then_some(tag)).await;
            let status = r.status();
            let etag = r.headers()["etag"].to_str().unwrap().to_owned();
            (i, conditional, status, etag, r.text().await.unwrap())
        }
    });
    for (i, conditional, status, etag, body) in futures_util::future::join_all(polls).await {
        assert_eq!(etag, alone[i].0, "Navigator {i}");
        if conditional {
            assert_eq!(status, StatusCode::NOT_MODIFIED, "Navigator {i}");
            assert!(body.is_empty());
        } else {
            assert_eq!(status, StatusCode::OK, "Navigator {i}");
            assert_eq!(body, alone[i].1, "Navigator {i}");
        }
    }

    // A change to one Navigator: their next polls see it, the others' not.
    let body = json!({ "item": "data_protection", "completed_on": "2019-08-30" });
    json_of(
        app.mandatory_training(&p.hr, &p.navigator(0), &body).await,
        StatusCode::CREATED,
    )
    .await;
    let polls = (0..NAVIGATORS * 2).map(|k| {
        let i = k % NAVIGATORS;
        let (app, token, tag) = (&app, &tokens[i], alone[i].0.as_str());
        async move { (i, app.my_training(token, Some(tag)).await) }
    });
    for (i, r) in futures_util::future::join_all(polls).await {
        if i == 0 {
            assert_eq!(r.status(), StatusCode::OK);
            assert_ne!(r.headers()["etag"].to_str().unwrap(), alone[0].0);
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["mandatory"][0]["item"], "data_protection", "{v}");
        } else {
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "Navigator {i}");
        }
    }
}
both_engines!(parallel_polls_each_get_their_own_progress, on("2019-09-02"));

/// How many Navigators' progress `server` holds in memory, as its metrics
/// say.
async fn progress_held(server: &TestApp) -> u64 {
    let text = server.scrape().await;
    text.lines()
        .find_map(|l| l.strip_prefix("navigator_progress_held "))
        .unwrap_or_else(|| panic!("no navigator_progress_held in {text}"))
        .parse()
        .unwrap()
}

/// A server answers a repeated poll from the progress it holds in memory,
/// and forgets it when another server changes it: on PostgreSQL as the
/// change commits (its announcement, heard within milliseconds), on SQLite
/// at the periodic comparison with the stored tags (every second here),
/// as for a change made from the command line.
async fn a_change_made_on_another_server_reaches_its_polls(app: TestApp) {
    let (_, tokens) = lazio(&app, 1).await;
    let token = &tokens[0];
    let other = app.replica().await;
    let r = app.my_training(token, None).await;
    let before = r.headers()["etag"].to_str().unwrap().to_owned();

    // The other server reads it once and holds it (on PostgreSQL once it
    // listens to the announcements, as it starts).
    let waited = Instant::now();
    loop {
        let r = other.my_training(token, Some(&before)).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        if progress_held(&other).await == 1 {
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(10), "never held");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = other.my_training(token, Some(&before)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // A log through the first server: it answers the change at once.
    json_of(
        app.log_hours(token, "p-1", "2019-08-20", 6.0).await,
        StatusCode::CREATED,
    )
    .await;
    let r = app.my_training(token, Some(&before)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = r.headers()["etag"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert_ne!(after, before);

    let bound = match app.engine {
        Engine::Postgres => Duration::from_secs(5),
        Engine::Sqlite => Duration::from_secs(10),
    };
    let changed = Instant::now();
    loop {
        let r = other.my_training(token, Some(&before)).await;
        if r.status() == StatusCode::OK {
            assert_eq!(r.headers()["etag"].to_str().unwrap(), after);
            assert_eq!(r.text().await.unwrap(), body);
            break;
        }
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert!(
            changed.elapsed() < bound,
            "the other server still answers the old progress after {:?}",
            changed.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "{:?}: the other server's polls saw the change after {:?}",
        app.engine,
        changed.elapsed()
    );
    let r = other.my_training(token, Some(&after)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
}
both_engines!(
    a_change_made_on_another_server_reaches_its_polls,
    |s: &mut api::config::Settings| {
        on("2019-09-02")(s);
        // PostgreSQL hears the change; keep its comparison out of the way.
        s.reread_every_seconds = if s.database_url.starts_with("postgres") {
            3_600
        } else {
            1
        };
    }
);

/// 120 validated hours fill the on-the-job bucket on the day the last of
/// them was worked; more hours never go above it.
async fn the_on_the_job_bucket_fills_on_its_last_day(app: TestApp) {
    let (_, tokens) = lazio(&app, 1).await;
    let token = &tokens[0];
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let first = NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
    let mut ids = Vec::new();
    for i in 0..16 {
        let day = (first + chrono::Days::new(i)).to_string();
        let log = json_of(
            app.log_hours(token, &format!("f-{i}"), &day, 8.0).await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(id_of(&log));
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    json_of(app.validate_logs(&coordinator, &refs).await, StatusCode::OK).await;
    let v = json_of(app.my_training(token, None).await, StatusCode::OK).await;
    let ojt = &v["buckets"]["on_the_job"];
    assert_eq!(ojt["validated_hours"], 128.0);
    assert_eq!(ojt["complete"], true);
    // 15 days of 8 hours: full on the 15th of August.
    assert_eq!(ojt["completed_on"], "2019-08-15");
    assert_eq!(v["total_hours"], 120.0);
    assert_eq!(v["percent"], 60.0);
    assert!(
        v["completed_on"].is_null(),
        "classroom and distance are still to do"
    );
}
both_engines!(
    the_on_the_job_bucket_fills_on_its_last_day,
    on("2019-09-02")
);
