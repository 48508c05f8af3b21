//! Every list answers `{items, next_cursor}` (API.md "Representations"):
//! paging through with a small `limit` gives every item exactly once, in
//! the order of the whole list, the last page with a null cursor; a list
//! takes back only its own cursors (one of another list, an edited one or
//! any other text is 400 `unknown-cursor`); and `GET /contracts?status=`
//! filters before the page is cut.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::training::path_body;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
    s.resignation_notice_days = 0;
}

fn in_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 7, 20);
}

/// `path` with `extra` query parameters added.
fn with(path: &str, extra: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{extra}")
}

/// Every page of `path` with `limit`, following the cursor. Each page but
/// the last is full, the last is not empty unless the list is, and only
/// the last has a null cursor.
async fn pages(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        assert!(out.len() < 200, "{path}: the cursor does not move on");
        let query = match &cursor {
            Some(c) => format!("limit={limit}&cursor={c}"),
            None => format!("limit={limit}"),
        };
        let page = json_of(
            app.get(&with(path, &query), Some(token)).await,
            StatusCode::OK,
        )
        .await;
        let items = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("items in {page}"))
            .clone();
        assert!(items.len() <= limit, "{path}: {page}");
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(items.len(), limit, "{path}: a page before the last is full");
                cursor = Some(c.to_owned());
                out.push(items);
            }
            None => {
                assert!(
                    !items.is_empty() || out.is_empty(),
                    "{path}: the last page is not an empty one after a full one"
                );
                out.push(items);
                return out;
            }
        }
    }
}

