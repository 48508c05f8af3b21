//! Contracts and HR events end to end (DOMAIN.md §6, §3 rule 1, §5, §10):
//! draft and signature with the Navigator's account, the operational start,
//! states computed for "today", extensions one by one and in bulk (all or
//! none), resignations dated in the future and what their day does,
//! terminations, suspensions, scope and the audit trail.

use chrono::NaiveDate;
use navigator_e2e::contracts::{applicant_of, json_of};
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("id in {v}"))
        .to_owned()
}

fn sign(signed_on: &str, start: &str) -> Value {
    json!({ "signed_on": signed_on, "start_date": start })
}

/// `(field, code)` of every error of a problem.
fn errors(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors in {p}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn contract_of(app: &TestApp, token: &str, id: &str) -> Value {
    json_of(app.contract(token, id).await, StatusCode::OK).await
}

/// `(filled, accepted_unsigned, pending_offers, vacant)` of a province.
async fn seats_of(app: &TestApp, hr: &str, sel: &str, sigla: &str) -> (i64, i64, i64, i64) {
    let all = json_of(app.seats(hr, sel, "").await, StatusCode::OK).await;
    let seat = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["province"] == sigla)
        .unwrap_or_else(|| panic!("no seats for {sigla}: {all}"))
        .clone();
    (
        seat["filled"].as_i64().unwrap(),
        seat["accepted_unsigned"].as_i64().unwrap(),
        seat["pending_offers"].as_i64().unwrap(),
        seat["vacant"].as_i64().unwrap(),
    )
}

/// The audit actions recorded on a contract, oldest first.
async fn contract_actions(app: &TestApp, hr: &str, contract: &str) -> Vec<String> {
    let v = json_of(
        app.audit(
            hr,
            &format!("?entity=contract&entity_id={contract}&limit=500"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut out: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["at"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, a)| a).collect()
}

/// Restarts the service on the same database with "today" fixed at `on`.
async fn restart_on(app: TestApp, on: &str, notice: u64) -> TestApp {
    let today = day(on);
    let db = app.stop().await;
    start_on(db, move |s| {
        s.today = Some(today);
        s.resignation_notice_days = notice;
    })
    .await
}

fn in_2019(s: &mut api::config::Settings) {
    s.today = Some(NaiveDate::from_ymd_opt(2019, 7, 20).unwrap());
}

// ------------------------------------------- draft, signature, the account

/// A draft comes only from an accepted offer whose requirements HR has
/// verified, and only once.
async fn a_draft_needs_an_accepted_offer_and_verified_requirements(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app
        .published_selection(&hr, &[("RM", 2), ("NA", 2)], 4)
        .await;

    let pending = json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    let p = problem(app.draft_contract(&hr, &id_of(&pending), true).await, 409).await;
    assert_eq!(p["type"], "offer-not-accepted", "{p}");

    let accepted = json_of(
        app.offer_action(&hr, &id_of(&pending), "accept").await,
        StatusCode::OK,
    )
    .await;
    let p = problem(app.draft_contract(&hr, &id_of(&accepted), false).await, 422).await;
    assert!(
        errors(&p).iter().any(|(f, _)| f == "requirements_verified"),
        "{p}"
    );

    let draft = json_of(
        app.draft_contract(&hr, &id_of(&accepted), true).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["province"], "RM");
    assert_eq!(draft["region"], "12");
    assert!(draft["signed_on"].is_null() && draft["end_cause"].is_null());
    assert_eq!(draft["application_no"], accepted["application_no"]);

    let p = problem(app.draft_contract(&hr, &id_of(&accepted), true).await, 409).await;
    assert_eq!(p["type"], "contract-exists", "{p}");

    // Only HR drafts contracts.
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    problem(
        app.draft_contract(&coordinator, &id_of(&accepted), true)
            .await,
        403,
    )
    .await;
}
both_engines!(a_draft_needs_an_accepted_offer_and_verified_requirements);

/// A draft holds the seat its accepted offer took: the province has no
/// vacant seat for another call, whatever the selection's end date.
async fn a_draft_keeps_the_seat_of_its_offer(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.published_selection(&hr, &[("RM", 1)], 3).await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 1, 0, 0));
    let p = problem(app.call(&hr, &sel, "RM", &json!({})).await, 409).await;
    assert_eq!(p["type"], "no-vacant-seat", "{p}");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 1, 0, 0));
}
both_engines!(a_draft_keeps_the_seat_of_its_offer);

