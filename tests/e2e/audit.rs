use chrono::{Duration, SecondsFormat, Utc};
use diesel::connection::SimpleConnection;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The body of an answer with the expected status; the body is shown when
/// the status differs.
async fn body(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

fn request_id(r: &Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("an x-request-id header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// One page of the log.
async fn page(app: &TestApp, token: &str, query: &str) -> Value {
    body(app.audit(token, query).await, StatusCode::OK).await
}

/// Every audit line matching `filter` (`&key=value...`), newest first.
async fn all_audit(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = format!("?limit=500{filter}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let p = page(app, token, &q).await;
        out.extend(p["items"].as_array().unwrap().iter().cloned());
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

async fn create_cpi(app: &TestApp, admin: &str, code: &str, province: &str) -> Response {
    let r = app
        .create_cpi(
            admin,
            &json!({ "code": code, "name": format!("CPI {code}"), "province_sigla": province }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r
}

/// A Navigator account and its token: the Navigator comes from a drafted
/// contract, which has no account yet.
async fn navigator_token(app: &TestApp, admin: &str) -> String {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    let email = format!(
        "navigator.{}@anpalservizi.it",
        uuid::Uuid::new_v4().simple()
    );
    let r = app
        .create_user(
            admin,
            &json!({
                "email": email,
                "role": "navigator",
                "navigator_id": draft["navigator_id"],
                "password": PASSWORD
            }),
        )
        .await;
    body(r, StatusCode::CREATED).await;
    app.login_ok(&email, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn admin_and_hr_read_the_log_and_nobody_else(app: TestApp) {
    let admin = app.admin_token().await;
    let hr = app.user_with_role("hr", &[]).await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let trainer = app.user_with_role("trainer", &[]).await;

    for token in [&admin, &hr] {
        let p = page(&app, token, "").await;
        let items = p["items"].as_array().unwrap();
        assert!(!items.is_empty());
        // The seeding is in the log from the start.
        assert!(items.iter().any(|l| l["action"] == "convention.seeded"));
        for l in items {
            for key in ["id", "at", "action", "entity", "entity_id"] {
                assert!(l[key].is_string(), "{key} of {l}");
            }
            for key in ["actor", "before", "after", "request_id"] {
                assert!(l.get(key).is_some(), "{key} of {l}");
            }
        }
    }
    let navigator = navigator_token(&app, &admin).await;
    for token in [&coordinator, &trainer, &navigator] {
        let p = problem(app.audit(token, "").await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.audit(token, "?entity=user").await, 403).await;
        assert_eq!(p["type"], "forbidden");
    }
    let p = problem(app.get("/audit", None).await, 401).await;
    assert_eq!(p["type"], "token-missing");
}
both_engines!(
    admin_and_hr_read_the_log_and_nobody_else,
    |s: &mut api::config::Settings| {
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20);
    }
);

async fn the_log_filters_by_entity_actor_and_action(app: TestApp) {
    let admin = app.admin_token().await;
    let admin_id = body(app.me(&admin).await, StatusCode::OK).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hr = app.user_with_role("hr", &[]).await;
    let hr_id = body(app.me(&hr).await, StatusCode::OK).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    create_cpi(&app, &admin, "CPI-NA-01", "NA").await;
    create_cpi(&app, &admin, "CPI-RM-01", "RM").await;
    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-07-17", "mode": "remote" }),
        )
        .await;
    body(r, StatusCode::OK).await;

    let everything = all_audit(&app, &hr, "").await;

    let cpis = all_audit(&app, &hr, "&entity=cpi").await;
    assert_eq!(cpis.len(), 2);
    assert!(cpis.iter().all(|l| l["entity"] == "cpi"));
    let mut ids: Vec<&str> = cpis
        .iter()
        .map(|l| l["entity_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["CPI-NA-01", "CPI-RM-01"]);

    let one = all_audit(&app, &hr, "&entity=cpi&entity_id=CPI-RM-01").await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["entity_id"], "CPI-RM-01");
    assert_eq!(one[0]["action"], "cpi.created");
    assert!(one[0]["before"].is_null());
    assert_eq!(one[0]["after"]["province_sigla"], "RM");

    let conventions = all_audit(&app, &hr, "&entity=convention").await;
    assert_eq!(conventions.len(), 20, "19 seeded and one set");
    let seeded = all_audit(&app, &hr, "&action=convention.seeded").await;
    assert_eq!(seeded.len(), 19);
    assert!(seeded.iter().all(|l| l["actor"].is_null()));
    assert!(seeded.iter().all(|l| l["entity_id"] != "04"));
    let set = all_audit(&app, &hr, "&action=convention.set").await;
    assert_eq!(set.len(), 1);
    assert_eq!(set[0]["entity_id"], "12");

    // By actor: the admin's own doings, and none of the seeding.
    let by_admin = all_audit(&app, &hr, &format!("&actor={admin_id}")).await;
    assert!(by_admin.iter().all(|l| l["actor"] == admin_id.as_str()));
    let actions: Vec<&str> = by_admin
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "cpi.created").count(),
        2,
        "{actions:?}"
    );
    assert!(actions.contains(&"convention.set"));
    assert!(
        actions.contains(&"user.created"),
        "the admin created the hr account"
    );
    assert!(!actions.contains(&"convention.seeded"));
    let expected = everything
        .iter()
        .filter(|l| l["actor"] == admin_id.as_str())
        .count();
    assert_eq!(by_admin.len(), expected);

    // The hr account's only lines are its own login.
    let by_hr = all_audit(&app, &admin, &format!("&actor={hr_id}")).await;
    assert!(!by_hr.is_empty());
    assert!(by_hr.iter().all(|l| l["action"] == "session.opened"));

    // Filters combine.
    let combined = all_audit(
        &app,
        &hr,
        &format!("&actor={admin_id}&entity=cpi&action=cpi.created"),
    )
    .await;
    assert_eq!(combined.len(), 2);
    let none = all_audit(&app, &hr, &format!("&actor={hr_id}&entity=cpi")).await;
    assert!(none.is_empty());
    let none = all_audit(&app, &hr, "&entity=nothing-of-the-kind").await;
    assert!(none.is_empty());
    let none = all_audit(&app, &hr, "&entity=cpi&entity_id=CPI-XX-99").await;
    assert!(none.is_empty());
}
both_engines!(the_log_filters_by_entity_actor_and_action);

async fn the_log_filters_by_day_and_instant(app: TestApp) {
    let admin = app.admin_token().await;
    create_cpi(&app, &admin, "CPI-NA-01", "NA").await;
    let everything = all_audit(&app, &admin, "").await;
    assert!(!everything.is_empty());

    let today = Utc::now().date_naive();
    let yesterday = today - Duration::days(1);
    let tomorrow = today + Duration::days(1);

    // Every line was written today.
    let from_today = all_audit(&app, &admin, &format!("&from={today}")).await;
    assert_eq!(from_today.len(), everything.len());
    let through_today = all_audit(&app, &admin, &format!("&from={today}&to={today}")).await;
    assert_eq!(through_today.len(), everything.len());
    // Up to yesterday: nothing (the database is new today).
    let to_yesterday = all_audit(&app, &admin, &format!("&to={yesterday}")).await;
    assert!(to_yesterday.is_empty(), "{to_yesterday:#?}");
    let from_tomorrow = all_audit(&app, &admin, &format!("&from={tomorrow}")).await;
    assert!(from_tomorrow.is_empty());
    let from_yesterday = all_audit(&app, &admin, &format!("&from={yesterday}&to={tomorrow}")).await;
    assert_eq!(from_yesterday.len(), everything.len());

    // From an instant: only what came after it.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mark = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    create_cpi(&app, &admin, "CPI-RM-01", "RM").await;
    let since = all_audit(
        &app,
        &admin,
        &format!(
            "&from={}&entity=cpi",
            mark.to_rfc3339_opts(SecondsFormat::Micros, true)
        ),
    )
    .await;
    assert_eq!(since.len(), 1, "{since:#?}");
    assert_eq!(since[0]["entity_id"], "CPI-RM-01");
    let before = all_audit(
        &app,
        &admin,
        &format!(
            "&to={}&entity=cpi",
            mark.to_rfc3339_opts(SecondsFormat::Micros, true)
        ),
    )
    .await;
    assert_eq!(before.len(), 1, "{before:#?}");
    assert_eq!(before[0]["entity_id"], "CPI-NA-01");
    // A line's `at` lies on the right side of the mark.
    let at: chrono::DateTime<Utc> = since[0]["at"].as_str().unwrap().parse().unwrap();
    assert!(at >= mark);

    // A malformed day is refused, naming the parameter.
    for bad in ["ieri", "2019-13-45", "17/07/2019"] {
        let p = problem(app.audit(&admin, &format!("?from={bad}")).await, 400).await;
        assert_eq!(p["type"], "invalid-query-parameter", "{bad}");
        assert_eq!(p["errors"][0]["field"], "from", "{bad}");
        assert!(p["detail"].as_str().unwrap().contains("from"));
    }
    let p = problem(app.audit(&admin, "?to=domani").await, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter");
    assert_eq!(p["errors"][0]["field"], "to");
    let p = problem(app.audit(&admin, "?limit=501").await, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter");
    assert_eq!(p["errors"][0]["field"], "limit");
    let p = problem(app.audit(&admin, "?limit=tre").await, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter");
    assert_eq!(p["errors"][0]["field"], "limit");
}
both_engines!(the_log_filters_by_day_and_instant);

async fn pages_are_newest_first_without_duplicates(app: TestApp) {
    let admin = app.admin_token().await;
    for i in 0..7 {
        create_cpi(&app, &admin, &format!("CPI-RM-{i:02}"), "RM").await;
    }
    let everything = all_audit(&app, &admin, "").await;
    assert!(everything.len() > 25, "{}", everything.len());

    let mut paged: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=4&cursor={c}"),
            None => "?limit=4".to_owned(),
        };
        let p = page(&app, &admin, &q).await;
        let items = p["items"].as_array().unwrap();
        assert!(items.len() <= 4);
        paged.extend(items.iter().cloned());
        pages += 1;
        assert!(pages < 100, "the cursor never ends");
        match p["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(items.len(), 4, "a short page has no next cursor");
                cursor = Some(c.to_owned());
            }
            None => break,
        }
    }
    assert_eq!(paged, everything, "pages add up to the whole log, in order");

    let ids: std::collections::HashSet<&str> =
        paged.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), paged.len(), "no line twice");
    for w in paged.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a["id"].as_str().unwrap() > b["id"].as_str().unwrap(),
            "ids descend"
        );
        let at_a: chrono::DateTime<Utc> = a["at"].as_str().unwrap().parse().unwrap();
        let at_b: chrono::DateTime<Utc> = b["at"].as_str().unwrap().parse().unwrap();
        assert!(at_a >= at_b, "newest first: {a} before {b}");
    }
    // The newest line is the last CPI created.
    let newest = &page(&app, &admin, "?limit=1").await["items"][0];
    assert_eq!(newest["action"], "cpi.created");
    assert_eq!(newest["entity_id"], "CPI-RM-06");

    // Pagination within a filter.
    let first = page(&app, &admin, "?entity=cpi&limit=5").await;
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["entity_id"], "CPI-RM-06");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = page(
        &app,
        &admin,
        &format!("?entity=cpi&limit=5&cursor={cursor}"),
    )
    .await;
    let rest: Vec<&str> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["entity_id"].as_str().unwrap())
        .collect();
    assert_eq!(rest, ["CPI-RM-01", "CPI-RM-00"]);
    assert!(second["next_cursor"].is_null());
}
both_engines!(pages_are_newest_first_without_duplicates);

