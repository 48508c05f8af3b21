//! Defects found by fuzzing, each answered with a problem naming the field
//! and the rule instead of a server error, alike on both engines: hours
//! too small to be a minute, text holding U+0000, dates outside the range
//! the service accepts, identical creates racing each other, and CSV files
//! with more bad rows than a problem should list.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn in_autumn_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 10, 15);
}

/// The field and rule code of a problem's first error.
fn first_error(p: &Value) -> (String, String) {
    (
        p["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        p["errors"][0]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

// ------------------------------------------------------------ tiny hours

/// Hours that round to no minute at all are refused as not positive, on
/// every operation that takes hours, instead of failing the database's
/// check: an on-the-job log, a classroom session and its attendance.
async fn hours_below_a_minute_are_refused(app: TestApp) {
    let t = app.trainees().await;
    let p = &t.programme;
    for hours in [1e-10, 1e-300, 0.1] {
        let r = app
            .create_session(
                &p.hr,
                &json!({ "day": "2019-09-10", "hours": hours, "place": "Roma", "trainer": "Bianchi" }),
            )
            .await;
        let b = problem(r, 422).await;
        assert_eq!(b["type"], "validation-failed", "{b}");
        let expected = if hours < 0.01 {
            "must-be-positive"
        } else {
            "not-quarter-hours"
        };
        assert_eq!(first_error(&b), ("hours".into(), expected.into()), "{b}");
    }

    let session = app.session_on(&p.hr, "2019-09-10", 4.0).await;
    let r = app
        .record_attendance(
            &p.hr,
            &session,
            &json!([{ "navigator_id": p.navigator(0), "hours": 1e-10 }]),
        )
        .await;
    let b = problem(r, 422).await;
    assert_eq!(
        first_error(&b),
        ("[0].hours".into(), "must-be-positive".into()),
        "{b}"
    );
    let csv = format!(
        "codice_fiscale,hours\n{},0.0000000001\n",
        p.codice_fiscale(0)
    );
    let b = problem(app.attendance_register(&p.hr, &session, &csv).await, 422).await;
    assert_eq!(b["type"], "file-rejected", "{b}");
    assert_eq!(
        first_error(&b),
        ("hours".into(), "must-be-positive".into()),
        "{b}"
    );
    assert_eq!(b["errors"][0]["line"], 2, "{b}");

    let pair = app.activate_and_login(&p.email(0)).await;
    let navigator = pair["access_token"].as_str().unwrap();
    let r = app
        .log_hours(navigator, "tiny-1", "2019-09-10", 1e-10)
        .await;
    let b = problem(r, 422).await;
    assert_eq!(
        first_error(&b),
        ("hours".into(), "must-be-positive".into()),
        "{b}"
    );
}
both_engines!(hours_below_a_minute_are_refused, in_autumn_2019);

// ------------------------------------------------------------ U+0000

/// Checks a 400 problem naming `field`.
async fn names(r: reqwest::Response, field: &str) {
    let b = problem(r, 400).await;
    assert_eq!(b["errors"][0]["field"], field, "{b}");
    assert!(b.to_string().contains("U+0000"), "{b}");
}

/// Text holding U+0000 is refused by every extractor with a problem that
/// names the field, before any statement could fail on PostgreSQL: public
/// login and password reset, a query parameter, a path parameter, a JSON
/// body and a CSV file.
async fn a_nul_character_is_refused_where_it_enters(app: TestApp) {
    names(
        app.post(
            "/auth/login",
            None,
            &json!({ "email": "a\u{0}@x.it", "password": "whatever-it-is" }),
        )
        .await,
        "email",
    )
    .await;
    names(
        app.post(
            "/auth/login",
            None,
            &json!({ "email": "a@x.it", "password": "pass\u{0}word-long" }),
        )
        .await,
        "password",
    )
    .await;
    names(app.password_reset("a\u{0}@x.it").await, "email").await;

    let admin = app.admin_token().await;
    names(
        app.get("/provinces?region=%00", Some(&admin)).await,
        "region",
    )
    .await;
    names(app.get("/cpis?cursor=RM%00", Some(&admin)).await, "cursor").await;
    names(app.get("/regions/1%002", Some(&admin)).await, "code").await;
    names(
        app.create_user(
            &admin,
            &json!({ "email": "new@x.it", "role": "hr", "password": "long-enough\u{0}-password" }),
        )
        .await,
        "password",
    )
    .await;
    let b = problem(
        app.import_cpis(
            &admin,
            "code,name,province_sigla,address,capacity\nRM-NUL,Roma\u{0},RM,,\n",
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        first_error(&b),
        ("name".into(), "nul-character".into()),
        "{b}"
    );
    // Nothing was let through to the database either way.
    json_of(
        app.get("/provinces?region=12", Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
}
both_engines!(a_nul_character_is_refused_where_it_enters);

// ------------------------------------------------------------ dates

/// Dates far outside any the programme could use (chrono reads years up to
/// ±262143, PostgreSQL not before 4713 BC) are refused alike on both
/// engines, in a body, in a query and in a file, naming the field.
async fn dates_outside_the_accepted_range_are_refused(app: TestApp) {
    let t = app.trainees().await;
    let p = &t.programme;
    let contract = p.contracts[0]["id"].as_str().unwrap();
    for day in ["+262142-12-31", "3000-01-01"] {
        let b = problem(app.extend_contract(&p.hr, contract, day).await, 400).await;
        assert_eq!(b["errors"][0]["field"], "new_end_date", "{b}");
        assert!(b.to_string().contains("1900-01-01..=2999-12-31"), "{b}");
    }
    for day in ["-262143-01-01", "1899-12-31"] {
        let r = app
            .create_session(
                &p.hr,
                &json!({ "day": day, "hours": 2, "place": "Roma", "trainer": "Bianchi" }),
            )
            .await;
        let b = problem(r, 400).await;
        assert_eq!(b["errors"][0]["field"], "day", "{b}");
    }
    // The last accepted day is accepted.
    json_of(
        app.extend_contract(&p.hr, contract, "2999-12-31").await,
        StatusCode::OK,
    )
    .await;

    let b = problem(
        app.get("/reports/indicators?as_of=%2B262142-01-01", Some(&p.hr))
            .await,
        400,
    )
    .await;
    assert_eq!(b["errors"][0]["field"], "as_of", "{b}");
    let admin = app.admin_token().await;
    let b = problem(app.audit(&admin, "?from=-262143-01-01").await, 400).await;
    assert_eq!(b["errors"][0]["field"], "from", "{b}");

    let csv = format!(
        "codice_fiscale,module_code,completed_on,test_passed\n{},M1,+262142-01-01,true\n",
        p.codice_fiscale(0)
    );
    let b = problem(app.distance_completions_csv(&p.hr, &csv).await, 422).await;
    assert_eq!(b["type"], "file-rejected", "{b}");
    assert!(
        b["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "completed_on" && e["code"] == "date-out-of-range"),
        "{b}"
    );
}
both_engines!(dates_outside_the_accepted_range_are_refused, in_autumn_2019);

// ------------------------------------------------------------ races

/// Sends `n` identical requests at once; checks that exactly one created
/// (201) and every other got what a sequential duplicate gets (`status`
/// and problem `type`), never a 500.
async fn one_wins<F, Fut>(n: usize, send: F, status: u16, duplicate: &str)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let answers = futures_util::future::join_all((0..n).map(|_| send())).await;
    let mut created = 0;
    for r in answers {
        let got = r.status();
        let body: Value = r.json().await.unwrap();
        if got == StatusCode::CREATED {
            created += 1;
        } else {
            assert_eq!(
                (got.as_u16(), body["type"].as_str()),
                (status, Some(duplicate)),
                "{body}"
            );
        }
    }
    assert_eq!(created, 1);
    let again = problem(send().await, status).await;
    assert_eq!(again["type"], duplicate, "{again}");
}

/// Thirty identical creates at once (a check, then an insert) give one
/// 201 and, for the rest, the answer of a sequential duplicate, never a
/// 500: an inventory serial (422, already in the inventory), an offer's
/// contract draft (409), a CPI code (409).
async fn identical_creates_racing_give_one_201(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let item = json!({ "kind": "tablet", "model": "Tab", "serial": "RACE-SER-1" });
    one_wins(30, || app.create_item(&hr, &item), 422, "validation-failed").await;
    let b = problem(app.create_item(&hr, &item).await, 422).await;
    assert_eq!(b["errors"][0]["code"], "already-in-inventory", "{b}");

    let (selection, _) = app.selection_2019(&hr, &[("RM", 2)], 2).await;
    let offer = app.accepted_offer(&hr, &selection, "RM").await;
    let offer = offer["id"].as_str().unwrap();
    one_wins(
        30,
        || app.draft_contract(&hr, offer, true),
        409,
        "contract-exists",
    )
    .await;

    let admin = app.admin_token().await;
    let cpi = json!({ "code": "RACE-CPI", "name": "CPI di corsa", "province_sigla": "RM" });
    one_wins(30, || app.create_cpi(&admin, &cpi), 409, "cpi-exists").await;
}
both_engines!(
    identical_creates_racing_give_one_201,
    |s: &mut api::config::Settings| s.today = NaiveDate::from_ymd_opt(2019, 7, 20)
);

// ------------------------------------------------------------ CSV errors

/// A file of 5,000 bad rows is answered with its first 100 errors and the
/// count of all of them, not with a problem as large as the file; alike
/// for an attendance register.
async fn a_file_of_many_bad_rows_lists_the_first_hundred(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let header = "kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch";
    let csv = format!("{header}\n{}", "x\n".repeat(5_000));
    let p = problem(app.import_items(&hr, &csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected", "{p}");
    let errors = p["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 100);
    assert_eq!(p["errors_total"], 5_000);
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[99]["line"].as_u64()),
        (Some(2), Some(101))
    );
    assert!(
        p["detail"].as_str().unwrap().contains("5000"),
        "{}",
        p["detail"]
    );

    let session = app.session_on(&hr, "2019-09-10", 4.0).await;
    let csv = format!(
        "codice_fiscale,hours\n{}",
        "RSSMRA85T10A562X,4\n".repeat(5_000)
    );
    let p = problem(app.attendance_register(&hr, &session, &csv).await, 422).await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 100);
    assert_eq!(p["errors_total"], 5_000);

    // A few errors are all listed, with no total beside them.
    let p = problem(app.import_items(&hr, &format!("{header}\nx\n")).await, 422).await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 1);
    assert!(p.get("errors_total").is_none(), "{p}");
}
both_engines!(
    a_file_of_many_bad_rows_lists_the_first_hundred,
    in_autumn_2019
);

// ------------------------------------------------------------ headers

/// Every answer tells browsers not to guess its type: a page, a list, a
/// problem, an unknown route.
async fn every_answer_says_nosniff(app: TestApp) {
    let admin = app.admin_token().await;
    for r in [
        app.outside("/healthz").await,
        app.get("/regions", Some(&admin)).await,
        app.get("/regions", None).await,
        app.get("/no-such-route", None).await,
        app.login("nobody@example.it", "wrong-password-1").await,
    ] {
        assert_eq!(
            r.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{}",
            r.url()
        );
    }
}
both_engines!(every_answer_says_nosniff);