/// A contract is a co.co.co. (DOMAIN.md §6) with the pay of its selection,
/// copied when it is drafted.
async fn a_contract_records_its_type_and_the_pay_of_its_selection(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app
        .selection_2019_with(
            &hr,
            &json!({ "annual_pay_cents": 3_012_345, "monthly_expenses_cents": 41_000 }),
            &[("RM", 1)],
            2,
        )
        .await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    for c in [
        draft.clone(),
        contract_of(&app, &hr, &id_of(&draft)).await,
        json_of(
            app.sign_contract(&hr, &id_of(&draft), &sign("2019-07-29", "2019-07-31"))
                .await,
            StatusCode::OK,
        )
        .await,
    ] {
        assert_eq!(c["contract_type"], "cococo", "{c}");
        assert_eq!(c["annual_pay_cents"], 3_012_345, "{c}");
        assert_eq!(c["monthly_expenses_cents"], 41_000, "{c}");
    }
}
both_engines!(
    a_contract_records_its_type_and_the_pay_of_its_selection,
    in_2019
);

/// The seats view tells a seat held by an accepted offer whose contract is
/// not signed yet from a filled one: called, the seat is pending; accepted
/// (drafted or not), accepted-unsigned; signed, filled.
async fn an_accepted_seat_is_filled_once_its_contract_is_signed(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2)], 3).await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 0, 2));
    let offer = json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 1, 1));
    json_of(
        app.offer_action(&hr, &id_of(&offer), "accept").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 1, 0, 1));
    let draft = json_of(
        app.draft_contract(&hr, &id_of(&offer), true).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 1, 0, 1));
    json_of(
        app.sign_contract(&hr, &id_of(&draft), &sign("2019-07-15", "2019-07-16"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 0, 0, 1));
    // The second seat: accepted, not drafted, beside the filled one.
    app.accepted_offer(&hr, &sel, "RM").await;
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 1, 0, 0));
}
both_engines!(
    an_accepted_seat_is_filled_once_its_contract_is_signed,
    in_2019
);