async fn each_line_carries_the_request_id_of_its_request(app: TestApp) {
    let admin = app.admin_token().await;

    let r = create_cpi(&app, &admin, "CPI-NA-01", "NA").await;
    let rid_cpi = request_id(&r);
    assert!(!rid_cpi.is_empty());
    let r = create_cpi(&app, &admin, "CPI-NA-02", "NA").await;
    let rid_cpi2 = request_id(&r);
    assert_ne!(rid_cpi, rid_cpi2, "each request has its own id");

    let line = &all_audit(&app, &admin, "&entity=cpi&entity_id=CPI-NA-01").await[0];
    assert_eq!(line["request_id"], rid_cpi.as_str());
    let line = &all_audit(&app, &admin, "&entity=cpi&entity_id=CPI-NA-02").await[0];
    assert_eq!(line["request_id"], rid_cpi2.as_str());

    // A file import: every line of it carries the import's id.
    let r = app
        .import_cpis(
            &admin,
            "code,name,province_sigla,address,capacity\nRM01,CPI Roma,RM,,\nRM02,CPI Roma 2,RM,,\n",
        )
        .await;
    let rid_import = request_id(&r);
    body(r, StatusCode::CREATED).await;
    for code in ["RM01", "RM02"] {
        let line = &all_audit(&app, &admin, &format!("&entity=cpi&entity_id={code}")).await[0];
        assert_eq!(line["request_id"], rid_import.as_str());
    }

    // A convention change.
    let r = app
        .put_convention(
            &admin,
            "15",
            &json!({ "signed_on": "2019-12-09", "mode": "cpi" }),
        )
        .await;
    let rid_conv = request_id(&r);
    body(r, StatusCode::OK).await;
    let line = &all_audit(&app, &admin, "&entity=convention&entity_id=15").await[0];
    assert_eq!(line["action"], "convention.set");
    assert_eq!(line["request_id"], rid_conv.as_str());

    // A login.
    let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let rid_login = request_id(&r);
    body(r, StatusCode::OK).await;
    let sessions = all_audit(&app, &admin, "&action=session.opened").await;
    assert_eq!(sessions[0]["request_id"], rid_login.as_str());

    // A client's own x-request-id does not replace the server's.
    let r = app
        .client
        .post(app.api("/cpis"))
        .bearer_auth(&admin)
        .header("x-request-id", "scelto-dal-client")
        .json(&json!({ "code": "CPI-SA-01", "name": "CPI Salerno", "province_sigla": "SA" }))
        .send()
        .await
        .unwrap();
    let rid = request_id(&r);
    body(r, StatusCode::CREATED).await;
    let line = &all_audit(&app, &admin, "&entity=cpi&entity_id=CPI-SA-01").await[0];
    assert_eq!(line["request_id"], rid.as_str());

    // Seeding had no request.
    let seeded = all_audit(&app, &admin, "&action=convention.seeded").await;
    assert!(seeded.iter().all(|l| l["request_id"].is_null()));
}
both_engines!(each_line_carries_the_request_id_of_its_request);

