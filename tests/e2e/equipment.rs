//! Equipment end to end (DOMAIN.md §7): identifiers checked, batches
//! imported whole or not at all, the state machine, one holder per item
//! under concurrency, SIM pairings, the kit and its acknowledgement, and
//! offboarding that closes exactly when nothing is outstanding.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::equipment::{iccid, imei, kit_bodies};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
    s.resignation_notice_days = 0;
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("id in {v}"))
        .to_owned()
}

/// `(field, code)` of each error, with its line when there is one.
fn errors(p: &Value) -> Vec<(Option<u64>, String, String)> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors in {p}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_u64(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// ----------------------------------------------------------- inventory

/// IMEI and ICCID carry a Luhn check digit; numbers and mailboxes are
/// checked; identifiers are unique across the inventory.
async fn identifiers_are_checked_and_unique(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let phone = json_of(
        app.create_item(
            &hr,
            &json!({ "kind": "smartphone", "model": "Galaxy A40", "imei": "490154203237518" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (phone["state"].as_str(), phone["kit_part"].as_str()),
        (Some("in_stock"), Some("smartphone"))
    );

    let p = problem(
        app.create_item(
            &hr,
            &json!({ "kind": "smartphone", "model": "Galaxy A40", "imei": "490154203237517" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(None, "imei".into(), "imei-check-digit".into())]
    );
    let p = problem(
        app.create_item(
            &hr,
            &json!({ "kind": "sim", "iccid": "8939104520000000012", "plan": "data" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(None, "iccid".into(), "iccid-check-digit".into())]
    );
    let sim = json_of(
        app.create_item(&hr, &json!({ "kind": "sim", "iccid": "8939104520000000011", "plan": "voice_data", "phone_number": "+39 347 123 4567" }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sim["phone_number"], "+393471234567");
    let p = problem(
        app.create_item(&hr, &json!({ "kind": "sim", "iccid": "89391045200000000208", "plan": "voice_data", "phone_number": "06 1234567" }))
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(None, "phone_number".into(), "invalid-mobile-number".into())]
    );

    // The same IMEI or number again is refused, naming the field.
    let p = problem(
        app.create_item(
            &hr,
            &json!({ "kind": "smartphone", "model": "Galaxy A40", "imei": "49015420 3237518" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(None, "imei".into(), "already-in-inventory".into())]
    );
    let p = problem(
        app.create_item(&hr, &json!({ "kind": "sim", "iccid": "89391045200000000208", "plan": "voice_data", "phone_number": "3471234567" }))
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(None, "phone_number".into(), "already-in-inventory".into())]
    );

    // Only HR manages the inventory.
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    problem(app.create_item(&coordinator, &kit_bodies(9)[0]).await, 403).await;
}
both_engines!(identifiers_are_checked_and_unique);

/// A procurement batch is imported whole or not at all; every bad row is
/// named with its line and reason.
async fn a_batch_import_is_all_or_nothing(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let header = "kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch";
    let good = [
        format!("smartphone,Galaxy A40,,{},,,,,Consip 2019/1", imei(1)),
        "tablet,Galaxy Tab A,R52M000001,,,,,,Consip 2019/1".to_owned(),
        format!("sim,,,,{},3470000001,voice_data,,Consip 2019/1", iccid(1)),
        format!("sim,,,,{},,data,,Consip 2019/1", iccid(2)),
        "mailbox,,,,,,,mario.rossi@navigator.example.it,".to_owned(),
    ];
    let bad = [
        format!("smartphone,Galaxy A40,,{},,,,,Consip 2019/1", imei(1)),
        "smartphone,Galaxy A40,,490154203237517,,,,,".to_owned(),
        format!("sim,,,,{},,unlimited,,", iccid(3)),
        "laptop,,,,,,,,".to_owned(),
        "tablet,Galaxy Tab A,,,,,,x@y.it,".to_owned(),
    ];
    let csv = format!("{header}\n{}\n{}\n", good.join("\n"), bad.join("\n"));
    let p = problem(app.import_items(&hr, &csv).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    let got = errors(&p);
    for expected in [
        (Some(7), "imei", "duplicate"),
        (Some(8), "imei", "imei-check-digit"),
        (Some(9), "plan", "unknown-plan"),
        (Some(10), "kind", "unknown-kind"),
        (Some(11), "mailbox", "not-for-kind"),
    ] {
        let e = (expected.0, expected.1.to_owned(), expected.2.to_owned());
        assert!(got.contains(&e), "{e:?} in {got:?}");
    }
    assert!(got.iter().all(|(line, _, _)| line.unwrap() >= 7), "{got:?}");
    let none = json_of(app.items(&hr, "").await, StatusCode::OK).await;
    assert!(
        none["items"].as_array().unwrap().is_empty(),
        "nothing was imported: {none}"
    );

    let csv = format!("{header}\n{}\n", good.join("\n"));
    let done = json_of(app.import_items(&hr, &csv).await, StatusCode::CREATED).await;
    assert_eq!(done["imported"], 5);
    let sims = json_of(
        app.items(&hr, "?kind=sim&state=in_stock").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sims["items"].as_array().unwrap().len(), 2);
    // The same batch again clashes with the inventory, row by row.
    let p = problem(app.import_items(&hr, &csv).await, 422).await;
    assert_eq!(errors(&p).len(), 6, "{p}");
    assert!(errors(&p)
        .iter()
        .all(|(_, _, code)| code == "already-in-inventory"));
    problem(app.items(&hr, "?state=lent").await, 400).await;
}
both_engines!(a_batch_import_is_all_or_nothing);

// ------------------------------------------------------ the state machine

/// Items move along the chain of DOMAIN.md §7; anything else is a
/// `forbidden-transition`.
async fn items_follow_the_state_machine(app: TestApp) {
    let p = app.programme(&[("RM", 1)], &["RM"]).await;
    let hr = &p.hr;
    let nav = p.navigator(0);
    let phone = id_of(
        &json_of(
            app.create_item(hr, &kit_bodies(1)[0]).await,
            StatusCode::CREATED,
        )
        .await,
    );

    let b = problem(
        app.item_action(hr, &phone, "assign", &json!({ "navigator_id": nav }))
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "forbidden-transition", "{b}");
    assert!(b["detail"].as_str().unwrap().contains("in_stock"), "{b}");
    json_of(
        app.item_action(hr, &phone, "personalise", &json!({ "on": "2019-09-02" }))
            .await,
        StatusCode::OK,
    )
    .await;
    let b = problem(
        app.item_action(hr, &phone, "personalise", &json!({})).await,
        409,
    )
    .await;
    assert_eq!(b["type"], "forbidden-transition");
    let b = problem(
        app.item_action(
            hr,
            &phone,
            "assign",
            &json!({ "navigator_id": nav, "on": "2019-09-01" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(b["errors"][0]["code"], "before-last-movement", "{b}");
    let b = problem(
        app.item_action(
            hr,
            &phone,
            "assign",
            &json!({ "navigator_id": nav, "on": "2019-09-03" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(b["errors"][0]["code"], "day-in-future", "{b}");
    let held = json_of(
        app.item_action(hr, &phone, "assign", &json!({ "navigator_id": nav }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (held["state"].as_str(), held["navigator_id"].as_str()),
        (Some("assigned"), Some(nav.as_str()))
    );
    // Received and personalised today: an assignment cannot predate them.
    assert_eq!(held["assigned_on"], "2019-09-02");

    // A device comes back wiped.
    let b = problem(
        app.item_action(
            hr,
            &phone,
            "return",
            &json!({ "condition": "good", "wiped": false }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(b["errors"][0]["code"], "wipe-not-confirmed", "{b}");
    let b = problem(app.item_action(hr, &phone, "retire", &json!({})).await, 409).await;
    assert_eq!(b["type"], "forbidden-transition");
    let back = json_of(
        app.item_action(
            hr,
            &phone,
            "return",
            &json!({ "condition": "broken", "wiped": true }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["state"], "broken");
    assert!(back["navigator_id"].is_null());
    let b = problem(
        app.item_action(hr, &phone, "assign", &json!({ "navigator_id": nav }))
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "forbidden-transition");
    let retired = json_of(
        app.item_action(hr, &phone, "retire", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retired["state"], "retired");

    // A lost SIM is written off with its report day and marked for blocking.
    let sim = id_of(
        &json_of(
            app.create_item(hr, &kit_bodies(1)[1]).await,
            StatusCode::CREATED,
        )
        .await,
    );
    json_of(
        app.item_action(hr, &sim, "personalise", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.item_action(hr, &sim, "assign", &json!({ "navigator_id": nav }))
            .await,
        StatusCode::OK,
    )
    .await;
    let lost = json_of(
        app.item_action(
            hr,
            &sim,
            "write-off",
            &json!({ "state": "stolen", "reported_on": "2019-09-02" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (lost["state"].as_str(), lost["reported_on"].as_str()),
        (Some("stolen"), Some("2019-09-02"))
    );
    assert_eq!(lost["block_requested"], true);

    let log = json_of(
        app.audit(hr, &format!("?entity=equipment&entity_id={phone}"))
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
    for a in [
        "equipment.received",
        "equipment.personalise",
        "equipment.assign",
        "equipment.return",
        "equipment.retire",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}
both_engines!(items_follow_the_state_machine, on_a_working_day);

/// Only a signed or active contract receives items; a draft or an ended
/// one does not.
async fn only_a_running_contract_receives_items(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM"]).await;
    let hr = &p.hr;
    let ended = &p.contracts[1];
    json_of(
        app.register_resignation(
            hr,
            ended["id"].as_str().unwrap(),
            "2019-08-01",
            "2019-08-20",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let draft = app.drafted(hr, &p.selection, "RM").await;
    let ids = app.personalised_kit(hr, 1).await;
    for nav in [
        ended["navigator_id"].as_str().unwrap(),
        draft["navigator_id"].as_str().unwrap(),
    ] {
        let b = problem(
            app.item_action(hr, &ids[0], "assign", &json!({ "navigator_id": nav }))
                .await,
            422,
        )
        .await;
        assert_eq!(b["type"], "contract-not-active", "{b}");
    }
    let b = problem(
        app.item_action(hr, &ids[1], "assign", &json!({ "navigator_id": "nessuno" }))
            .await,
        422,
    )
    .await;
    assert_eq!(b["errors"][0]["code"], "unknown-navigator", "{b}");
    // One item of each kit part per Navigator.
    let second = app.personalised_kit(hr, 2).await;
    json_of(
        app.item_action(
            hr,
            &ids[2],
            "assign",
            &json!({ "navigator_id": p.navigator(0) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let b = problem(
        app.item_action(
            hr,
            &second[2],
            "assign",
            &json!({ "navigator_id": p.navigator(0) }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "kit-part-held", "{b}");
}
both_engines!(only_a_running_contract_receives_items, on_a_working_day);

// ------------------------------------------------------------ concurrency

/// The same item assigned to several Navigators at once: one holder.
async fn one_item_assigned_twice_at_once_has_one_holder(app: TestApp) {
    let hire = ["RM"; 6];
    let p = app.programme(&[("RM", 6)], &hire).await;
    let ids = app.personalised_kit(&p.hr, 1).await;
    let requests = (0..hire.len()).map(|i| {
        let (app, hr, nav, item) = (&app, p.hr.clone(), p.navigator(i), ids[0].clone());
        async move {
            app.item_action(&hr, &item, "assign", &json!({ "navigator_id": nav }))
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let item = json_of(app.item(&p.hr, &ids[0]).await, StatusCode::OK).await;
    let holders: usize = (0..hire.len())
        .filter(|i| item["navigator_id"] == p.navigator(*i).as_str())
        .count();
    assert_eq!(holders, 1, "{item}");
}
both_engines!(
    one_item_assigned_twice_at_once_has_one_holder,
    on_a_working_day
);

/// A SIM goes into one device at a time, also when two pairings race; the
/// history is kept.
async fn a_sim_is_paired_into_one_device(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let first = app.personalised_kit(&hr, 1).await;
    let second = app.personalised_kit(&hr, 2).await;
    let (sim, phone_a, phone_b) = (&first[1], &first[0], &second[0]);

    let b = problem(
        app.item_action(&hr, sim, "pair", &json!({ "device_id": first[2] }))
            .await,
        422,
    )
    .await;
    assert_eq!(b["type"], "sim-plan-mismatch", "{b}");
    let b = problem(
        app.item_action(&hr, phone_a, "pair", &json!({ "device_id": phone_b }))
            .await,
        422,
    )
    .await;
    assert_eq!(b["type"], "not-a-sim", "{b}");

    let requests = [phone_a, phone_b].map(|device| {
        let (app, hr) = (&app, hr.clone());
        async move {
            app.item_action(&hr, sim, "pair", &json!({ "device_id": device }))
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    let mut sorted = statuses.to_vec();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![StatusCode::OK, StatusCode::CONFLICT],
        "{statuses:?}"
    );
    let item = json_of(app.item(&hr, sim).await, StatusCode::OK).await;
    let paired = item["paired_with"].as_str().unwrap().to_owned();
    assert!(paired == *phone_a || paired == *phone_b);

    // The other SIM cannot enter the device that holds one.
    let b = problem(
        app.item_action(&hr, &second[1], "pair", &json!({ "device_id": paired }))
            .await,
        409,
    )
    .await;
    assert_eq!(b["type"], "device-already-paired", "{b}");
    let history = json_of(
        app.get(&format!("/equipment/{sim}/pairings"), Some(&hr))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1, "{history}");
}
both_engines!(a_sim_is_paired_into_one_device);

// ------------------------------------------------- the kit, offboarding

/// The kit: complete when all five parts are assigned; the Navigator sees
/// their own and acknowledges receipt from the tablet.
async fn the_kit_is_complete_and_acknowledged(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM", "RM"]).await;
    let hr = &p.hr;
    let pair = app.activate_and_login(&p.email(0)).await;
    let token = pair["access_token"].as_str().unwrap();
    let b = problem(app.acknowledge_kit(token).await, 409).await;
    assert_eq!(b["type"], "nothing-to-acknowledge");

    let ids = app.personalised_kit(hr, 1).await;
    for id in &ids[..4] {
        json_of(
            app.item_action(hr, id, "assign", &json!({ "navigator_id": p.navigator(0) }))
                .await,
            StatusCode::OK,
        )
        .await;
    }
    let kit = json_of(app.my_kit(token).await, StatusCode::OK).await;
    assert_eq!(kit["complete"], false);
    assert_eq!(kit["missing"], json!(["mailbox"]));
    json_of(
        app.item_action(
            hr,
            &ids[4],
            "assign",
            &json!({ "navigator_id": p.navigator(0) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let kit = json_of(app.kit(hr, &p.navigator(0)).await, StatusCode::OK).await;
    assert_eq!(kit["complete"], true);
    assert_eq!(kit["items"].as_array().unwrap().len(), 5);
    assert!(kit["acknowledged_at"].is_null());

    let acked = json_of(app.acknowledge_kit(token).await, StatusCode::OK).await;
    assert!(acked["acknowledged_at"].is_string(), "{acked}");
    assert!(acked["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["acknowledged_at"].is_string()));

    // Another Navigator's kit is not theirs to read.
    problem(app.kit(token, &p.navigator(1)).await, 403).await;
    let other = app.activate_and_login(&p.email(1)).await;
    let kit = json_of(
        app.my_kit(other["access_token"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert!(kit["items"].as_array().unwrap().is_empty());
    assert_eq!(kit["missing"].as_array().unwrap().len(), 5);
}
both_engines!(the_kit_is_complete_and_acknowledged, on_a_working_day);

/// At the contract's end the mailbox is deprovisioned and the offboarding
/// lists what is still held; it closes exactly when the last item comes
/// back or is written off.
async fn offboarding_closes_when_nothing_is_outstanding(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM", "RM"]).await;
    let hr = &p.hr;
    let ids = app.equip(hr, &p.navigator(0), 1).await;
    let contract = p.contracts[0]["id"].as_str().unwrap();
    json_of(
        app.register_resignation(hr, contract, "2019-08-20", "2019-09-02")
            .await,
        StatusCode::OK,
    )
    .await;

    let open = json_of(app.offboarding(hr, "?open=true").await, StatusCode::OK).await;
    let entry = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["contract_id"] == contract)
        .unwrap_or_else(|| panic!("no offboarding for {contract}: {open}"))
        .clone();
    assert_eq!(entry["ended_on"], "2019-09-02");
    let outstanding: Vec<&str> = entry["outstanding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        outstanding,
        vec!["smartphone", "sim", "tablet", "sim"],
        "the mailbox is deprovisioned"
    );
    let mailbox = json_of(app.item(hr, &ids[4]).await, StatusCode::OK).await;
    assert_eq!(
        (
            mailbox["state"].as_str(),
            mailbox["deprovisioned_on"].as_str()
        ),
        (Some("returned"), Some("2019-09-02"))
    );

    let still_open = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["contract_id"] == contract)
    };
    json_of(
        app.item_action(
            hr,
            &ids[0],
            "return",
            &json!({ "condition": "good", "wiped": true }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.item_action(
            hr,
            &ids[1],
            "write-off",
            &json!({ "state": "lost", "reported_on": "2019-09-02" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.item_action(
            hr,
            &ids[2],
            "return",
            &json!({ "condition": "damaged", "wiped": true }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let open = json_of(app.offboarding(hr, "?open=true").await, StatusCode::OK).await;
    assert!(still_open(&open), "one SIM is still out: {open}");
    // The SIM left the tablet when the tablet came back.
    let sim = json_of(app.item(hr, &ids[3]).await, StatusCode::OK).await;
    assert!(sim["paired_with"].is_null(), "{sim}");

    json_of(
        app.item_action(
            hr,
            &ids[3],
            "return",
            &json!({ "condition": "good", "wiped": false }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let open = json_of(app.offboarding(hr, "?open=true").await, StatusCode::OK).await;
    assert!(!still_open(&open), "{open}");
    let all = json_of(app.offboarding(hr, "").await, StatusCode::OK).await;
    let closed = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["contract_id"] == contract)
        .unwrap();
    assert!(closed["closed_at"].is_string(), "{closed}");
    assert!(closed["outstanding"].as_array().unwrap().is_empty());

    // A Navigator who ends holding nothing is closed at once.
    json_of(
        app.register_resignation(
            hr,
            p.contracts[1]["id"].as_str().unwrap(),
            "2019-08-20",
            "2019-09-02",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let all = json_of(app.offboarding(hr, "").await, StatusCode::OK).await;
    let empty = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["contract_id"] == p.contracts[1]["id"])
        .unwrap();
    assert!(empty["closed_at"].is_string(), "{empty}");
}
both_engines!(
    offboarding_closes_when_nothing_is_outstanding,
    on_a_working_day
);
