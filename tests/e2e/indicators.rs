//! The monitoring indicators end to end (DOMAIN.md §11) on a small
//! programme with known answers: the boundaries of what counts on a day,
//! Campania, an ended contract, an unvalidated log, areas and grouping,
//! CSV against JSON, scope and bad dates.

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
    s.resignation_notice_days = 0;
}

async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    json_of(
        app.get(&format!("/reports/indicators{query}"), Some(token))
            .await,
        StatusCode::OK,
    )
    .await
}

async fn total(app: &TestApp, token: &str, query: &str) -> Value {
    report(app, token, query).await["total"].clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Lazio: A (RM) assigned to RM-EUR from 20 July with 120 validated hours
/// over 1-15 August, B (RM) assigned from 2 September and resigned from 30
/// August... Campania: C (NA), no CPI. Contracts signed 15 July 2019.
struct Programme {
    hr: String,
    coordinator: String,
    a: String,
    c: String,
}

async fn programme(app: &TestApp) -> Programme {
    let p = app
        .programme(&[("RM", 3), ("NA", 1)], &["RM", "RM", "NA"])
        .await;
    let hr = p.hr.clone();
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    let (a, b, c) = (p.navigator(0), p.navigator(1), p.navigator(2));
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-20").await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.assign(&hr, &b, "RM-TIB", "2019-08-26").await,
        StatusCode::CREATED,
    )
    .await;

    // A logs 15 days of 8 hours in August, validated; then a pending day.
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let first = NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
    app.log_validated_days(&token, &coordinator, "i", first, 15)
        .await;
    json_of(
        app.log_hours(&token, "pending", "2019-08-30", 4.0).await,
        StatusCode::CREATED,
    )
    .await;

    // B resigns with effect from 30 August.
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
    // Another call in RM, declined.
    let offer = json_of(
        app.call(&hr, &p.selection, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.offer_action(&hr, &id_of(&offer), "decline").await,
        StatusCode::OK,
    )
    .await;
    Programme {
        hr,
        coordinator,
        a,
        c,
    }
}

/// Each indicator on a small programme with known answers, at each boundary.
async fn indicators_count_what_the_records_say(app: TestApp) {
    let p = programme(&app).await;
    let hr = &p.hr;

    // The day before the contracts were signed: nothing yet but the posts.
    let t = total(&app, hr, "?as_of=2019-07-14").await;
    assert_eq!(
        (t["contracted"].as_i64(), t["active"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(t["posts"], 4);
    // Signed on 15 July: contracted on that very day.
    let t = total(&app, hr, "?as_of=2019-07-15").await;
    assert_eq!(t["contracted"], 3);
    // Started on the 16th.
    assert_eq!(total(&app, hr, "?as_of=2019-07-16").await["active"], 3);

    // A's assignment starts on 20 July: RM-EUR counts from that day.
    assert_eq!(
        total(&app, hr, "?as_of=2019-07-19").await["cpis_with_navigators"],
        0
    );
    assert_eq!(
        total(&app, hr, "?as_of=2019-07-20").await["cpis_with_navigators"],
        1
    );

    // 120 validated hours filled the on-the-job bucket on 15 August.
    let t = total(&app, hr, "?as_of=2019-08-14").await;
    assert_eq!(t["on_the_job_completed"], 0);
    assert_eq!(
        t["cpis_with_on_the_job"], 1,
        "validated hours from 1 August"
    );
    let t = total(&app, hr, "?as_of=2019-08-15").await;
    assert_eq!(t["on_the_job_completed"], 1);
    assert_eq!(
        t["path_completed"], 0,
        "classroom and distance are still to do"
    );

    // B's resignation, effective 30 August, ends the contract that day.
    let t = total(&app, hr, "?as_of=2019-08-29").await;
    assert_eq!(
        (t["active"].as_i64(), t["resigned"].as_i64()),
        (Some(3), Some(0))
    );
    let t = total(&app, hr, "?as_of=2019-08-30").await;
    assert_eq!(
        (t["active"].as_i64(), t["resigned"].as_i64()),
        (Some(2), Some(1))
    );
    // Still contracted: ended or not.
    assert_eq!(t["contracted"], 3);

    // Today: B's assignment was closed by the ending, but RM-TIB had a
    // Navigator on some day up to today, so it still counts; the pending
    // log's CPI is RM-EUR, and an unvalidated log never counts anyway.
    let t = total(&app, hr, "").await;
    assert_eq!(t["cpis_with_navigators"], 2);
    assert_eq!(t["cpis_with_on_the_job"], 1);
    // The calls of today: three accepted, one declined; B's seat is free.
    assert_eq!(
        (t["calls_made"].as_i64(), t["offers_declined"].as_i64()),
        (Some(4), Some(1))
    );
    assert_eq!(
        (
            t["seats_filled"].as_i64(),
            t["offers_pending"].as_i64(),
            t["seats_vacant"].as_i64()
        ),
        (Some(2), Some(0), Some(2))
    );
    assert_eq!(t["regions_with_navigators"], 2);
    assert_eq!(t["equipped"], 0);

    // Campania: contracted, never in a CPI.
    let campania = total(&app, hr, "?region=15").await;
    assert_eq!(campania["contracted"], 1);
    assert_eq!(campania["cpis_with_navigators"], 0);
    assert_eq!(campania["posts"], 1);
    let c = json_of(app.navigator(hr, &p.c).await, StatusCode::OK).await;
    assert!(c["cpi_code"].is_null());
    let rm = total(&app, hr, "?province=rm").await;
    assert_eq!(rm["contracted"], 2);
    assert_eq!(rm["posts"], 3);
    let _ = &p.a;
}
both_engines!(indicators_count_what_the_records_say, on_a_working_day);

/// Rows per area add up to the total; the CSV says the same as the JSON.
async fn rows_and_csv_agree_with_the_total(app: TestApp) {
    let p = programme(&app).await;
    let hr = &p.hr;
    let json = report(&app, hr, "?as_of=2019-08-30&group_by=province").await;
    let rows = json["rows"].as_array().unwrap();
    let provinces: Vec<&str> = rows
        .iter()
        .map(|r| r["province"].as_str().unwrap())
        .collect();
    assert!(
        provinces.contains(&"RM") && provinces.contains(&"NA"),
        "{provinces:?}"
    );
    let sum: i64 = rows.iter().map(|r| r["contracted"].as_i64().unwrap()).sum();
    assert_eq!(sum, json["total"]["contracted"].as_i64().unwrap());

    let r = app
        .client
        .get(app.api("/reports/indicators?as_of=2019-08-30&group_by=province"))
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
    let text = r.text().await.unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "province");
    assert_eq!(header.len(), 20);
    let csv_rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        csv_rows.len(),
        rows.len() + 1,
        "one row per area and the total"
    );
    for (i, name) in header.iter().enumerate().skip(1) {
        for row in &csv_rows {
            let area = row[0];
            let expected = if area == "total" {
                json["total"][name].as_i64().unwrap()
            } else {
                rows.iter().find(|r| r["province"] == area).unwrap()[name]
                    .as_i64()
                    .unwrap()
            };
            assert_eq!(row[i].parse::<i64>().unwrap(), expected, "{area} {name}");
        }
    }
}
both_engines!(rows_and_csv_agree_with_the_total, on_a_working_day);

/// Coordinators see their own Region only; dates are checked; before the
/// first selection everything is zero.
async fn indicators_keep_to_the_callers_scope(app: TestApp) {
    let p = programme(&app).await;
    let own = total(&app, &p.coordinator, "").await;
    assert_eq!(own["contracted"], 2, "Lazio only");
    let by_region = report(&app, &p.coordinator, "?group_by=region").await;
    let regions: Vec<&str> = by_region["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, vec!["12"]);
    let b = problem(
        app.get("/reports/indicators?region=15", Some(&p.coordinator))
            .await,
        403,
    )
    .await;
    assert_eq!(b["type"], "out-of-scope");
    problem(
        app.get("/reports/indicators?province=NA", Some(&p.coordinator))
            .await,
        403,
    )
    .await;
    let navigator = app.user_with_role("trainer", &[]).await;
    problem(app.get("/reports/indicators", Some(&navigator)).await, 403).await;

    let b = problem(
        app.get("/reports/indicators?as_of=2019-02-30", Some(&p.hr))
            .await,
        400,
    )
    .await;
    assert_eq!(b["errors"][0]["field"], "as_of", "{b}");
    problem(
        app.get("/reports/indicators?region=99", Some(&p.hr)).await,
        400,
    )
    .await;
    problem(
        app.get("/reports/indicators?group_by=city", Some(&p.hr))
            .await,
        400,
    )
    .await;

    let before = total(&app, &p.hr, "?as_of=2018-01-01").await;
    let values: Vec<i64> = before
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(values.len(), 19);
    assert!(values.iter().all(|v| *v == 0), "{before}");
}
both_engines!(indicators_keep_to_the_callers_scope, on_a_working_day);

/// The training buckets, the whole path, equipment and a pending offer:
/// each counts from its day.
async fn training_equipment_and_offers_count_from_their_days(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM", "RM"]).await;
    let hr = p.hr.clone();
    let (a, d) = (p.navigator(0), p.navigator(1));
    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-17").await,
        StatusCode::CREATED,
    )
    .await;

    // Classroom: five sessions of 8 hours, 20-24 July: full on the 24th.
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

    let t = total(&app, &hr, "?as_of=2019-07-23").await;
    assert_eq!(t["classroom_completed"], 0);
    let t = total(&app, &hr, "?as_of=2019-07-24").await;
    assert_eq!(t["classroom_completed"], 1);
    let t = total(&app, &hr, "?as_of=2019-08-26").await;
    assert_eq!(
        (
            t["distance_completed"].as_i64(),
            t["on_the_job_completed"].as_i64(),
            t["path_completed"].as_i64()
        ),
        (Some(0), Some(1), Some(0))
    );
    let t = total(&app, &hr, "?as_of=2019-08-27").await;
    assert_eq!(
        (
            t["distance_completed"].as_i64(),
            t["path_completed"].as_i64()
        ),
        (Some(1), Some(1))
    );

    // Equipment: A's whole kit today; D receives a tablet, then resigns today.
    app.equip(&hr, &a, 1).await;
    let tablet = app.personalised_kit(&hr, 2).await[2].clone();
    json_of(
        app.item_action(&hr, &tablet, "assign", &json!({ "navigator_id": d }))
            .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.register_resignation(
            &hr,
            p.contracts[1]["id"].as_str().unwrap(),
            "2019-08-20",
            "2019-09-02",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let yesterday = total(&app, &hr, "?as_of=2019-09-01").await;
    assert_eq!(
        (
            yesterday["equipped"].as_i64(),
            yesterday["items_outstanding_after_end"].as_i64()
        ),
        (Some(0), Some(0))
    );
    // D's seat is free today: a call, left pending.
    json_of(
        app.call(&hr, &p.selection, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    let t = total(&app, &hr, "").await;
    assert_eq!(t["equipped"], 1);
    assert_eq!(
        t["items_outstanding_after_end"], 1,
        "D's tablet is still out"
    );
    assert_eq!(
        (t["active"].as_i64(), t["resigned"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (
            t["seats_filled"].as_i64(),
            t["offers_pending"].as_i64(),
            t["seats_vacant"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    // Completions stay counted after a resignation, and nothing of a
    // completed bucket is lost by the ending.
    assert_eq!(t["classroom_completed"], 1);
}
both_engines!(
    training_equipment_and_offers_count_from_their_days,
    on_a_working_day
);

/// No lapse written behind the test's back: the background task would lapse
/// overdue offers every minute.
fn on_a_working_day_settled_by_hand(s: &mut api::config::Settings) {
    on_a_working_day(s);
    s.offer_lapse_seconds = 3600;
}

/// `cpis_with_navigators` counts CPIs with a Navigator assigned on any day
/// up to D, even after the Navigator moved on; `regions_with_navigators`
/// counts Regions with a Navigator whose contract is active on D (not one
/// signed but not started, nor one suspended).
async fn cpis_count_every_assignment_up_to_d_and_regions_an_active_navigator(app: TestApp) {
    let p = app.programme(&[("RM", 2), ("NA", 1)], &["RM", "NA"]).await;
    let hr = p.hr.clone();
    let (a, c) = (p.navigator(0), p.navigator(1));
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    // A at RM-EUR from 20 July, moved to RM-TIB from 1 August.
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-20").await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.assign(&hr, &a, "RM-TIB", "2019-08-01").await,
        StatusCode::CREATED,
    )
    .await;
    // Campania's only Navigator is suspended 5-20 August.
    json_of(
        app.suspend_contract(
            &hr,
            p.contracts[1]["id"].as_str().unwrap(),
            "2019-08-05",
            "2019-08-20",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let figures = |t: &Value| {
        (
            t["cpis_with_navigators"].as_i64().unwrap(),
            t["regions_with_navigators"].as_i64().unwrap(),
        )
    };

    // Signed on 15 July, started on the 16th: no one active yet.
    let t = total(&app, &hr, "?as_of=2019-07-15").await;
    assert_eq!(t["contracted"], 2);
    assert_eq!(figures(&t), (0, 0), "signed is not active");
    assert_eq!(
        figures(&total(&app, &hr, "?as_of=2019-07-16").await),
        (0, 2)
    );
    assert_eq!(
        figures(&total(&app, &hr, "?as_of=2019-07-20").await),
        (1, 2)
    );
    // After the move RM-EUR still counts; Campania's Navigator is suspended.
    let t = total(&app, &hr, "?as_of=2019-08-10").await;
    assert_eq!(figures(&t), (2, 1));
    assert_eq!(t["active"], 1);
    let rows = report(&app, &hr, "?as_of=2019-08-10&group_by=region").await["rows"].clone();
    let row = |region: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"] == region)
            .cloned()
            .unwrap_or_else(|| panic!("no row for {region}: {rows}"))
    };
    assert_eq!(figures(&row("12")), (2, 1));
    assert_eq!(figures(&row("15")), (0, 0));
    // Back at work on the 21st.
    assert_eq!(
        figures(&total(&app, &hr, "?as_of=2019-08-21").await),
        (2, 2)
    );
    assert_eq!(figures(&total(&app, &hr, "").await), (2, 2));
    let _ = c;
}
both_engines!(
    cpis_count_every_assignment_up_to_d_and_regions_an_active_navigator,
    on_a_working_day
);

/// An offer's stored status, read from the database directly.
async fn stored_status(app: &TestApp, offer: &str) -> String {
    let (db, id) = (app.db.clone(), offer.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::offers::get_offer(&mut conn, &id)
            .unwrap()
            .unwrap()
            .status
    })
    .await
    .unwrap()
}

/// An offer past its deadline is not pending: on a past day whether or not
/// its lapse has been written yet, and today because the report lapses it
/// first, as every read of offers does.
async fn an_offer_past_its_deadline_is_not_pending(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let hr = p.hr.clone();
    // Called on 2 September, deadline 5 September at noon in Rome.
    let offer = json_of(
        app.call(&hr, &p.selection, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    let offer = id_of(&offer);
    let (db, sql) = (
        app.db.clone(),
        format!("UPDATE offers SET deadline = '2019-09-05 10:00:00' WHERE id = '{offer}'"),
    );
    tokio::task::spawn_blocking(move || db.get().unwrap().batch_execute(&sql).unwrap())
        .await
        .unwrap();
    // A week later, nothing has lapsed it yet.
    let db = app.stop().await;
    let app = start_on(db, |s| {
        on_a_working_day_settled_by_hand(s);
        s.today = NaiveDate::from_ymd_opt(2019, 9, 10);
    })
    .await;
    let offers = |t: &Value| {
        (
            t["calls_made"].as_i64().unwrap(),
            t["offers_pending"].as_i64().unwrap(),
            t["offers_lapsed"].as_i64().unwrap(),
            t["seats_vacant"].as_i64().unwrap(),
        )
    };

    // Before the deadline: pending, holding the second seat.
    let t = total(&app, &hr, "?as_of=2019-09-04").await;
    assert_eq!(offers(&t), (2, 1, 0, 0));
    // The deadline passed on the 5th: lapsed from that day, though the
    // lapse is not written yet.
    let t = total(&app, &hr, "?as_of=2019-09-05").await;
    assert_eq!(offers(&t), (2, 0, 1, 1));
    let t = total(&app, &hr, "?as_of=2019-09-06").await;
    assert_eq!(offers(&t), (2, 0, 1, 1));
    assert_eq!(
        stored_status(&app, &offer).await,
        "pending",
        "a report of a past day writes nothing"
    );

    // Today's report lapses it first, and counts it lapsed.
    let t = total(&app, &hr, "").await;
    assert_eq!(offers(&t), (2, 0, 1, 1));
    assert_eq!(stored_status(&app, &offer).await, "lapsed");
    // Written on the 10th, it still lapsed on the 5th, not before.
    let t = total(&app, &hr, "?as_of=2019-09-06").await;
    assert_eq!(offers(&t), (2, 0, 1, 1));
    let t = total(&app, &hr, "?as_of=2019-09-04").await;
    assert_eq!(offers(&t), (2, 1, 0, 0));
}
both_engines!(
    an_offer_past_its_deadline_is_not_pending,
    on_a_working_day_settled_by_hand
);