/// Signing: dates in order and not before the rankings' publication; the
/// end defaults to the selection's (30 April 2021); once only.
async fn signing_checks_its_dates_and_happens_once(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2)], 3).await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    let id = id_of(&draft);
    assert_eq!(draft["end_date"], "2021-04-30");

    // Signed the day before publication.
    let p = problem(
        app.sign_contract(&hr, &id, &sign("2019-06-23", "2019-07-01"))
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(
            "signed_on".to_owned(),
            "signed-before-ranking-published".to_owned()
        )]
    );
    // Starting before the signature.
    let p = problem(
        app.sign_contract(&hr, &id, &sign("2019-07-29", "2019-07-28"))
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![(
            "start_date".to_owned(),
            "starts-before-signature".to_owned()
        )]
    );
    // Ending before it starts.
    let p = problem(
        app.sign_contract(
            &hr,
            &id,
            &json!({ "signed_on": "2019-07-29", "start_date": "2019-07-31", "end_date": "2019-07-30" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![("end_date".to_owned(), "ends-before-it-starts".to_owned())]
    );
    // All three at once are all named.
    let p = problem(
        app.sign_contract(
            &hr,
            &id,
            &json!({ "signed_on": "2019-06-20", "start_date": "2019-06-19", "end_date": "2019-06-18" }),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<String> = errors(&p).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, vec!["signed_on", "start_date", "end_date"]);
    // Nothing was signed by the refused attempts.
    assert_eq!(contract_of(&app, &hr, &id).await["status"], "draft");

    let signed = json_of(
        app.sign_contract(&hr, &id, &sign("2019-07-20", "2019-07-29"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(signed["signed_on"], "2019-07-20");
    assert_eq!(signed["start_date"], "2019-07-29");
    assert_eq!(signed["end_date"], "2021-04-30");
    // Today (20 July 2019) is before the start.
    assert_eq!(signed["status"], "signed");

    let p = problem(
        app.sign_contract(&hr, &id, &sign("2019-07-21", "2019-07-29"))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "contract-already-signed", "{p}");
    let after = contract_of(&app, &hr, &id).await;
    assert_eq!(after["signed_on"], "2019-07-20");

    let actions = contract_actions(&app, &hr, &id).await;
    assert_eq!(actions, vec!["contract.drafted", "contract.signed"]);
}
both_engines!(signing_checks_its_dates_and_happens_once, in_2019);

/// Signing creates the Navigator's account (role navigator, the
/// application's email) and mails an activation link; the Navigator then
/// reads their own contract. The operational start is the later of the
/// start and the Region's convention: Campania's (9 December 2019) for a
/// contract signed in November 2019, the start itself in Lazio.
async fn signing_opens_the_navigators_account_and_the_operational_start(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.selection_2019(&hr, &[("RM", 1), ("NA", 1)], 2).await;

    let lazio = app
        .signed(&hr, &sel, "RM", &sign("2019-07-29", "2019-07-31"))
        .await;
    assert_eq!(lazio["region"], "12");
    assert_eq!(lazio["operational_start"], "2019-07-31");
    assert_eq!(lazio["end_date"], "2021-04-30");
    assert_eq!(lazio["status"], "active");
    assert!(lazio["end_cause"].is_null());

    let campania = app
        .signed(&hr, &sel, "NA", &sign("2019-11-20", "2019-11-21"))
        .await;
    assert_eq!(campania["region"], "15");
    assert_eq!(campania["start_date"], "2019-11-21");
    assert_eq!(campania["operational_start"], "2019-12-09");
    assert_eq!(campania["status"], "active");
    assert_eq!(
        contract_of(&app, &hr, &id_of(&campania)).await["operational_start"],
        "2019-12-09"
    );

    // The Navigator of the Campania contract activates their account.
    let email = applicant_of(&list, &campania).email.clone();
    let pair = app.activate_and_login(&email).await;
    assert_eq!(pair["user"]["role"], "navigator");
    assert_eq!(pair["user"]["email"], email.as_str());
    assert_eq!(pair["user"]["navigator_id"], campania["navigator_id"]);
    let token = pair["access_token"].as_str().unwrap();
    let mine = json_of(app.my_contract(token).await, StatusCode::OK).await;
    assert_eq!(mine["id"], campania["id"]);
    assert_eq!(mine["operational_start"], "2019-12-09");

    // A Navigator reads their own contract only.
    problem(app.contracts(token, "").await, 403).await;
    problem(app.contract(token, &id_of(&lazio)).await, 403).await;
    // HR has no contract of their own to read.
    problem(app.my_contract(&hr).await, 403).await;

    // The account is in the audit trail, the signature too.
    let actions = contract_actions(&app, &hr, &id_of(&campania)).await;
    assert!(
        actions.contains(&"contract.signed".to_owned()),
        "{actions:?}"
    );
}
both_engines!(
    signing_opens_the_navigators_account_and_the_operational_start,
    |s: &mut api::config::Settings| s.today = Some(NaiveDate::from_ymd_opt(2019, 12, 10).unwrap())
);

// ------------------------------------------------------------- the states

/// The state is computed for today: signed before the start, active,
/// suspended within a suspension (overlaps refused), ended after the end
/// date with cause `expired`.
async fn the_state_follows_today(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let c = app
        .signed(&hr, &sel, "RM", &sign("2019-07-20", "2019-07-29"))
        .await;
    let id = id_of(&c);
    assert_eq!(c["status"], "signed");

    let s = json_of(
        app.suspend_contract(&hr, &id, "2019-09-01", "2019-09-10")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["status"], "signed");
    let p = problem(
        app.suspend_contract(&hr, &id, "2019-09-10", "2019-09-20")
            .await,
        422,
    )
    .await;
    assert!(
        errors(&p).iter().any(|(_, c)| c == "overlaps-suspension"),
        "{p}"
    );
    assert_eq!(
        contract_of(&app, &hr, &id).await["suspensions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let app = restart_on(app, "2019-09-01", 0).await;
    assert_eq!(contract_of(&app, &hr, &id).await["status"], "suspended");
    // A suspension keeps the seat.
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 0, 0, 0));
    let app = restart_on(app, "2019-09-11", 0).await;
    assert_eq!(contract_of(&app, &hr, &id).await["status"], "active");
    let app = restart_on(app, "2021-04-30", 0).await;
    let last = contract_of(&app, &hr, &id).await;
    assert_eq!(
        (last["status"].as_str(), last["end_cause"].as_str()),
        (Some("active"), None)
    );
    let app = restart_on(app, "2021-05-01", 0).await;
    let ended = contract_of(&app, &hr, &id).await;
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["end_cause"], "expired");
    // The status filter sees it so.
    let listed = json_of(app.contracts(&hr, "?status=ended").await, StatusCode::OK).await;
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id.as_str()));
    let listed = json_of(app.contracts(&hr, "?status=active").await, StatusCode::OK).await;
    assert!(!listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id.as_str()));
}
both_engines!(the_state_follows_today, in_2019);

// -------------------------------------------------------------- extensions

async fn end_dates(app: &TestApp, hr: &str, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        out.push(
            contract_of(app, hr, id).await["end_date"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    out
}

/// Three contracts signed in 2019: two in Lazio, one in Campania.
/// Returns their ids and their Navigators' emails.
async fn three_2019_contracts(app: &TestApp, hr: &str) -> (Vec<String>, Vec<String>) {
    let (sel, list) = app.selection_2019(hr, &[("RM", 2), ("NA", 1)], 3).await;
    let mut ids = Vec::new();
    let mut emails = Vec::new();
    for (sigla, signed, start) in [
        ("RM", "2019-07-20", "2019-07-29"),
        ("RM", "2019-07-20", "2019-07-29"),
        ("NA", "2019-07-20", "2019-11-21"),
    ] {
        let c = app.signed(hr, &sel, sigla, &sign(signed, start)).await;
        ids.push(id_of(&c));
        emails.push(applicant_of(&list, &c).email.clone());
    }
    (ids, emails)
}

/// The 2019 history: every contract extended to 31 Dec 2021 in one call,
/// then to 30 Apr 2022 in one call, then Region by Region.
async fn bulk_extensions_follow_the_2019_history(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (ids, emails) = three_2019_contracts(&app, &hr).await;
    app.activate_and_login(&emails[0]).await;

    let app = restart_on(app, "2021-04-15", 0).await;
    let r = json_of(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2021-12-31", "reason": "proroga 2021" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["extended"], 3, "{r}");
    let first_batch = r["batch_id"].clone();
    assert_eq!(end_dates(&app, &hr, &ids).await, vec!["2021-12-31"; 3]);

    // After the original end the contracts still run, and their
    // Navigators still log in.
    let app = restart_on(app, "2021-12-20", 0).await;
    for id in &ids {
        assert_eq!(contract_of(&app, &hr, id).await["status"], "active");
    }
    app.login_ok(&emails[0], PASSWORD).await;
    let r = json_of(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2022-04-30", "reason": "proroga 2022" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["extended"], 3, "{r}");
    assert_ne!(r["batch_id"], first_batch);
    assert_eq!(end_dates(&app, &hr, &ids).await, vec!["2022-04-30"; 3]);

    // Then Region by Region: Lazio only.
    let app = restart_on(app, "2022-04-20", 0).await;
    let r = json_of(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2022-12-31", "region": "12", "reason": "proroga Lazio" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["extended"], 2, "{r}");
    assert_eq!(
        end_dates(&app, &hr, &ids).await,
        vec!["2022-12-31", "2022-12-31", "2022-04-30"]
    );

    // Campania's ended on its own end date; Lazio's run on.
    let app = restart_on(app, "2022-05-01", 0).await;
    let na = contract_of(&app, &hr, &ids[2]).await;
    assert_eq!(
        (na["status"].as_str(), na["end_cause"].as_str()),
        (Some("ended"), Some("expired"))
    );
    assert_eq!(contract_of(&app, &hr, &ids[0]).await["status"], "active");
    app.login_ok(&emails[0], PASSWORD).await;
    // Once Lazio's extended end has passed, the login stops.
    let app = restart_on(app, "2023-01-01", 0).await;
    problem(app.login(&emails[0], PASSWORD).await, 401).await;

    let actions = contract_actions(&app, &hr, &ids[0]).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "contract.extended").count(),
        3,
        "{actions:?}"
    );
}
both_engines!(bulk_extensions_follow_the_2019_history, in_2019);

/// A bulk extension is all or nothing: when one contract cannot be
/// extended (already extended beyond the new date) none is, and the answer
/// names it.
async fn a_bulk_extension_is_all_or_nothing(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (ids, _) = three_2019_contracts(&app, &hr).await;

    let one = json_of(
        app.extend_contract(&hr, &ids[1], "2022-06-30").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["end_date"], "2022-06-30");

    let p = problem(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2021-12-31", "reason": "proroga 2021" }),
        )
        .await,
        422,
    )
    .await;
    let errs = errors(&p);
    assert_eq!(
        errs,
        vec![(
            format!("contracts[{}]", ids[1]),
            "extension-not-later".to_owned()
        )],
        "{p}"
    );
    assert_eq!(
        end_dates(&app, &hr, &ids).await,
        vec!["2021-04-30", "2022-06-30", "2021-04-30"]
    );
    for id in [&ids[0], &ids[2]] {
        let actions = contract_actions(&app, &hr, id).await;
        assert!(
            !actions.contains(&"contract.extended".to_owned()),
            "{actions:?}"
        );
    }

    // Within one Region that has none in the way, it goes through.
    let r = json_of(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2021-12-31", "region": "15", "reason": "proroga Campania" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["extended"], 1);
    assert_eq!(
        end_dates(&app, &hr, &ids).await,
        vec!["2021-04-30", "2022-06-30", "2021-12-31"]
    );
}
both_engines!(a_bulk_extension_is_all_or_nothing, in_2019);

/// One extension: later than the current end, never on an ended contract.
async fn an_extension_moves_the_end_later_on_a_running_contract(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2)], 2).await;
    let c = app
        .signed(&hr, &sel, "RM", &sign("2019-07-20", "2019-07-29"))
        .await;
    let id = id_of(&c);
    for not_later in ["2021-04-30", "2020-12-31"] {
        let p = problem(app.extend_contract(&hr, &id, not_later).await, 422).await;
        assert_eq!(
            errors(&p),
            vec![("new_end_date".to_owned(), "extension-not-later".to_owned())],
            "{p}"
        );
    }
    assert_eq!(contract_of(&app, &hr, &id).await["end_date"], "2021-04-30");
    // A draft cannot be extended.
    let draft = app.drafted(&hr, &sel, "RM").await;
    problem(
        app.extend_contract(&hr, &id_of(&draft), "2021-12-31").await,
        422,
    )
    .await;

    let app = restart_on(app, "2021-05-01", 0).await;
    let p = problem(app.extend_contract(&hr, &id, "2021-12-31").await, 422).await;
    assert!(errors(&p).iter().any(|(_, c)| c == "contract-ended"), "{p}");
    let ended = contract_of(&app, &hr, &id).await;
    assert_eq!(
        (ended["end_date"].as_str(), ended["status"].as_str()),
        (Some("2021-04-30"), Some("ended"))
    );
    // An ended contract is no part of a bulk extension.
    let r = json_of(
        app.extend_contracts(
            &hr,
            &json!({ "new_end_date": "2021-12-31", "reason": "proroga" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["extended"], 0, "{r}");
    assert_eq!(contract_of(&app, &hr, &id).await["end_date"], "2021-04-30");
}
both_engines!(
    an_extension_moves_the_end_later_on_a_running_contract,
    in_2019
);

// ------------------------------------------------------------ resignations

/// A resignation dated in the future keeps everything working until its
/// day; on that day the seat is vacant (a new call can be made), the
/// offboarding opens, and the Navigator's login, access token and refresh
/// token stop working.
async fn a_future_resignation_acts_on_its_day(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.selection_2019(&hr, &[("RM", 1)], 3).await;
    let c = app
        .signed(&hr, &sel, "RM", &sign("2019-07-20", "2019-07-22"))
        .await;
    let id = id_of(&c);
    let email = applicant_of(&list, &c).email.clone();
    let pair = app.activate_and_login(&email).await;
    let access = pair["access_token"].as_str().unwrap().to_owned();

    let resigned = json_of(
        app.my_resignation(&access, "2019-09-02").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resigned["status"], "signed");
    assert!(resigned["end_cause"].is_null(), "{resigned}");
    // Resigning twice is refused.
    let p = problem(app.my_resignation(&access, "2019-09-03").await, 422).await;
    assert!(errors(&p).iter().any(|(_, c)| c == "contract-ended"), "{p}");

    // The day before: everything still works.
    let app = restart_on(app, "2019-09-01", 0).await;
    let mine = json_of(app.my_contract(&access).await, StatusCode::OK).await;
    assert_eq!(mine["status"], "active");
    let later = app.login_ok(&email, PASSWORD).await;
    let refresh = later["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 0, 0, 0));
    let p = problem(app.call(&hr, &sel, "RM", &json!({})).await, 409).await;
    assert_eq!(p["type"], "no-vacant-seat", "{p}");
    let open = json_of(app.offboarding(&hr, "?open=true").await, StatusCode::OK).await;
    assert!(
        !open["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["contract_id"] == id.as_str()),
        "{open}"
    );

    // The effective day: ended on that very day.
    let app = restart_on(app, "2019-09-02", 0).await;
    let p = problem(app.my_contract(&access).await, 401).await;
    assert_eq!(p["type"], "token-revoked", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("contratto"), "{p}");
    problem(app.login(&email, PASSWORD).await, 401).await;
    problem(app.refresh(&refresh).await, 401).await;

    let ended = contract_of(&app, &hr, &id).await;
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["end_cause"], "resigned");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 0, 1));
    // The record opens on the day; holding no equipment, it closes at once.
    let all = json_of(app.offboarding(&hr, "").await, StatusCode::OK).await;
    let entry = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["contract_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no offboarding for {id}: {all}"))
        .clone();
    assert_eq!(entry["ended_on"], "2019-09-02");
    assert_eq!(entry["navigator_id"], c["navigator_id"]);
    assert!(entry["closed_at"].is_string(), "{entry}");

    let next = json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(next["application_no"], c["application_no"]);

    let actions = contract_actions(&app, &hr, &id).await;
    for a in [
        "contract.drafted",
        "contract.signed",
        "contract.resignation",
        "contract.ended",
    ] {
        assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
    }
}
both_engines!(a_future_resignation_acts_on_its_day, in_2019);

/// The notice: effective no earlier than submission + notice days, for a
/// resignation registered by HR as for one from the app.
async fn a_resignation_respects_the_notice(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.selection_2019(&hr, &[("RM", 2)], 2).await;
    let a = app
        .signed(&hr, &sel, "RM", &sign("2019-07-20", "2019-07-22"))
        .await;
    let b = app
        .signed(&hr, &sel, "RM", &sign("2019-07-20", "2019-07-22"))
        .await;

    let p = problem(
        app.register_resignation(&hr, &id_of(&a), "2019-08-01", "2019-08-15")
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        vec![("effective_on".to_owned(), "before-notice".to_owned())],
        "{p}"
    );
    assert!(contract_of(&app, &hr, &id_of(&a)).await["scheduled_end"].is_null());
    let ok = json_of(
        app.register_resignation(&hr, &id_of(&a), "2019-08-01", "2019-08-16")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["status"], "signed");

    // From the app: submitted today (20 July 2019).
    let email = applicant_of(&list, &b).email.clone();
    let pair = app.activate_and_login(&email).await;
    let token = pair["access_token"].as_str().unwrap();
    let p = problem(app.my_resignation(token, "2019-08-03").await, 422).await;
    assert_eq!(
        errors(&p),
        vec![("effective_on".to_owned(), "before-notice".to_owned())],
        "{p}"
    );
    json_of(
        app.my_resignation(token, "2019-08-04").await,
        StatusCode::OK,
    )
    .await;
}
both_engines!(
    a_resignation_respects_the_notice,
    |s: &mut api::config::Settings| {
        in_2019(s);
        s.resignation_notice_days = 15;
    }
);

/// A resignation effective today ends the contract today and frees its
/// seat at once.
async fn a_resignation_effective_today_ends_the_contract_today(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let c = app
        .signed(&hr, &sel, "RM", &sign("2019-07-15", "2019-07-16"))
        .await;
    let r = json_of(
        app.register_resignation(&hr, &id_of(&c), "2019-07-20", "2019-07-20")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["status"], "ended");
    assert_eq!(r["end_cause"], "resigned");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 0, 1));
    json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
}
both_engines!(
    a_resignation_effective_today_ends_the_contract_today,
    in_2019
);

// ------------------------------------------------------------ terminations

/// HR ends a contract by withdrawal or exclusion; a resignation is not a
/// termination cause.
async fn a_termination_is_a_withdrawal_or_an_exclusion(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let c = app
        .signed(&hr, &sel, "RM", &sign("2019-07-15", "2019-07-16"))
        .await;
    let id = id_of(&c);
    let email = applicant_of(&list, &c).email.clone();
    let pair = app.activate_and_login(&email).await;
    let access = pair["access_token"].as_str().unwrap();

    let p = problem(
        app.terminate_contract(
            &hr,
            &id,
            &json!({ "cause": "resigned", "effective_on": "2019-07-20", "reason": "x" }),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(p["type"], "unknown-enum-value", "{p}");
    assert_eq!(contract_of(&app, &hr, &id).await["status"], "active");

    let r = json_of(
        app.terminate_contract(
            &hr,
            &id,
            &json!({ "cause": "withdrawn", "effective_on": "2019-07-20", "reason": "obiettivi mancati" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["status"], "ended");
    assert_eq!(r["end_cause"], "withdrawn");
    // Effective today: the token stops now, the seat is vacant now.
    let p = problem(app.my_contract(access).await, 401).await;
    assert_eq!(p["type"], "token-revoked", "{p}");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 0, 1));
    // Ended contracts cannot be ended again.
    let p = problem(
        app.terminate_contract(
            &hr,
            &id,
            &json!({ "cause": "excluded", "effective_on": "2019-07-20", "reason": "x" }),
        )
        .await,
        422,
    )
    .await;
    assert!(errors(&p).iter().any(|(_, c)| c == "contract-ended"), "{p}");
    let actions = contract_actions(&app, &hr, &id).await;
    assert!(
        actions.contains(&"contract.withdrawn".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"contract.ended".to_owned()),
        "{actions:?}"
    );
}
both_engines!(a_termination_is_a_withdrawal_or_an_exclusion, in_2019);

/// Whatever ends a contract on the day (an exclusion, a resignation
/// registered by HR, one from the app), the ending does all of DOMAIN.md
/// §6.3 within the request: the CPI assignment closes on the last day, the
/// offboarding record opens with the kit still held (the mailbox
/// deprovisioned), the login stops, and the seat is vacant.
async fn every_ending_on_the_day_does_the_whole_ending_at_once(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM", "RM"]).await;
    app.cpi_in("RM-EUR", "RM", None).await;
    let hr = &p.hr;
    let mut tokens = Vec::new();
    for i in 0..3 {
        json_of(
            app.assign(hr, &p.navigator(i), "RM-EUR", "2019-07-17")
                .await,
            StatusCode::CREATED,
        )
        .await;
        app.equip(hr, &p.navigator(i), i as u32).await;
        let pair = app.activate_and_login(&p.email(i)).await;
        tokens.push(pair["access_token"].as_str().unwrap().to_owned());
    }
    let ids: Vec<String> = p.contracts.iter().map(id_of).collect();

    let ended = [
        app.terminate_contract(
            hr,
            &ids[0],
            &json!({ "cause": "excluded", "effective_on": "2019-07-20", "reason": "esclusione" }),
        )
        .await,
        app.register_resignation(hr, &ids[1], "2019-07-20", "2019-07-20")
            .await,
        app.my_resignation(&tokens[2], "2019-07-20").await,
    ];
    let mut causes = Vec::new();
    for r in ended {
        let v = json_of(r, StatusCode::OK).await;
        assert_eq!(v["status"], "ended", "{v}");
        causes.push(v["end_cause"].as_str().unwrap().to_owned());
    }
    assert_eq!(causes, ["excluded", "resigned", "resigned"]);

    for i in 0..3 {
        let nav = p.navigator(i);
        // The assignment closed on the last day, read without settling.
        let history = json_of(app.assignments(hr, &nav).await, StatusCode::OK).await;
        let a = &history["items"][0];
        assert_eq!(
            (&a["from"], &a["to"], &a["closed_by"]),
            (
                &json!("2019-07-17"),
                &json!("2019-07-19"),
                &json!("contract-ended")
            ),
            "{history}"
        );
        let p401 = problem(app.my_contract(&tokens[i]).await, 401).await;
        assert_eq!(p401["type"], "token-revoked", "{p401}");
        problem(app.login(&p.email(i), PASSWORD).await, 401).await;
        let actions = contract_actions(&app, hr, &ids[i]).await;
        assert!(
            actions.contains(&"contract.ended".to_owned()),
            "{actions:?}"
        );
    }
    let open = json_of(app.offboarding(hr, "?open=true").await, StatusCode::OK).await;
    for id in &ids {
        let entry = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["contract_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no open offboarding for {id}: {open}"));
        assert_eq!(entry["ended_on"], "2019-07-20");
        let kinds: Vec<&str> = entry["outstanding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.len(), 4, "{entry}");
        assert!(!kinds.contains(&"mailbox"), "{entry}");
    }
    assert_eq!(seats_of(&app, hr, &p.selection, "RM").await, (0, 0, 0, 3));
}
both_engines!(
    every_ending_on_the_day_does_the_whole_ending_at_once,
    in_2019
);

// ------------------------------------------------------------------ scope

/// HR filters the list; a coordinator sees their own Region's contracts
/// only; others are out of scope.
async fn contracts_are_read_within_ones_scope(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app
        .selection_2019(&hr, &[("RM", 1), ("LT", 1), ("NA", 1)], 2)
        .await;
    let rm = app
        .signed(&hr, &sel, "RM", &sign("2019-07-15", "2019-07-16"))
        .await;
    let lt = app
        .signed(&hr, &sel, "LT", &sign("2019-07-15", "2019-07-29"))
        .await;
    let na = app.drafted(&hr, &sel, "NA").await;

    let ids = |v: &Value| -> Vec<String> {
        let mut out: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect();
        out.sort();
        out
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let all = json_of(app.contracts(&hr, "").await, StatusCode::OK).await;
    assert_eq!(ids(&all), sorted(vec![id_of(&rm), id_of(&lt), id_of(&na)]));
    let lazio = json_of(app.contracts(&hr, "?region=12").await, StatusCode::OK).await;
    assert_eq!(ids(&lazio), sorted(vec![id_of(&rm), id_of(&lt)]));
    let latina = json_of(app.contracts(&hr, "?province=LT").await, StatusCode::OK).await;
    assert_eq!(ids(&latina), vec![id_of(&lt)]);
    let signed = json_of(app.contracts(&hr, "?status=signed").await, StatusCode::OK).await;
    assert_eq!(ids(&signed), vec![id_of(&lt)]);
    let draft = json_of(app.contracts(&hr, "?status=draft").await, StatusCode::OK).await;
    assert_eq!(ids(&draft), vec![id_of(&na)]);
    problem(app.contracts(&hr, "?status=finito").await, 400).await;

    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let seen = json_of(app.contracts(&coordinator, "").await, StatusCode::OK).await;
    assert_eq!(ids(&seen), sorted(vec![id_of(&rm), id_of(&lt)]));
    let p = problem(app.contracts(&coordinator, "?region=15").await, 403).await;
    assert_eq!(p["type"], "out-of-scope", "{p}");
    contract_of(&app, &coordinator, &id_of(&rm)).await;
    problem(app.contract(&coordinator, &id_of(&na)).await, 403).await;
    // Only HR changes contracts.
    problem(
        app.extend_contract(&coordinator, &id_of(&rm), "2021-12-31")
            .await,
        403,
    )
    .await;
    problem(
        app.extend_contracts(
            &coordinator,
            &json!({ "new_end_date": "2021-12-31", "reason": "x" }),
        )
        .await,
        403,
    )
    .await;
    problem(app.offboarding(&coordinator, "").await, 403).await;
}
both_engines!(contracts_are_read_within_ones_scope, in_2019);
