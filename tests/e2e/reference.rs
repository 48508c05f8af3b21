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

/// Every CPI, following the cursor.
async fn all_cpis(app: &TestApp, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=500&cursor={c}"),
            None => "?limit=500".to_owned(),
        };
        let page = body(app.cpis(token, &q).await, StatusCode::OK).await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

/// Every audit line, newest first, following the cursor.
async fn all_audit(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = format!("?limit=500{filter}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let page = body(app.audit(token, &q).await, StatusCode::OK).await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

async fn users_count(app: &TestApp, admin: &str) -> usize {
    let page = body(app.list_users(admin).await, StatusCode::OK).await;
    page["items"].as_array().unwrap().len()
}

fn codes_of(items: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = items
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

/// The 2019 posts of DOMAIN.md §2, by ISTAT code.
const POSTS_2019: [(&str, &str, i64); 20] = [
    ("01", "Piemonte", 176),
    ("02", "Valle d'Aosta", 6),
    ("03", "Lombardia", 329),
    ("04", "Trentino-Alto Adige", 0),
    ("05", "Veneto", 142),
    ("06", "Friuli-Venezia Giulia", 46),
    ("07", "Liguria", 66),
    ("08", "Emilia-Romagna", 165),
    ("09", "Toscana", 152),
    ("10", "Umbria", 33),
    ("11", "Marche", 55),
    ("12", "Lazio", 273),
    ("13", "Abruzzo", 54),
    ("14", "Molise", 13),
    ("15", "Campania", 471),
    ("16", "Puglia", 248),
    ("17", "Basilicata", 31),
    ("18", "Calabria", 170),
    ("19", "Sicilia", 429),
    ("20", "Sardegna", 121),
];

// --- Regions, provinces, training path ---

async fn regions_are_seeded_with_posts_and_conventions(app: TestApp) {
    // Any role reads reference data.
    let token = app.user_with_role("trainer", &[]).await;
    let regions = body(app.regions(&token).await, StatusCode::OK).await;
    // Without `limit`, all 20 in one page.
    assert!(regions["next_cursor"].is_null(), "{regions}");
    let regions = regions["items"].as_array().unwrap();
    assert_eq!(regions.len(), 20);

    let total: i64 = regions
        .iter()
        .map(|r| r["posts_2019"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 2980);

    for (r, (code, name, posts)) in regions.iter().zip(POSTS_2019) {
        assert_eq!(r["code"], code);
        assert_eq!(r["name"], name);
        assert_eq!(r["posts_2019"], posts, "posts of {name}");
        let c = &r["convention"];
        match code {
            "04" => assert!(c.is_null(), "Trentino-Alto Adige has no convention: {c}"),
            "15" => {
                assert_eq!(c["mode"], "remote");
                assert_eq!(c["signed_on"], "2019-12-09");
                assert!(c["valid_until"].is_null());
                assert_eq!(c["in_force"], true);
                assert_eq!(c["region"], "15");
            }
            _ => {
                assert_eq!(c["mode"], "cpi", "mode of {name}");
                assert_eq!(c["signed_on"], "2019-07-17", "convention of {name}");
                assert!(c["valid_until"].is_null());
                assert_eq!(c["in_force"], true);
            }
        }
    }

    // One Region by code agrees with the list.
    let campania = body(app.region(&token, "15").await, StatusCode::OK).await;
    assert_eq!(campania["name"], "Campania");
    assert_eq!(campania["posts_2019"], 471);
    assert_eq!(campania["provinces"], 5);
    assert_eq!(campania["convention"]["mode"], "remote");
    let trentino = body(app.region(&token, "04").await, StatusCode::OK).await;
    assert_eq!(trentino["posts_2019"], 0);
    assert!(trentino["convention"].is_null());

    // Trentino-Alto Adige has no convention: 404 on the convention itself.
    let p = problem(app.convention(&token, "04").await, 404).await;
    assert_eq!(p["type"], "not-found");
    let c = body(app.convention(&token, "15").await, StatusCode::OK).await;
    assert_eq!(c["mode"], "remote");
    assert_eq!(c["signed_on"], "2019-12-09");
    let c = body(app.convention(&token, "12").await, StatusCode::OK).await;
    assert_eq!(c["mode"], "cpi");
    assert_eq!(c["signed_on"], "2019-07-17");

    // An unknown Region.
    let p = problem(app.region(&token, "99").await, 404).await;
    assert_eq!(p["type"], "not-found");
    let p = problem(app.convention(&token, "99").await, 404).await;
    assert_eq!(p["type"], "not-found");
}
both_engines!(regions_are_seeded_with_posts_and_conventions);

async fn reference_data_needs_a_token(app: TestApp) {
    for path in ["/regions", "/provinces", "/cpis", "/training/paths"] {
        let p = problem(app.get(path, None).await, 401).await;
        assert_eq!(p["type"], "token-missing", "{path}");
    }
}
both_engines!(reference_data_needs_a_token);

async fn provinces_are_the_107_and_filter_by_region(app: TestApp) {
    let token = app.user_with_role("hr", &[]).await;
    let all = body(app.provinces(&token, None).await, StatusCode::OK).await;
    // Without `limit`, all 107 in one page.
    assert!(all["next_cursor"].is_null(), "{all}");
    let all = all["items"].as_array().unwrap();
    assert_eq!(all.len(), 107);
    let mut siglas: Vec<&str> = all.iter().map(|p| p["sigla"].as_str().unwrap()).collect();
    siglas.sort_unstable();
    siglas.dedup();
    assert_eq!(siglas.len(), 107, "siglas are unique");
    for p in all {
        assert_eq!(p["sigla"].as_str().unwrap().len(), 2);
        assert!(!p["name"].as_str().unwrap().is_empty());
        assert!(!p["istat_code"].as_str().unwrap().is_empty());
    }
    // The Regions' province counts add up to the same 107.
    let regions = body(app.regions(&token).await, StatusCode::OK).await;
    let sum: i64 = regions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provinces"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 107);

    let campania = body(app.provinces(&token, Some("15")).await, StatusCode::OK).await;
    let campania = campania["items"].as_array().unwrap();
    let mut siglas: Vec<&str> = campania
        .iter()
        .map(|p| p["sigla"].as_str().unwrap())
        .collect();
    siglas.sort_unstable();
    assert_eq!(siglas, ["AV", "BN", "CE", "NA", "SA"]);
    assert!(campania.iter().all(|p| p["region"] == "15"));
    let napoli = campania.iter().find(|p| p["sigla"] == "NA").unwrap();
    assert_eq!(napoli["name"], "Napoli");

    let lazio = body(app.provinces(&token, Some("12")).await, StatusCode::OK).await;
    let mut siglas: Vec<&str> = lazio["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sigla"].as_str().unwrap())
        .collect();
    siglas.sort_unstable();
    assert_eq!(siglas, ["FR", "LT", "RI", "RM", "VT"]);
}
both_engines!(provinces_are_the_107_and_filter_by_region);

async fn the_2019_training_path_is_seeded(app: TestApp) {
    let token = app.user_with_role("coordinator", &["12"]).await;
    let paths = body(app.training_paths(&token).await, StatusCode::OK).await;
    let paths = paths["items"].as_array().unwrap();
    assert_eq!(paths.len(), 1);
    let path = &paths[0];
    assert_eq!(path["total_hours"], 200);
    let buckets = path["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 3);
    let bucket = |kind: &str| {
        buckets
            .iter()
            .find(|b| b["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} bucket"))
            .clone()
    };
    let classroom = bucket("classroom");
    let distance = bucket("distance");
    let on_the_job = bucket("on_the_job");
    assert_eq!(
        (
            classroom["hours"].as_i64(),
            classroom["share_percent"].as_i64()
        ),
        (Some(40), Some(20))
    );
    assert_eq!(
        (
            distance["hours"].as_i64(),
            distance["share_percent"].as_i64()
        ),
        (Some(40), Some(20))
    );
    assert_eq!(
        (
            on_the_job["hours"].as_i64(),
            on_the_job["share_percent"].as_i64()
        ),
        (Some(120), Some(60))
    );
    let shares: i64 = buckets
        .iter()
        .map(|b| b["share_percent"].as_i64().unwrap())
        .sum();
    assert_eq!(shares, 100);

    // Only the distance bucket lists modules: 8 of them, summing to its 40 hours.
    let modules = distance["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 8);
    let hours: i64 = modules.iter().map(|m| m["hours"].as_i64().unwrap()).sum();
    assert_eq!(hours, 40);
    let mut codes: Vec<&str> = modules
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 8, "module codes are unique");
    assert!(modules
        .iter()
        .all(|m| !m["title"].as_str().unwrap().is_empty()));
    assert!(classroom.get("modules").is_none_or(Value::is_null));
    assert!(on_the_job.get("modules").is_none_or(Value::is_null));
}
both_engines!(the_2019_training_path_is_seeded);

// --- Conventions ---

async fn admin_switches_a_convention_and_back_with_audit(app: TestApp) {
    let admin = app.admin_token().await;
    let me = body(app.me(&admin).await, StatusCode::OK).await;
    let admin_id = me["id"].as_str().unwrap().to_owned();

    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-07-17", "mode": "remote" }),
        )
        .await;
    let c = body(r, StatusCode::OK).await;
    assert_eq!(c["region"], "12");
    assert_eq!(c["mode"], "remote");
    assert_eq!(c["signed_on"], "2019-07-17");
    assert!(c["valid_until"].is_null());
    let got = body(app.convention(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(got["mode"], "remote");
    let lazio = body(app.region(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(lazio["convention"]["mode"], "remote");

    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-07-17", "valid_until": "2021-12-31", "mode": "cpi" }),
        )
        .await;
    let c = body(r, StatusCode::OK).await;
    assert_eq!(c["mode"], "cpi");
    assert_eq!(c["valid_until"], "2021-12-31");
    // Ended at the end of 2021: no longer in force today.
    assert_eq!(c["in_force"], false);
    let got = body(app.convention(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(got["mode"], "cpi");
    assert_eq!(got["valid_until"], "2021-12-31");

    // Campania is untouched.
    let campania = body(app.convention(&admin, "15").await, StatusCode::OK).await;
    assert_eq!(campania["mode"], "remote");

    // Newest first: back to cpi, then to remote, then the seeded line.
    let lines = all_audit(&app, &admin, "&entity=convention&entity_id=12").await;
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines
        .iter()
        .all(|l| l["entity"] == "convention" && l["entity_id"] == "12"));

    let back = &lines[0];
    assert_eq!(back["action"], "convention.set");
    assert_eq!(back["actor"], admin_id.as_str());
    assert_eq!(back["before"]["mode"], "remote");
    assert_eq!(back["after"]["mode"], "cpi");
    assert_eq!(back["after"]["valid_until"], "2021-12-31");

    let switch = &lines[1];
    assert_eq!(switch["action"], "convention.set");
    assert_eq!(switch["actor"], admin_id.as_str());
    assert_eq!(switch["before"]["mode"], "cpi");
    assert_eq!(switch["before"]["signed_on"], "2019-07-17");
    assert_eq!(switch["after"]["mode"], "remote");
    assert!(switch["request_id"].as_str().is_some_and(|s| !s.is_empty()));

    let seeded = &lines[2];
    assert_eq!(seeded["action"], "convention.seeded");
    assert!(seeded["before"].is_null());
    assert!(seeded["actor"].is_null());
    assert_eq!(seeded["after"]["mode"], "cpi");
}
both_engines!(admin_switches_a_convention_and_back_with_audit);

async fn a_convention_for_trentino_can_be_created(app: TestApp) {
    let admin = app.admin_token().await;
    let r = app
        .put_convention(
            &admin,
            "04",
            &json!({ "signed_on": "2020-03-01", "mode": "cpi" }),
        )
        .await;
    let c = body(r, StatusCode::OK).await;
    assert_eq!(c["region"], "04");
    let got = body(app.convention(&admin, "04").await, StatusCode::OK).await;
    assert_eq!(got["signed_on"], "2020-03-01");
    let lines = all_audit(&app, &admin, "&entity=convention&entity_id=04").await;
    assert_eq!(lines.len(), 1);
    assert!(lines[0]["before"].is_null());
    assert_eq!(lines[0]["after"]["mode"], "cpi");

    // A Region that does not exist gets no convention.
    let before = all_audit(&app, &admin, "").await.len();
    let r = app
        .put_convention(
            &admin,
            "99",
            &json!({ "signed_on": "2020-03-01", "mode": "cpi" }),
        )
        .await;
    assert_eq!(problem(r, 404).await["type"], "not-found");
    assert_eq!(all_audit(&app, &admin, "").await.len(), before);
}
both_engines!(a_convention_for_trentino_can_be_created);

async fn a_convention_cannot_end_before_it_is_signed(app: TestApp) {
    let admin = app.admin_token().await;
    let audit_before = all_audit(&app, &admin, "").await.len();
    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-07-17", "valid_until": "2019-07-16", "mode": "remote" }),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["type"], "validation-failed");
    let errors = p["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["field"], "valid_until");
    assert_eq!(errors[0]["code"], "ends-before-it-starts");

    // Nothing changed, nothing logged.
    let c = body(app.convention(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(c["mode"], "cpi");
    assert!(c["valid_until"].is_null());
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);

    // An unknown mode is refused as such.
    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-07-17", "mode": "hybrid" }),
        )
        .await;
    let p = problem(r, 400).await;
    assert_eq!(p["type"], "unknown-enum-value");
    assert_eq!(p["errors"][0]["field"], "mode");
}
both_engines!(a_convention_cannot_end_before_it_is_signed);

async fn only_an_admin_sets_a_convention(app: TestApp) {
    let admin = app.admin_token().await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let hr = app.user_with_role("hr", &[]).await;
    let audit_before = all_audit(&app, &admin, "").await.len();
    let change = json!({ "signed_on": "2019-07-17", "mode": "remote" });

    for token in [&coordinator, &hr] {
        let p = problem(app.put_convention(token, "12", &change).await, 403).await;
        assert_eq!(p["type"], "forbidden");
    }
    let p = problem(app.put("/regions/12/convention", None, &change).await, 401).await;
    assert_eq!(p["type"], "token-missing");

    let c = body(app.convention(&coordinator, "12").await, StatusCode::OK).await;
    assert_eq!(c["mode"], "cpi");
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);
}
both_engines!(only_an_admin_sets_a_convention);

async fn seeding_again_changes_nothing(app: TestApp) {
    let admin = app.admin_token().await;
    let regions = body(app.regions(&admin).await, StatusCode::OK).await;
    let provinces = body(app.provinces(&admin, None).await, StatusCode::OK).await;
    let paths = body(app.training_paths(&admin).await, StatusCode::OK).await;
    let users = users_count(&app, &admin).await;
    assert_eq!(users, 1, "only the bootstrap admin");

    // A change made before the restart.
    let r = app
        .put_convention(
            &admin,
            "12",
            &json!({ "signed_on": "2019-08-01", "mode": "remote" }),
        )
        .await;
    body(r, StatusCode::OK).await;
    // And a change to Campania, to be sure its seeded line is not put back.
    let r = app
        .put_convention(
            &admin,
            "15",
            &json!({ "signed_on": "2019-12-09", "mode": "cpi" }),
        )
        .await;
    body(r, StatusCode::OK).await;
    let seeded_before = all_audit(&app, &admin, "&action=convention.seeded").await;
    assert_eq!(seeded_before.len(), 19);

    let db = app.stop().await;
    let app = navigator_e2e::start_on(db, |_| {}).await;
    let admin = app.admin_token().await;

    let regions_after = body(app.regions(&admin).await, StatusCode::OK).await;
    let provinces_after = body(app.provinces(&admin, None).await, StatusCode::OK).await;
    let paths_after = body(app.training_paths(&admin).await, StatusCode::OK).await;
    assert_eq!(regions_after["items"].as_array().unwrap().len(), 20);
    assert_eq!(provinces_after, provinces);
    assert_eq!(paths_after, paths);
    assert_eq!(users_count(&app, &admin).await, users);
    let posts: i64 = regions_after["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["posts_2019"].as_i64().unwrap())
        .sum();
    assert_eq!(posts, 2980);
    // Every Region but the two changed is as before.
    for (a, b) in regions["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(regions_after["items"].as_array().unwrap())
    {
        if a["code"] != "12" && a["code"] != "15" {
            assert_eq!(a, b);
        }
    }

    // The changes survive the restart.
    let lazio = body(app.convention(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(lazio["mode"], "remote");
    assert_eq!(lazio["signed_on"], "2019-08-01");
    let campania = body(app.convention(&admin, "15").await, StatusCode::OK).await;
    assert_eq!(campania["mode"], "cpi");
    // Trentino-Alto Adige still has none.
    assert_eq!(
        problem(app.convention(&admin, "04").await, 404).await["type"],
        "not-found"
    );
    // No second round of seeding in the log.
    let seeded_after = all_audit(&app, &admin, "&action=convention.seeded").await;
    assert_eq!(seeded_after, seeded_before);
    let admins = all_audit(&app, &admin, "&action=user.created").await;
    assert_eq!(admins.len(), 1, "the admin is created once");
}
both_engines!(seeding_again_changes_nothing);

// --- CPIs ---

async fn admin_creates_a_cpi_and_everyone_reads_it(app: TestApp) {
    let admin = app.admin_token().await;
    let coordinator = app.user_with_role("coordinator", &["15"]).await;
    assert!(all_cpis(&app, &admin).await.is_empty(), "no CPI is seeded");

    let r = app
        .create_cpi(
            &admin,
            &json!({
                "code": "cpi-na-01",
                "name": " CPI Napoli Centro ",
                "province_sigla": "na",
                "address": "Via Medina 1, Napoli",
                "capacity": 12
            }),
        )
        .await;
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let cpi = body(r, StatusCode::CREATED).await;
    assert_eq!(cpi["code"], "CPI-NA-01");
    assert_eq!(cpi["name"], "CPI Napoli Centro");
    assert_eq!(cpi["province"], "NA");
    assert_eq!(cpi["region"], "15");
    assert_eq!(cpi["address"], "Via Medina 1, Napoli");
    assert_eq!(cpi["capacity"], 12);
    assert_eq!(cpi["demo"], false);
    assert_eq!(location.as_deref(), Some("/api/v1/cpis/CPI-NA-01"));

    let got = body(app.cpi(&coordinator, "CPI-NA-01").await, StatusCode::OK).await;
    assert_eq!(got, cpi);
    let got = body(app.cpi(&coordinator, "cpi-na-01").await, StatusCode::OK).await;
    assert_eq!(got["code"], "CPI-NA-01");
    let p = problem(app.cpi(&coordinator, "CPI-NA-99").await, 404).await;
    assert_eq!(p["type"], "not-found");

    // Two more: one in Salerno (Campania), one in Rome (Lazio), no capacity.
    for (code, province) in [("CPI-SA-01", "SA"), ("CPI-RM-01", "RM")] {
        let r = app
            .create_cpi(
                &admin,
                &json!({ "code": code, "name": format!("CPI {code}"), "province_sigla": province }),
            )
            .await;
        let c = body(r, StatusCode::CREATED).await;
        assert!(c["capacity"].is_null());
        assert!(c["address"].is_null());
    }

    let na = body(app.cpis(&coordinator, "?province=NA").await, StatusCode::OK).await;
    assert_eq!(codes_of(na["items"].as_array().unwrap()), ["CPI-NA-01"]);
    let na = body(app.cpis(&coordinator, "?province=na").await, StatusCode::OK).await;
    assert_eq!(codes_of(na["items"].as_array().unwrap()), ["CPI-NA-01"]);
    let campania = body(app.cpis(&coordinator, "?region=15").await, StatusCode::OK).await;
    assert_eq!(
        codes_of(campania["items"].as_array().unwrap()),
        ["CPI-NA-01", "CPI-SA-01"]
    );
    assert!(campania["next_cursor"].is_null());
    let lazio = body(app.cpis(&coordinator, "?region=12").await, StatusCode::OK).await;
    assert_eq!(codes_of(lazio["items"].as_array().unwrap()), ["CPI-RM-01"]);
    let none = body(app.cpis(&coordinator, "?region=04").await, StatusCode::OK).await;
    assert!(none["items"].as_array().unwrap().is_empty());

    // One at a time, by code, with a cursor; no CPI twice.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let q = match &cursor {
            Some(c) => format!("?limit=1&cursor={c}"),
            None => "?limit=1".to_owned(),
        };
        let page = body(app.cpis(&coordinator, &q).await, StatusCode::OK).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 1);
        seen.extend(items.iter().map(|c| c["code"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["CPI-NA-01", "CPI-RM-01", "CPI-SA-01"]);

    // A limit outside 1..=500 is refused, naming it.
    let p = problem(app.cpis(&coordinator, "?limit=0").await, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter");
    assert_eq!(p["errors"][0]["field"], "limit");

    // The creation is audited with the admin as actor.
    let me = body(app.me(&admin).await, StatusCode::OK).await;
    let lines = all_audit(&app, &admin, "&entity=cpi&entity_id=CPI-NA-01").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["action"], "cpi.created");
    assert_eq!(lines[0]["actor"], me["id"]);
    assert_eq!(lines[0]["after"]["code"], "CPI-NA-01");
}
both_engines!(admin_creates_a_cpi_and_everyone_reads_it);

async fn a_cpi_code_is_taken_once(app: TestApp) {
    let admin = app.admin_token().await;
    let cpi = json!({ "code": "CPI-RM-01", "name": "CPI Roma Centro", "province_sigla": "RM" });
    body(app.create_cpi(&admin, &cpi).await, StatusCode::CREATED).await;
    let audit_before = all_audit(&app, &admin, "").await.len();

    let again = json!({ "code": "cpi-rm-01", "name": "Un altro", "province_sigla": "LT" });
    let p = problem(app.create_cpi(&admin, &again).await, 409).await;
    assert_eq!(p["type"], "cpi-exists");

    let stored = body(app.cpi(&admin, "CPI-RM-01").await, StatusCode::OK).await;
    assert_eq!(stored["name"], "CPI Roma Centro");
    assert_eq!(stored["province"], "RM");
    assert_eq!(all_cpis(&app, &admin).await.len(), 1);
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);
}
both_engines!(a_cpi_code_is_taken_once);

async fn a_cpi_needs_a_known_province_and_valid_fields(app: TestApp) {
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let hr = app.user_with_role("hr", &[]).await;
    let admin = app.admin_token().await;
    let audit_before = all_audit(&app, &admin, "").await.len();

    let r = app
        .create_cpi(
            &admin,
            &json!({ "code": "CPI-ZZ-01", "name": "Ignoto", "province_sigla": "ZZ" }),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(p["errors"][0]["field"], "province_sigla");
    assert_eq!(p["errors"][0]["code"], "unknown-province");

    // Every bad field at once.
    let r = app
        .create_cpi(
            &admin,
            &json!({ "code": "bad code!", "name": "  ", "province_sigla": "N4", "capacity": 0 }),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["type"], "validation-failed");
    let got: Vec<(String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("code", "invalid-cpi-code"),
        ("name", "required"),
        ("province_sigla", "invalid-province-sigla"),
        ("capacity", "must-be-positive"),
    ] {
        assert!(
            got.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {got:?}"
        );
    }

    // Only an admin creates CPIs.
    for token in [&coordinator, &hr] {
        let r = app
            .create_cpi(
                token,
                &json!({ "code": "CPI-RM-09", "name": "CPI Roma", "province_sigla": "RM" }),
            )
            .await;
        assert_eq!(problem(r, 403).await["type"], "forbidden");
    }

    assert!(all_cpis(&app, &admin).await.is_empty());
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);
}
both_engines!(a_cpi_needs_a_known_province_and_valid_fields);

async fn a_good_cpi_file_is_imported(app: TestApp) {
    let admin = app.admin_token().await;
    let csv = "code,name,province_sigla,address,capacity\n\
               NA01,CPI Napoli,na,\"Via Roma 1, Napoli\",10\n\
               NA02,CPI Pozzuoli,NA,,\n\
               RM01,CPI Roma Tuscolano,RM,Via Tuscolana 100,4\n";
    let r = app.import_cpis(&admin, csv).await;
    let res = body(r, StatusCode::CREATED).await;
    assert_eq!(res, json!({ "imported": 3 }));

    let na01 = body(app.cpi(&admin, "NA01").await, StatusCode::OK).await;
    assert_eq!(na01["province"], "NA");
    assert_eq!(na01["region"], "15");
    assert_eq!(na01["address"], "Via Roma 1, Napoli");
    assert_eq!(na01["capacity"], 10);
    let na02 = body(app.cpi(&admin, "NA02").await, StatusCode::OK).await;
    assert!(na02["address"].is_null());
    assert!(na02["capacity"].is_null());

    let na = body(app.cpis(&admin, "?province=NA").await, StatusCode::OK).await;
    assert_eq!(codes_of(na["items"].as_array().unwrap()), ["NA01", "NA02"]);
    assert_eq!(all_cpis(&app, &admin).await.len(), 3);
    // One audit line per CPI.
    let lines = all_audit(&app, &admin, "&action=cpi.created").await;
    assert_eq!(lines.len(), 3);

    // With a UTF-8 byte-order mark and CRLF line ends, as spreadsheets write.
    let csv = "\u{feff}code,name,province_sigla,address,capacity\r\nSA01,CPI Salerno,SA,,2\r\n";
    let res = body(app.import_cpis(&admin, csv).await, StatusCode::CREATED).await;
    assert_eq!(res["imported"], 1);
    assert_eq!(all_cpis(&app, &admin).await.len(), 4);
}
both_engines!(a_good_cpi_file_is_imported);

async fn a_bad_cpi_file_is_refused_whole_with_every_row_named(app: TestApp) {
    let admin = app.admin_token().await;
    body(
        app.create_cpi(
            &admin,
            &json!({ "code": "OLD1", "name": "Vecchio", "province_sigla": "RM" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let audit_before = all_audit(&app, &admin, "").await.len();

    let csv = "code,name,province_sigla,address,capacity\n\
               NA01,CPI Napoli,NA,,10\n\
               NA01,Doppione,NA,,\n\
               XX01,Ignota,ZZ,,\n\
               RM01,,RM,,dieci\n\
               RM02,CPI Roma Due,RM,,0\n\
               OLD1,Vecchio,RM,,\n\
               RM03,CPI Roma Tre,RM,,3\n";
    let p = problem(app.import_cpis(&admin, csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    let mut got: Vec<(u64, String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("every error has a line"),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let expected: Vec<(u64, String, String)> = [
        (3, "code", "duplicate-in-file"),
        (4, "province_sigla", "unknown-province"),
        (5, "capacity", "not-a-number"),
        (5, "name", "required"),
        (6, "capacity", "must-be-positive"),
        (7, "code", "already-exists"),
    ]
    .into_iter()
    .map(|(l, f, c)| (l, f.to_owned(), c.to_owned()))
    .collect();
    assert_eq!(got, expected);
    assert!(
        p["detail"].as_str().unwrap().contains('6'),
        "{}",
        p["detail"]
    );

    // Nothing of the file was created, not even the good rows.
    for code in ["NA01", "XX01", "RM01", "RM02", "RM03"] {
        let r = app.cpi(&admin, code).await;
        assert_eq!(problem(r, 404).await["type"], "not-found", "{code}");
    }
    let all = all_cpis(&app, &admin).await;
    assert_eq!(codes_of(&all), ["OLD1"]);
    assert_eq!(all[0]["name"], "Vecchio");
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);
}
both_engines!(a_bad_cpi_file_is_refused_whole_with_every_row_named);

async fn a_cpi_file_with_the_wrong_header_or_shape_is_refused(app: TestApp) {
    let admin = app.admin_token().await;

    let csv = "codice,nome,provincia,indirizzo,capienza\nNA01,CPI Napoli,NA,,10\n";
    let p = problem(app.import_cpis(&admin, csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(p["errors"][0]["line"], 1);
    assert_eq!(p["errors"][0]["field"], "header");
    assert_eq!(p["errors"][0]["code"], "wrong-header");

    // Missing a column in the header.
    let csv = "code,name,province_sigla,address\nNA01,CPI Napoli,NA,\n";
    let p = problem(app.import_cpis(&admin, csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(p["errors"][0]["code"], "wrong-header");

    // A row with too few columns, next to a good one.
    let csv =
        "code,name,province_sigla,address,capacity\nNA01,CPI Napoli,NA,,10\nNA02,CPI Pozzuoli\n";
    let p = problem(app.import_cpis(&admin, csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(p["errors"][0]["line"], 3);
    assert_eq!(p["errors"][0]["code"], "wrong-column-count");

    // A header and no rows.
    let csv = "code,name,province_sigla,address,capacity\n";
    let p = problem(app.import_cpis(&admin, csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(p["errors"][0]["code"], "empty-file");

    assert!(all_cpis(&app, &admin).await.is_empty());
    let p = problem(app.cpi(&admin, "NA01").await, 404).await;
    assert_eq!(p["type"], "not-found");
}
both_engines!(a_cpi_file_with_the_wrong_header_or_shape_is_refused);

async fn a_cpi_import_must_be_csv_and_by_an_admin(app: TestApp) {
    let admin = app.admin_token().await;
    let csv = "code,name,province_sigla,address,capacity\nNA01,CPI Napoli,NA,,10\n";

    let r = app
        .post_raw(
            "/cpis/import",
            Some(&admin),
            "application/json",
            csv.as_bytes().to_vec(),
        )
        .await;
    let p = problem(r, 415).await;
    assert_eq!(p["type"], "unsupported-media-type");

    // A charset parameter is fine.
    let r = app
        .post_raw(
            "/cpis/import",
            Some(&admin),
            "text/csv; charset=utf-8",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(body(r, StatusCode::CREATED).await["imported"], 1);

    let other = "code,name,province_sigla,address,capacity\nNA02,CPI Pozzuoli,NA,,\n";
    let coordinator = app.user_with_role("coordinator", &["15"]).await;
    let hr = app.user_with_role("hr", &[]).await;
    for token in [&coordinator, &hr] {
        let p = problem(app.import_cpis(token, other).await, 403).await;
        assert_eq!(p["type"], "forbidden");
    }
    let r = app
        .post_raw("/cpis/import", None, "text/csv", other.as_bytes().to_vec())
        .await;
    assert_eq!(problem(r, 401).await["type"], "token-missing");

    assert_eq!(codes_of(&all_cpis(&app, &admin).await), ["NA01"]);
}
both_engines!(a_cpi_import_must_be_csv_and_by_an_admin);