/// The whole list in one answer (every list here is below 500).
async fn whole(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let page = json_of(
        app.get(&with(path, "limit=500"), Some(token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(page["next_cursor"].is_null(), "{path}: {page}");
    page["items"].as_array().unwrap().clone()
}

/// Paging `path` with `limit` gives the whole list, in its order, each item
/// exactly once; returns the whole list.
async fn pages_through(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<Value> {
    let all = whole(app, token, path).await;
    let paged: Vec<Value> = pages(app, token, path, limit)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(paged, all, "{path} by {limit}");
    let mut distinct: Vec<String> = all.iter().map(Value::to_string).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), all.len(), "{path}: an item twice");
    all
}

/// Checks a 400 `invalid-query-parameter` problem naming `field` and `code`.
async fn refused(r: reqwest::Response, field: &str, code: &str, what: &str) {
    let p = problem(r, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter", "{what}: {p}");
    assert_eq!(p["errors"][0]["field"], field, "{what}: {p}");
    assert_eq!(p["errors"][0]["code"], code, "{what}: {p}");
}

/// Text that is no cursor of any list, and limits out of range, are
/// refused with a problem naming the parameter.
async fn garbage_cursors_and_limits_are_refused(app: &TestApp, token: &str, path: &str) {
    for cursor in [
        "",
        "zzz",
        "000",
        "not-a-cursor",
        "2019-13-45_x",
        "AQEAAAAAAAAAAAA",
        "%2B%2F%3D",
    ] {
        refused(
            app.get(&with(path, &format!("cursor={cursor}")), Some(token))
                .await,
            "cursor",
            "unknown-cursor",
            &format!("{path} after {cursor:?}"),
        )
        .await;
    }
    for limit in ["0", "501", "tre"] {
        let p = problem(
            app.get(&with(path, &format!("limit={limit}")), Some(token))
                .await,
            400,
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "limit", "{path}: {p}");
    }
}

/// A list to check: who reads it, and its path.
type List<'a> = (&'a str, &'a str);

/// The `next_cursor` of the first page of a list of two items or more,
/// after checking that it leads to the second item.
async fn its_cursor(app: &TestApp, (token, path): List<'_>) -> String {
    let all = whole(app, token, path).await;
    assert!(all.len() >= 2, "{path} has fewer than two items");
    let first = json_of(
        app.get(&with(path, "limit=1"), Some(token)).await,
        StatusCode::OK,
    )
    .await;
    let cursor = first["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: no cursor in {first}"))
        .to_owned();
    let next = json_of(
        app.get(
            &with(path, &format!("limit=1&cursor={cursor}")),
            Some(token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(next["items"][0], all[1], "{path}: the next page");
    cursor
}

/// Each of `lists` takes its own cursor to its next page, and refuses
/// with 400 `unknown-cursor` the cursor of every other one of them (the
/// same list read by another role takes it), its own cursor edited, and
/// text that is no cursor.
async fn each_list_takes_only_its_own_cursors(app: &TestApp, lists: &[List<'_>]) {
    let mut cursors = Vec::new();
    for &list in lists {
        cursors.push(its_cursor(app, list).await);
    }
    for (i, &(token, path)) in lists.iter().enumerate() {
        for (j, cursor) in cursors.iter().enumerate().filter(|(j, _)| *j != i) {
            let answer = app
                .get(&with(path, &format!("cursor={cursor}")), Some(token))
                .await;
            if lists[j].1 == path {
                // The same list read by someone else: its cursor is one.
                json_of(answer, StatusCode::OK).await;
                continue;
            }
            refused(
                answer,
                "cursor",
                "unknown-cursor",
                &format!("{path} given the cursor of {}", lists[j].1),
            )
            .await;
        }
        let own = &cursors[i];
        let middle = own.len() / 2;
        let swapped = if own.as_bytes()[middle] == b'A' {
            "B"
        } else {
            "A"
        };
        let edited = format!("{}{swapped}{}", &own[..middle], &own[middle + 1..]);
        refused(
            app.get(&with(path, &format!("cursor={edited}")), Some(token))
                .await,
            "cursor",
            "unknown-cursor",
            &format!("{path} given its cursor edited"),
        )
        .await;
        garbage_cursors_and_limits_are_refused(app, token, path).await;
    }
}

fn field<'a>(items: &'a [Value], name: &str) -> Vec<&'a str> {
    items
        .iter()
        .map(|i| i[name].as_str().unwrap_or_else(|| panic!("{name} in {i}")))
        .collect()
}

// ------------------------------------------------------- reference data

/// Regions, provinces and training paths page, by code; without `limit`
/// the 20 Regions and 107 provinces still come whole.
async fn reference_lists_page_through(app: TestApp) {
    let admin = app.admin_token().await;

    let regions = pages_through(&app, &admin, "/regions", 3).await;
    assert_eq!(regions.len(), 20);
    let codes = field(&regions, "code");
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");

    let provinces = pages_through(&app, &admin, "/provinces", 10).await;
    assert_eq!(provinces.len(), 107);
    let campania = pages_through(&app, &admin, "/provinces?region=15", 2).await;
    let mut siglas = field(&campania, "sigla");
    siglas.sort_unstable();
    assert_eq!(siglas, ["AV", "BN", "CE", "NA", "SA"]);

    for code in ["navigator-2020", "navigator-2021"] {
        let body = path_body(
            code,
            100,
            &[("classroom", 30), ("distance", 20), ("on_the_job", 50)],
            &[("FAD-A", 20)],
        );
        json_of(app.create_path(&admin, &body).await, StatusCode::CREATED).await;
    }
    let paths = pages_through(&app, &admin, "/training/paths", 1).await;
    let mut codes = field(&paths, "code");
    codes.sort_unstable();
    assert_eq!(
        codes,
        ["navigator-2019", "navigator-2020", "navigator-2021"]
    );

    // Two CPIs, a second account and the audit lines of all the above.
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    app.user_with_role("hr", &[]).await;
    each_list_takes_only_its_own_cursors(
        &app,
        &[
            (&admin, "/regions"),
            (&admin, "/provinces"),
            (&admin, "/training/paths"),
            (&admin, "/cpis"),
            (&admin, "/users"),
            (&admin, "/audit"),
        ],
    )
    .await;
}
both_engines!(reference_lists_page_through);

// ------------------------------------------------------------ selection

/// Selections page newest first; seats page by province, a coordinator's
/// pages holding their own Region's only.
async fn selections_and_seats_page_through(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let posts = [("NA", 2), ("RM", 2), ("SA", 1), ("LT", 1), ("MI", 2)];
    let (id, _) = app.selection_2019(&hr, &posts, 2).await;
    let second = app.selection_id(&hr).await;
    let third = app.selection_id(&hr).await;

    let selections = pages_through(&app, &hr, "/selections", 2).await;
    assert_eq!(
        field(&selections, "id"),
        [third.as_str(), second.as_str(), id.as_str()],
        "newest first"
    );

    let seats_path = format!("/selections/{id}/seats");
    let seats = pages_through(&app, &hr, &seats_path, 2).await;
    assert_eq!(field(&seats, "province"), ["LT", "MI", "NA", "RM", "SA"]);
    let campania = app.user_with_role("coordinator", &["15"]).await;
    let theirs = pages_through(&app, &campania, &seats_path, 1).await;
    assert_eq!(field(&theirs, "province"), ["NA", "SA"]);
    each_list_takes_only_its_own_cursors(
        &app,
        &[
            (&hr, "/selections"),
            (&hr, &seats_path),
            (&campania, &seats_path),
            (&hr, "/regions"),
        ],
    )
    .await;
}
both_engines!(selections_and_seats_page_through, in_2019);

// ------------------------------------------------ a Navigator's records

/// A Navigator's assignments (newest first), their on-the-job logs past
/// the first page (newest day first, two on one day), a SIM's pairings
/// and the offboarding records all page through.
async fn a_navigators_records_page_through(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM", "RM"]).await;
    let hr = p.hr.clone();
    app.cpi_in("RM-EUR", "RM", None).await;
    app.cpi_in("RM-TIB", "RM", None).await;
    let nav = p.navigator(0);
    for (cpi, from) in [
        ("RM-EUR", "2019-07-17"),
        ("RM-TIB", "2019-08-01"),
        ("RM-EUR", "2019-08-15"),
    ] {
        json_of(app.assign(&hr, &nav, cpi, from).await, StatusCode::CREATED).await;
    }
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();

    let assignments_path = format!("/navigators/{nav}/assignments");
    for (who, limit) in [(&hr, 1), (&coordinator, 2), (&token, 1)] {
        let history = pages_through(&app, who, &assignments_path, limit).await;
        assert_eq!(
            field(&history, "from"),
            ["2019-08-15", "2019-08-01", "2019-07-17"]
        );
    }

    // Five logs over three days, two of them on the 30th.
    let mut logged = Vec::new();
    for (i, day) in [
        "2019-08-28",
        "2019-08-30",
        "2019-08-29",
        "2019-08-30",
        "2019-08-27",
    ]
    .iter()
    .enumerate()
    {
        let log = json_of(
            app.log_hours(&token, &format!("client-{i}"), day, 2.0)
                .await,
            StatusCode::CREATED,
        )
        .await;
        logged.push(log["id"].as_str().unwrap().to_owned());
    }
    let first = json_of(
        app.get("/me/ojt-logs?limit=2", Some(&token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(first["next_cursor"].is_string(), "{first}");
    let logs = pages_through(&app, &token, "/me/ojt-logs", 2).await;
    assert_eq!(logs.len(), 5);
    let days = field(&logs, "day");
    assert_eq!(
        days,
        [
            "2019-08-30",
            "2019-08-30",
            "2019-08-29",
            "2019-08-28",
            "2019-08-27"
        ]
    );
    let mut ids: Vec<String> = field(&logs, "id").iter().map(|s| s.to_string()).collect();
    ids.sort();
    logged.sort();
    assert_eq!(ids, logged);

    // A voice SIM in one smartphone, then, that one returned, in another.
    let kit = app.equip(&hr, &p.navigator(1), 1).await;
    json_of(
        app.item_action(
            &hr,
            &kit[0],
            "return",
            &json!({ "condition": "good", "wiped": true }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let spare = app.personalised_kit(&hr, 2).await;
    json_of(
        app.item_action(
            &hr,
            &spare[0],
            "assign",
            &json!({ "navigator_id": p.navigator(1) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.item_action(&hr, &kit[1], "pair", &json!({ "device_id": spare[0] }))
            .await,
        StatusCode::OK,
    )
    .await;
    let pairings_path = format!("/equipment/{}/pairings", kit[1]);
    let pairings = pages_through(&app, &hr, &pairings_path, 1).await;
    assert_eq!(
        field(&pairings, "device_id"),
        [kit[0].as_str(), spare[0].as_str()]
    );
    assert!(pairings[0]["unpaired_at"].is_string(), "{pairings:?}");

    // A second Navigator in the first one's CPI today.
    json_of(
        app.assign(&hr, &p.navigator(1), "RM-EUR", "2019-08-20")
            .await,
        StatusCode::CREATED,
    )
    .await;
    let lists_before_the_endings = [
        (hr.as_str(), assignments_path.as_str()),
        (&token, "/me/ojt-logs"),
        (&hr, &pairings_path),
        (&hr, "/navigators"),
        (&hr, "/cpis/RM-EUR/navigators"),
        (&hr, "/ojt-logs"),
        (&coordinator, "/ojt-logs"),
        (&hr, "/equipment"),
        (&hr, "/contracts"),
        (&hr, "/offers"),
        (&token, "/provinces"),
    ];
    each_list_takes_only_its_own_cursors(&app, &lists_before_the_endings).await;

    // Three endings today: three offboarding records, one still open.
    for c in &p.contracts {
        json_of(
            app.register_resignation(&hr, c["id"].as_str().unwrap(), "2019-08-20", "2019-09-02")
                .await,
            StatusCode::OK,
        )
        .await;
    }
    let records = pages_through(&app, &hr, "/offboarding", 1).await;
    let mut contracts = field(&records, "contract_id");
    contracts.sort_unstable();
    let mut expected: Vec<&str> = p
        .contracts
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    expected.sort_unstable();
    assert_eq!(contracts, expected);
    let open = pages_through(&app, &hr, "/offboarding?open=true", 1).await;
    assert_eq!(field(&open, "navigator_id"), [p.navigator(1).as_str()]);
    each_list_takes_only_its_own_cursors(
        &app,
        &[
            (&hr, "/offboarding"),
            (&hr, "/navigators"),
            (&hr, "/contracts"),
            (&hr, &pairings_path),
        ],
    )
    .await;
}
both_engines!(a_navigators_records_page_through, on_a_working_day);

// ------------------------------------------------------------ contracts

/// More contracts than a page in another state first, then the one that
/// matches: the first page of `status=` holds it. The same for a
/// coordinator whose Region's contract comes after a page of another's.
async fn a_contracts_state_is_filtered_before_the_page_is_cut(app: TestApp) {
    let p = app
        .programme(&[("RM", 4), ("NA", 1)], &["RM", "RM", "RM"])
        .await;
    let hr = p.hr.clone();
    let draft = app.drafted(&hr, &p.selection, "NA").await;
    let draft_id = draft["id"].as_str().unwrap();

    let page = json_of(
        app.contracts(&hr, "?status=draft&limit=2").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        field(page["items"].as_array().unwrap(), "id"),
        [draft_id],
        "{page}"
    );
    assert!(page["next_cursor"].is_null(), "{page}");

    let campania = app.user_with_role("coordinator", &["15"]).await;
    let page = json_of(app.contracts(&campania, "?limit=1").await, StatusCode::OK).await;
    assert_eq!(
        field(page["items"].as_array().unwrap(), "id"),
        [draft_id],
        "{page}"
    );
    assert!(page["next_cursor"].is_null(), "{page}");

    // Paging a state through covers its contracts once, and no other.
    let active = pages_through(&app, &hr, "/contracts?status=active", 1).await;
    let mut ids = field(&active, "id");
    ids.sort_unstable();
    let mut expected: Vec<&str> = p
        .contracts
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let all = pages_through(&app, &hr, "/contracts", 2).await;
    assert_eq!(all.len(), 4);
    assert!(pages(&app, &hr, "/contracts?status=ended", 1).await == vec![Vec::<Value>::new()]);
}
both_engines!(
    a_contracts_state_is_filtered_before_the_page_is_cut,
    in_2019
);