async fn the_database_refuses_to_change_or_remove_audit_lines(app: TestApp) {
    let admin = app.admin_token().await;
    create_cpi(&app, &admin, "CPI-NA-01", "NA").await;
    let before = all_audit(&app, &admin, "").await;
    assert!(!before.is_empty());

    let statements = [
        "UPDATE audit_log SET action = 'x'",
        "UPDATE audit_log SET after_json = NULL WHERE entity = 'cpi'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE entity = 'cpi'",
    ];
    // PostgreSQL's TRUNCATE fires no row trigger; SQLite has no TRUNCATE.
    let truncate =
        (app.db.engine() == persistence::Engine::Postgres).then_some("TRUNCATE audit_log");
    let statements = statements.into_iter().chain(truncate);
    for sql in statements {
        let db = app.db.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            conn.batch_execute(sql)
        })
        .await
        .unwrap();
        let err = outcome.expect_err(sql);
        assert!(
            err.to_string().contains("append-only"),
            "{sql} failed for another reason: {err}"
        );
    }

    let after = all_audit(&app, &admin, "").await;
    assert_eq!(after, before, "the log is unchanged");
    assert!(after.iter().all(|l| l["action"] != "x"));

    // Appending still works.
    create_cpi(&app, &admin, "CPI-NA-02", "NA").await;
    assert_eq!(all_audit(&app, &admin, "").await.len(), before.len() + 1);
}
both_engines!(the_database_refuses_to_change_or_remove_audit_lines);
