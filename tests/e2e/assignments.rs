//! CPI assignment end to end (DOMAIN.md §3, §9, §10): assignment and
//! reassignment with history, every refusal with its own problem type,
//! conventions changed through the API, capacity, the contract's end,
//! concurrent assignments, the Navigator list and the tablet's view.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn in_2019(s: &mut api::config::Settings) {
    s.today = Some(NaiveDate::from_ymd_opt(2019, 7, 20).unwrap());
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items in {page}"))
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn history(app: &TestApp, token: &str, navigator: &str) -> Vec<Value> {
    json_of(app.assignments(token, navigator).await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// `(cpi_code, from, to, closed_by)` of each assignment, newest first.
fn spans(h: &[Value]) -> Vec<(String, String, Option<String>, Option<String>)> {
    h.iter()
        .map(|a| {
            (
                a["cpi_code"].as_str().unwrap().to_owned(),
                a["from"].as_str().unwrap().to_owned(),
                a["to"].as_str().map(str::to_owned),
                a["closed_by"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn span(
    cpi: &str,
    from: &str,
    to: Option<&str>,
    by: Option<&str>,
) -> (String, String, Option<String>, Option<String>) {
    (
        cpi.to_owned(),
        from.to_owned(),
        to.map(str::to_owned),
        by.map(str::to_owned),
    )
}

async fn restart_on(app: TestApp, on: &str) -> TestApp {
    let today = NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
    let db = app.stop().await;
    start_on(db, move |s| {
        s.today = Some(today);
        s.resignation_notice_days = 0;
    })
    .await
}

// ------------------------------------------------- assignment and history

/// A coordinator places their Region's Navigator, then moves them: the
/// previous assignment closes the day before, and the history keeps both.
async fn a_coordinator_assigns_and_reassigns_with_history(app: TestApp) {
    let p = app.programme(&[("RM", 2), ("MI", 1)], &["RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let nav = p.navigator(0);

    let a = json_of(
        app.assign(&coordinator, &nav, "rm-eur", "2019-07-17").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(a["cpi_code"], "RM-EUR");
    assert_eq!(a["cpi_name"], "CPI RM-EUR");
    assert_eq!(a["from"], "2019-07-17");
    assert!(a["to"].is_null());

    let v = json_of(app.navigator(&coordinator, &nav).await, StatusCode::OK).await;
    assert_eq!(v["cpi_code"], "RM-EUR");
    assert_eq!(v["assigned_from"], "2019-07-17");
    assert_eq!(v["status"], "active");
    assert_eq!(v["operational_start"], "2019-07-17");

    // HR moves them from the 20th.
    json_of(
        app.assign(&p.hr, &nav, "RM-TIB", "2019-07-20").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        spans(&history(&app, &coordinator, &nav).await),
        vec![
            span("RM-TIB", "2019-07-20", None, None),
            span(
                "RM-EUR",
                "2019-07-17",
                Some("2019-07-19"),
                Some("reassigned")
            ),
        ]
    );
    let v = json_of(app.navigator(&p.hr, &nav).await, StatusCode::OK).await;
    assert_eq!(v["cpi_code"], "RM-TIB");

    // Both moves are in the audit log.
    let log = json_of(
        app.audit(&p.hr, &format!("?entity=navigator&entity_id={nav}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let assigned = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "navigator.assigned")
        .count();
    assert_eq!(assigned, 2, "{log}");
}
both_engines!(a_coordinator_assigns_and_reassigns_with_history, in_2019);

/// Each refusal has its own problem type and says what to do.
async fn every_refusal_names_its_rule(app: TestApp) {
    let p = app.programme(&[("RM", 2), ("MI", 1)], &["RM", "MI"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("MI-CEN", "MI", None).await;
    let hr = &p.hr;
    let nav = p.navigator(0);
    let en = |r: reqwest::RequestBuilder| r.header("accept-language", "en");

    // Before the convention (17 July) the Navigator is not operational.
    let b = problem(app.assign(hr, &nav, "RM-EUR", "2019-07-16").await, 422).await;
    assert_eq!(b["type"], "before-operational-start", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("17/07/2019"), "{b}");

    // A CPI of another Region.
    let b = problem(app.assign(hr, &nav, "MI-CEN", "2019-07-20").await, 422).await;
    assert_eq!(b["type"], "cpi-in-another-region", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("Lazio"), "{b}");

    // After the contract's end (the selection's contract end date).
    let c = &p.contracts[0];
    let after_end = NaiveDate::parse_from_str(c["end_date"].as_str().unwrap(), "%Y-%m-%d")
        .unwrap()
        .succ_opt()
        .unwrap()
        .to_string();
    let b = problem(app.assign(hr, &nav, "RM-EUR", &after_end).await, 422).await;
    assert_eq!(b["type"], "outside-contract", "{b}");

    // An unknown CPI is a field error.
    let b = problem(app.assign(hr, &nav, "RM-NONE", "2019-07-20").await, 422).await;
    assert_eq!(b["type"], "validation-failed");
    assert_eq!(b["errors"][0]["field"], "cpi_code", "{b}");
    assert_eq!(b["errors"][0]["code"], "unknown-cpi", "{b}");

    // The same CPI twice, then a date the open assignment already covers.
    json_of(
        app.assign(hr, &nav, "RM-EUR", "2019-07-18").await,
        StatusCode::CREATED,
    )
    .await;
    let b = problem(app.assign(hr, &nav, "RM-EUR", "2019-07-25").await, 409).await;
    assert_eq!(b["type"], "already-assigned", "{b}");
    app.cpi_in("RM-TIB", "RM", None).await;
    let r = en(app
        .client
        .post(app.api(&format!("/navigators/{nav}/assignment")))
        .bearer_auth(hr)
        .json(&json!({ "cpi_code": "RM-TIB", "from": "2019-07-18" })))
    .send()
    .await
    .unwrap();
    let b = problem(r, 409).await;
    assert_eq!(b["type"], "assignment-not-after-current", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("2019-07-19"), "{b}");

    // A coordinator of another Region may not touch this Navigator.
    let lombardia = app.user_with_role("coordinator", &["03"]).await;
    let b = problem(
        app.assign(&lombardia, &nav, "RM-TIB", "2019-07-25").await,
        403,
    )
    .await;
    assert_eq!(b["type"], "out-of-scope", "{b}");

    // None of the refusals left anything behind.
    assert_eq!(
        spans(&history(&app, hr, &nav).await),
        vec![span("RM-EUR", "2019-07-18", None, None)]
    );

    // Bad input is a 400 naming the field, not a 500.
    let r = app
        .post(
            &format!("/navigators/{nav}/assignment"),
            Some(hr),
            &json!({ "cpi_code": "RM-TIB", "from": "2019-02-30" }),
        )
        .await;
    let b = problem(r, 400).await;
    assert_eq!(b["errors"][0]["field"], "from", "{b}");
    problem(
        app.assign(hr, "no-such-navigator", "RM-TIB", "2019-07-25")
            .await,
        404,
    )
    .await;
}
both_engines!(every_refusal_names_its_rule, in_2019);

/// Campania's convention keeps Navigators out of CPIs; the refusal names
/// the convention and its date.
async fn campania_navigators_are_never_assigned_to_a_cpi(app: TestApp) {
    let p = app.programme(&[("NA", 1)], &["NA"]).await;
    app.cpi_in("NA-CEN", "NA", None).await;
    let coordinator = app.user_with_role("coordinator", &["15"]).await;
    let nav = p.navigator(0);
    let b = problem(
        app.assign(&coordinator, &nav, "NA-CEN", "2019-12-10").await,
        422,
    )
    .await;
    assert_eq!(b["type"], "convention-forbids-cpi-assignment", "{b}");
    let detail = b["detail"].as_str().unwrap();
    assert!(
        detail.contains("Campania") && detail.contains("09/12/2019"),
        "{b}"
    );
    assert!(detail.contains("senza essere assegnati a un CPI"), "{b}");
    assert!(history(&app, &p.hr, &nav).await.is_empty());

    // The Navigator sees that they work without a CPI.
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap();
    let mine = json_of(app.my_assignment(token, None).await, StatusCode::OK).await;
    assert_eq!(mine["convention_mode"], "remote");
    assert_eq!(mine["operational_start"], "2019-12-09");
    assert!(mine["current"].is_null());
}
both_engines!(campania_navigators_are_never_assigned_to_a_cpi, in_2019);

/// Conventions are data: switching a Region to `remote` and back through
/// the API changes what may be done there, with no code change.
async fn a_convention_changed_through_the_api_changes_the_rules(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM", "RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let admin = app.admin_token().await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;

    let remote = json!({ "signed_on": "2019-07-17", "mode": "remote" });
    json_of(
        app.put_convention(&admin, "12", &remote).await,
        StatusCode::OK,
    )
    .await;
    let b = problem(
        app.assign(&coordinator, &p.navigator(0), "RM-EUR", "2019-07-18")
            .await,
        422,
    )
    .await;
    assert_eq!(b["type"], "convention-forbids-cpi-assignment", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("Lazio"), "{b}");

    let cpi = json!({ "signed_on": "2019-07-17", "mode": "cpi" });
    json_of(app.put_convention(&admin, "12", &cpi).await, StatusCode::OK).await;
    json_of(
        app.assign(&coordinator, &p.navigator(0), "RM-EUR", "2019-07-18")
            .await,
        StatusCode::CREATED,
    )
    .await;

    // A convention that expires: no assignment from the day after.
    let expiring = json!({ "signed_on": "2019-07-17", "valid_until": "2019-07-31", "mode": "cpi" });
    json_of(
        app.put_convention(&admin, "12", &expiring).await,
        StatusCode::OK,
    )
    .await;
    let b = problem(
        app.assign(&coordinator, &p.navigator(1), "RM-EUR", "2019-08-01")
            .await,
        422,
    )
    .await;
    assert_eq!(b["type"], "no-convention-in-force", "{b}");
    json_of(
        app.assign(&coordinator, &p.navigator(1), "RM-EUR", "2019-07-31")
            .await,
        StatusCode::CREATED,
    )
    .await;

    // A later convention moves the operational start.
    let later = json!({ "signed_on": "2019-09-01", "mode": "cpi" });
    json_of(
        app.put_convention(&admin, "12", &later).await,
        StatusCode::OK,
    )
    .await;
    let v = json_of(
        app.navigator(&coordinator, &p.navigator(0)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["operational_start"], "2019-09-01");
}
both_engines!(
    a_convention_changed_through_the_api_changes_the_rules,
    in_2019
);

// --------------------------------------------------------------- capacity

/// A CPI with a capacity takes no more Navigators than it, on any day.
async fn a_cpi_at_capacity_takes_no_one_else(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM", "RM"]).await;
    app.cpi_in("RM-SMALL", "RM", Some(1)).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let hr = &p.hr;
    json_of(
        app.assign(hr, &p.navigator(0), "RM-SMALL", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let b = problem(
        app.assign(hr, &p.navigator(1), "RM-SMALL", "2019-07-20")
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "cpi-at-capacity", "{b}");

    // The first moves out from 1 August: the place is free from that day only.
    json_of(
        app.assign(hr, &p.navigator(0), "RM-EUR", "2019-08-01")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let b = problem(
        app.assign(hr, &p.navigator(1), "RM-SMALL", "2019-07-31")
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "cpi-at-capacity", "{b}");
    json_of(
        app.assign(hr, &p.navigator(1), "RM-SMALL", "2019-08-01")
            .await,
        StatusCode::CREATED,
    )
    .await;
    // A later-dated place counts too: the third cannot take July either.
    let b = problem(
        app.assign(hr, &p.navigator(2), "RM-SMALL", "2019-07-25")
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "cpi-at-capacity", "{b}");
}
both_engines!(a_cpi_at_capacity_takes_no_one_else, in_2019);

// ------------------------------------------------------ the contract's end

/// A contract's end closes the assignment on its last day, and cancels one
/// that was to start after it; the Navigator shows as unassigned.
async fn the_contract_end_closes_the_assignment(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM", "RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    let hr = &p.hr;
    let (a, b) = (p.navigator(0), p.navigator(1));
    json_of(
        app.assign(hr, &a, "RM-EUR", "2019-07-17").await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.assign(hr, &b, "RM-EUR", "2019-08-01").await,
        StatusCode::CREATED,
    )
    .await;
    for c in &p.contracts {
        json_of(
            app.register_resignation(hr, c["id"].as_str().unwrap(), "2019-07-20", "2019-07-25")
                .await,
            StatusCode::OK,
        )
        .await;
    }
    // Past the last day (24 July) nothing can be assigned any more.
    let refused = problem(app.assign(hr, &a, "RM-EUR", "2019-07-25").await, 422).await;
    assert_eq!(refused["type"], "outside-contract", "{refused}");

    let app = restart_on(app, "2019-07-25").await;
    // Reading the list settles the day's endings first.
    json_of(app.offboarding(hr, "").await, StatusCode::OK).await;
    assert_eq!(
        spans(&history(&app, hr, &a).await),
        vec![span(
            "RM-EUR",
            "2019-07-17",
            Some("2019-07-24"),
            Some("contract-ended")
        )]
    );
    assert!(history(&app, hr, &b).await.is_empty());
    let unassigned = json_of(app.navigators(hr, "?unassigned=true").await, StatusCode::OK).await;
    let listed = ids(&unassigned);
    assert!(listed.contains(&a) && listed.contains(&b), "{unassigned}");
    let v = json_of(app.navigator(hr, &a).await, StatusCode::OK).await;
    assert_eq!(v["status"], "ended");
    assert!(v["cpi_code"].is_null());

    let log = json_of(
        app.audit(hr, &format!("?entity=navigator&entity_id={b}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "assignment.cancelled"),
        "{log}"
    );
    let refused = problem(app.assign(hr, &a, "RM-TIB", "2019-07-26").await, 422).await;
    assert_eq!(refused["type"], "outside-contract", "{refused}");
}
both_engines!(
    the_contract_end_closes_the_assignment,
    |s: &mut api::config::Settings| {
        in_2019(s);
        s.resignation_notice_days = 0;
    }
);

// ------------------------------------------------------------ concurrency

/// Two coordinators (and HR) assign one Navigator at the same moment from
/// the same day to different CPIs: exactly one wins, the others are told
/// the Navigator was placed meanwhile, and one assignment is open.
async fn concurrent_assignments_of_one_navigator_have_one_winner(app: TestApp) {
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    let first = app.user_with_role("coordinator", &["12"]).await;
    let second = app.user_with_role("coordinator", &["12"]).await;
    let nav = p.navigator(0);
    let mut requests = Vec::new();
    for i in 0..12 {
        let code = format!("RM-{i:02}");
        app.cpi_in(&code, "RM", None).await;
        let token = [&first, &second, &p.hr][i % 3].clone();
        let (app, nav) = (&app, nav.clone());
        requests.push(async move { app.assign(&token, &nav, &code, "2019-07-18").await.status() });
    }
    let statuses = futures_util::future::join_all(requests).await;
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, conflicts), (1, 11), "{statuses:?}");
    let h = history(&app, &p.hr, &nav).await;
    assert_eq!(h.len(), 1, "{h:?}");
    assert!(h[0]["to"].is_null());
}
both_engines!(
    concurrent_assignments_of_one_navigator_have_one_winner,
    in_2019
);

/// Many Navigators into a CPI with three places, all at once: three get in.
async fn concurrent_assignments_respect_capacity(app: TestApp) {
    let hire = ["RM"; 8];
    let p = app.programme(&[("RM", 8)], &hire).await;
    app.cpi_in("RM-SMALL", "RM", Some(3)).await;
    let requests = (0..hire.len()).map(|i| {
        let (app, hr, nav) = (&app, p.hr.clone(), p.navigator(i));
        async move {
            app.assign(&hr, &nav, "RM-SMALL", "2019-07-18")
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(won, 3, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT));
    let there = json_of(app.cpi_navigators(&p.hr, "RM-SMALL").await, StatusCode::OK).await;
    assert_eq!(ids(&there).len(), 3, "{there}");
}
both_engines!(concurrent_assignments_respect_capacity, in_2019);

// -------------------------------------------------- the list, and scope

/// HR lists everyone, a coordinator their own Region; filters by Region,
/// province, CPI, state and "unassigned", a page at a time.
async fn navigators_are_listed_within_scope_with_filters(app: TestApp) {
    let p = app
        .programme(
            &[("RM", 2), ("LT", 1), ("MI", 1)],
            &["RM", "RM", "LT", "MI"],
        )
        .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let hr = &p.hr;
    json_of(
        app.assign(hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;

    let all = json_of(app.navigators(hr, "").await, StatusCode::OK).await;
    assert_eq!(ids(&all).len(), 4);
    let lazio: Vec<String> = (0..3).map(|i| p.navigator(i)).collect();
    let mut mine = ids(&json_of(app.navigators(&coordinator, "").await, StatusCode::OK).await);
    mine.sort();
    let mut expected = lazio.clone();
    expected.sort();
    assert_eq!(mine, expected);

    let b = problem(app.navigators(&coordinator, "?region=03").await, 403).await;
    assert_eq!(b["type"], "out-of-scope");
    let lt = json_of(
        app.navigators(&coordinator, "?province=lt").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&lt), vec![p.navigator(2)]);
    let at_cpi = json_of(
        app.navigators(&coordinator, "?cpi=RM-EUR").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&at_cpi), vec![p.navigator(0)]);
    assert_eq!(at_cpi["items"][0]["cpi_name"], "CPI RM-EUR");
    let free = json_of(
        app.navigators(&coordinator, "?unassigned=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&free).len(), 2);
    assert!(!ids(&free).contains(&p.navigator(0)));
    let active = json_of(app.navigators(hr, "?status=active").await, StatusCode::OK).await;
    assert_eq!(ids(&active).len(), 4);
    let ended = json_of(app.navigators(hr, "?status=ended").await, StatusCode::OK).await;
    assert!(ids(&ended).is_empty());
    problem(app.navigators(hr, "?status=retired").await, 400).await;

    // Pages of one, in a stable order, cover everyone once.
    let mut seen = Vec::new();
    let mut query = "?limit=1".to_owned();
    loop {
        let page = json_of(app.navigators(hr, &query).await, StatusCode::OK).await;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=1&cursor={c}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!((seen.len(), sorted.len()), (4, 4));

    // The CPI's Navigators: its Region's coordinator and HR only.
    let there = json_of(
        app.cpi_navigators(&coordinator, "RM-EUR").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&there), vec![p.navigator(0)]);
    let lombardia = app.user_with_role("coordinator", &["03"]).await;
    problem(app.cpi_navigators(&lombardia, "RM-EUR").await, 403).await;
    problem(app.cpi_navigators(hr, "XX-NONE").await, 404).await;
}
both_engines!(navigators_are_listed_within_scope_with_filters, in_2019);

/// A Navigator reads their own record and history, and gets 404 for
/// anyone else's, in their Region or not; coordinators of another Region
/// get 403.
async fn a_navigator_sees_only_their_own_record(app: TestApp) {
    let p = app
        .programme(&[("RM", 2), ("MI", 1)], &["RM", "RM", "MI"])
        .await;
    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap();

    let own = json_of(app.navigator(token, &p.navigator(0)).await, StatusCode::OK).await;
    assert_eq!(own["cpi_code"], "RM-EUR");
    assert_eq!(history(&app, token, &p.navigator(0)).await.len(), 1);
    for other in [p.navigator(1), p.navigator(2)] {
        let b = problem(app.navigator(token, &other).await, 404).await;
        assert_eq!(b["type"], "not-found");
        problem(app.assignments(token, &other).await, 404).await;
    }
    problem(app.navigators(token, "").await, 403).await;
    let lombardia = app.user_with_role("coordinator", &["03"]).await;
    problem(app.navigator(&lombardia, &p.navigator(0)).await, 403).await;
    problem(app.assignments(&lombardia, &p.navigator(0)).await, 403).await;
    json_of(
        app.navigator(&lombardia, &p.navigator(2)).await,
        StatusCode::OK,
    )
    .await;
}
both_engines!(a_navigator_sees_only_their_own_record, in_2019);

/// The tablet's view: where I work today and where next, with an ETag
/// that changes when the assignment does and a 304 while it does not.
async fn the_tablet_reads_its_assignment_with_an_etag(app: TestApp) {
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap();

    let r = app.my_assignment(token, None).await;
    let empty_tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let v = json_of(r, StatusCode::OK).await;
    assert_eq!(v["convention_mode"], "cpi");
    assert!(v["current"].is_null() && v["next"].is_null());

    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-EUR", "2019-07-17")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = app.my_assignment(token, Some(&empty_tag)).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the assignment changed the answer"
    );
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(tag, empty_tag);
    let v = json_of(r, StatusCode::OK).await;
    assert_eq!(v["current"]["cpi_code"], "RM-EUR");

    let r = app.my_assignment(token, Some(&tag)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    assert!(r.bytes().await.unwrap().is_empty());

    // A planned move shows as `next` and changes the tag.
    json_of(
        app.assign(&p.hr, &p.navigator(0), "RM-TIB", "2019-08-01")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = app.my_assignment(token, Some(&tag)).await;
    let v = json_of(r, StatusCode::OK).await;
    assert_eq!(v["current"]["cpi_code"], "RM-EUR");
    assert_eq!(v["current"]["to"], "2019-07-31");
    assert_eq!(v["next"]["cpi_code"], "RM-TIB");
    assert!(serde_json::to_vec(&v).unwrap().len() < 1024);

    // Only Navigators have an assignment of their own.
    problem(app.my_assignment(&p.hr, None).await, 403).await;
}
both_engines!(the_tablet_reads_its_assignment_with_an_etag, in_2019);
