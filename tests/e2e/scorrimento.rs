//! Scorrimento end to end: calls, offers and their outcomes, fallback,
//! expiry, HR actions on candidates, the audit trail, and concurrent calls.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use navigator_e2e::endpoints::problem;
use navigator_e2e::selection::{applicants, Applicant};
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

/// The body of an answer with the expected status; the body is shown when
/// the status differs.
async fn body(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// A call that must create an offer.
async fn call_ok(app: &TestApp, hr: &str, id: &str, sigla: &str, req: &Value) -> Value {
    let offer = body(app.call(hr, id, sigla, req).await, StatusCode::CREATED).await;
    assert_eq!(offer["status"], "pending");
    assert_eq!(offer["province"], sigla.to_ascii_uppercase());
    offer
}

/// A call that must be refused with `status` and problem `kind`.
async fn call_refused(
    app: &TestApp,
    hr: &str,
    id: &str,
    sigla: &str,
    req: &Value,
    status: u16,
    kind: &str,
) {
    let p = problem(app.call(hr, id, sigla, req).await, status).await;
    assert_eq!(p["type"], kind, "{p}");
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// The entries of the province's ranking.
async fn ranking(app: &TestApp, hr: &str, id: &str, sigla: &str) -> Vec<Value> {
    let v = body(app.ranking(hr, id, sigla, "").await, StatusCode::OK).await;
    v["entries"].as_array().unwrap().clone()
}

/// Candidate id by application number, from the ranking.
async fn candidate_ids(app: &TestApp, hr: &str, id: &str, sigla: &str) -> BTreeMap<String, String> {
    ranking(app, hr, id, sigla)
        .await
        .iter()
        .map(|e| {
            (
                s(e, "application_no").to_owned(),
                s(e, "candidate_id").to_owned(),
            )
        })
        .collect()
}

async fn candidate_state(app: &TestApp, hr: &str, candidate: &str) -> String {
    let c = body(
        app.get(&format!("/candidates/{candidate}"), Some(hr)).await,
        StatusCode::OK,
    )
    .await;
    s(&c, "state").to_owned()
}

/// `(posts, taken, pending_offers, vacant)` of a province, `taken` being
/// the seats accepted offers hold: filled (contract signed) or accepted
/// and not signed yet.
async fn seats_of(app: &TestApp, hr: &str, id: &str, sigla: &str) -> (i64, i64, i64, i64) {
    let all = body(app.seats(hr, id, "").await, StatusCode::OK).await;
    let seat = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["province"] == sigla)
        .unwrap_or_else(|| panic!("no seats for {sigla}: {all}"))
        .clone();
    (
        seat["posts"].as_i64().unwrap(),
        seat["filled"].as_i64().unwrap() + seat["accepted_unsigned"].as_i64().unwrap(),
        seat["pending_offers"].as_i64().unwrap(),
        seat["vacant"].as_i64().unwrap(),
    )
}

/// The offers of a selection matching `query` (`&status=...`).
async fn offers_of(app: &TestApp, hr: &str, id: &str, query: &str) -> Vec<Value> {
    let page = body(
        app.offers(hr, &format!("?selection={id}&limit=500{query}"))
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn offer(app: &TestApp, hr: &str, id: &str, offer_id: &str) -> Value {
    offers_of(app, hr, id, "")
        .await
        .into_iter()
        .find(|o| o["id"] == offer_id)
        .unwrap_or_else(|| panic!("offer {offer_id} not listed"))
}

/// Audit lines for `action` on `entity_id`.
async fn audit_of(app: &TestApp, hr: &str, action: &str, entity_id: &str) -> Vec<Value> {
    let page = body(
        app.audit(
            hr,
            &format!("?limit=500&action={action}&entity_id={entity_id}"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn my_id(app: &TestApp, token: &str) -> String {
    let me = body(app.me(token).await, StatusCode::OK).await;
    s(&me, "id").to_owned()
}

/// Applicants with chosen provinces and test results: `(province, right)`
/// each, no wrong answers; application numbers `{prefix}000000...`.
fn people(spec: &[(&str, i64)], prefix: &str) -> (Vec<Applicant>, Vec<(String, i64, i64)>) {
    let mut list = applicants(spec.len(), &["NA"], 17, prefix);
    let mut results = Vec::new();
    for (a, (province, right)) in list.iter_mut().zip(spec) {
        a.province = (*province).to_owned();
        results.push((a.application_no.clone(), *right, 0));
    }
    (list, results)
}

async fn selection_of(
    app: &TestApp,
    hr: &str,
    posts: &[(&str, i64)],
    list: &[Applicant],
    results: &[(String, i64, i64)],
    published_on: &str,
) -> String {
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    app.selection_with_results(hr, posts, list, &refs, published_on)
        .await
}

async fn overdue(app: &TestApp, offer_id: &str) {
    let db = app.db.clone();
    let sql = format!("UPDATE offers SET deadline = '2000-01-01 00:00:00' WHERE id = '{offer_id}'");
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        conn.batch_execute(&sql).unwrap();
    })
    .await
    .unwrap();
}

// ---------------------------------------------------------------- calls

async fn calls_go_to_the_best_waiting_candidate_while_seats_are_vacant(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let hr_id = my_id(&app, &hr).await;
    let (id, list) = app
        .published_selection(&hr, &[("NA", 2), ("CE", 1)], 4)
        .await;
    // NA's applicants are the even ones, best first.
    let na: Vec<&Applicant> = list.iter().filter(|a| a.province == "NA").collect();
    let ids = candidate_ids(&app, &hr, &id, "NA").await;

    let first = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(first["application_no"], na[0].application_no);
    assert_eq!(first["candidate_id"], ids[&na[0].application_no]);
    assert_eq!(first["selection_id"], id);
    assert_eq!(first["fallback"], false);
    assert!(first["reason"].is_null());
    // The deadline is the default 7 days after the call.
    let created = chrono::DateTime::parse_from_rfc3339(s(&first, "created_at")).unwrap();
    let deadline = chrono::DateTime::parse_from_rfc3339(s(&first, "deadline")).unwrap();
    let days = deadline - created;
    assert!(
        (days - chrono::Duration::days(7)).num_seconds().abs() <= 1,
        "deadline {deadline} for a call at {created}"
    );
    // The candidate got the offer by mail, with a link to answer.
    let mail = app.wait_for_mail(&na[0].email).await;
    assert!(!token_in(&mail).is_empty());
    assert_eq!(
        candidate_state(&app, &hr, &ids[&na[0].application_no]).await,
        "offered"
    );

    let second = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(second["application_no"], na[1].application_no);
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (2, 0, 2, 0));

    // Both seats are held by pending offers.
    call_refused(&app, &hr, &id, "NA", &json!({}), 409, "no-vacant-seat").await;
    call_refused(
        &app,
        &hr,
        &id,
        "NA",
        &json!({ "fallback": true }),
        409,
        "no-vacant-seat",
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (2, 0, 2, 0));
    // CE is untouched: its own winner is called there.
    assert_eq!(seats_of(&app, &hr, &id, "CE").await, (1, 0, 0, 1));
    let ce = call_ok(&app, &hr, &id, "ce", &json!({})).await;
    assert_eq!(ce["application_no"], list[1].application_no);

    let pending = offers_of(&app, &hr, &id, "&status=pending&province=NA").await;
    let called: Vec<&str> = pending.iter().map(|o| s(o, "application_no")).collect();
    assert_eq!(
        called,
        vec![na[0].application_no.as_str(), na[1].application_no.as_str()]
    );

    // Each call is in the audit log, by whom.
    for o in [&first, &second, &ce] {
        let lines = audit_of(&app, &hr, "offer.called", s(o, "id")).await;
        assert_eq!(lines.len(), 1, "{o}");
        assert_eq!(lines[0]["actor"], hr_id.as_str());
        assert_eq!(lines[0]["entity"], "offer");
    }
    // A province without a ranking has nobody to call.
    let p = problem(app.call(&hr, &id, "MI", &json!({})).await, 409).await;
    assert_eq!(p["type"], "ranking-not-published");
}
both_engines!(calls_go_to_the_best_waiting_candidate_while_seats_are_vacant);

async fn declined_candidates_are_never_called_again(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let hr_id = my_id(&app, &hr).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 1)], 3).await;
    let ids = candidate_ids(&app, &hr, &id, "NA").await;

    // HR records a renuncia.
    let o0 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o0["application_no"], list[0].application_no);
    let declined = body(
        app.offer_action(&hr, s(&o0, "id"), "decline").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(declined["status"], "declined");
    assert!(!declined["decided_at"].is_null());
    assert_eq!(
        candidate_state(&app, &hr, &ids[&list[0].application_no]).await,
        "declined"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (1, 0, 0, 1));

    // The candidate declines from the link in the mail.
    let o1 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o1["application_no"], list[1].application_no);
    let token = token_in(&app.wait_for_mail(&list[1].email).await);
    let answered = body(app.respond(&token, "decline").await, StatusCode::OK).await;
    assert_eq!(answered["status"], "declined");
    assert_eq!(answered["id"], o1["id"]);
    assert_eq!(
        candidate_state(&app, &hr, &ids[&list[1].application_no]).await,
        "declined"
    );
    // The link works once; a made-up one never.
    let p = problem(app.respond(&token, "accept").await, 400).await;
    assert_eq!(p["type"], "one-time-token-invalid");
    let p = problem(
        app.respond("un-token-inventato-di-sana-pianta", "accept")
            .await,
        400,
    )
    .await;
    assert_eq!(p["type"], "one-time-token-invalid");
    assert_eq!(
        offer(&app, &hr, &id, s(&o1, "id")).await["status"],
        "declined"
    );

    // The next call goes on down the list.
    let o2 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o2["application_no"], list[2].application_no);
    body(
        app.offer_action(&hr, s(&o2, "id"), "decline").await,
        StatusCode::OK,
    )
    .await;
    // Declining twice is refused.
    let p = problem(app.offer_action(&hr, s(&o2, "id"), "decline").await, 409).await;
    assert_eq!(p["type"], "offer-not-pending");

    // Everyone declined: nobody is called back.
    call_refused(&app, &hr, &id, "NA", &json!({}), 422, "ranking-exhausted").await;
    let all = offers_of(&app, &hr, &id, "").await;
    let called: Vec<&str> = all.iter().map(|o| s(o, "application_no")).collect();
    assert_eq!(
        called,
        vec![
            list[0].application_no.as_str(),
            list[1].application_no.as_str(),
            list[2].application_no.as_str()
        ]
    );
    assert!(all.iter().all(|o| o["status"] == "declined"));
    let states: Vec<String> = ranking(&app, &hr, &id, "NA")
        .await
        .iter()
        .map(|e| s(e, "candidate_state").to_owned())
        .collect();
    assert_eq!(states, vec!["declined"; 3]);

    // Audit: each renuncia, HR's with HR as actor, the candidate's with none.
    let by_hr = audit_of(&app, &hr, "offer.declined", s(&o0, "id")).await;
    assert_eq!(by_hr.len(), 1);
    assert_eq!(by_hr[0]["actor"], hr_id.as_str());
    assert_eq!(by_hr[0]["before"]["status"], "pending");
    assert_eq!(by_hr[0]["after"]["status"], "declined");
    let by_candidate = audit_of(&app, &hr, "offer.declined", s(&o1, "id")).await;
    assert_eq!(by_candidate.len(), 1);
    assert!(by_candidate[0]["actor"].is_null());
    assert_eq!(
        audit_of(&app, &hr, "offer.declined", s(&o2, "id"))
            .await
            .len(),
        1
    );
}
both_engines!(declined_candidates_are_never_called_again);

async fn an_overdue_offer_lapses_and_frees_its_seat(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 1)], 3).await;
    let ids = candidate_ids(&app, &hr, &id, "NA").await;
    let o0 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    let o0_id = s(&o0, "id").to_owned();
    let token = token_in(&app.wait_for_mail(&list[0].email).await);
    overdue(&app, &o0_id).await;

    // No read shows it pending.
    assert!(offers_of(&app, &hr, &id, "&status=pending")
        .await
        .is_empty());
    let lapsed = offer(&app, &hr, &id, &o0_id).await;
    assert_eq!(lapsed["status"], "lapsed");
    assert!(!lapsed["decided_at"].is_null());
    assert_eq!(offers_of(&app, &hr, &id, "&status=lapsed").await.len(), 1);
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (1, 0, 0, 1));
    assert_eq!(
        candidate_state(&app, &hr, &ids[&list[0].application_no]).await,
        "lapsed"
    );
    // Too late to answer, from the link or through HR.
    let p = problem(app.respond(&token, "accept").await, 409).await;
    assert_eq!(p["type"], "offer-not-pending");
    let p = problem(app.offer_action(&hr, &o0_id, "accept").await, 409).await;
    assert_eq!(p["type"], "offer-not-pending");

    // The next call goes to the next candidate, never back.
    let o1 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o1["application_no"], list[1].application_no);
    overdue(&app, s(&o1, "id")).await;
    // A call lapses overdue offers first, so the seat is vacant for it.
    let o2 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o2["application_no"], list[2].application_no);
    assert_eq!(
        offer(&app, &hr, &id, s(&o1, "id")).await["status"],
        "lapsed"
    );
    assert_eq!(
        candidate_state(&app, &hr, &ids[&list[1].application_no]).await,
        "lapsed"
    );

    // Lapses are in the audit log, done by the system.
    let o1_id = s(&o1, "id").to_owned();
    for o in [&o0_id, &o1_id] {
        let lines = audit_of(&app, &hr, "offer.lapsed", o).await;
        assert_eq!(lines.len(), 1, "{o}");
        assert!(lines[0]["actor"].is_null());
        assert_eq!(lines[0]["after"]["status"], "lapsed");
    }
}
both_engines!(an_overdue_offer_lapses_and_frees_its_seat);

async fn hr_records_an_acceptance_once(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let hr_id = my_id(&app, &hr).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 2)], 3).await;
    let ids = candidate_ids(&app, &hr, &id, "NA").await;
    let o0 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    let token = token_in(&app.wait_for_mail(&list[0].email).await);

    let accepted = body(
        app.offer_action(&hr, s(&o0, "id"), "accept").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["id"], o0["id"]);
    assert!(!accepted["decided_at"].is_null());
    assert_eq!(
        candidate_state(&app, &hr, &ids[&list[0].application_no]).await,
        "accepted"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (2, 1, 0, 1));

    for action in ["accept", "decline"] {
        let p = problem(app.offer_action(&hr, s(&o0, "id"), action).await, 409).await;
        assert_eq!(p["type"], "offer-not-pending", "{action}");
    }
    let p = problem(app.respond(&token, "decline").await, 409).await;
    assert_eq!(p["type"], "offer-not-pending");
    let p = problem(
        app.offer_action(&hr, &uuid::Uuid::new_v4().to_string(), "accept")
            .await,
        404,
    )
    .await;
    assert_eq!(p["type"], "not-found");
    assert_eq!(
        offer(&app, &hr, &id, s(&o0, "id")).await["status"],
        "accepted"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (2, 1, 0, 1));

    // The other seat goes to the next candidate; then none is left.
    let o1 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o1["application_no"], list[1].application_no);
    call_refused(&app, &hr, &id, "NA", &json!({}), 409, "no-vacant-seat").await;

    let lines = audit_of(&app, &hr, "offer.accepted", s(&o0, "id")).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["actor"], hr_id.as_str());
}
both_engines!(hr_records_an_acceptance_once);

// ---------------------------------------------------------------- fallback and expiry

async fn an_exhausted_list_falls_back_to_the_regions_reserves(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    // NA (3 posts) has two candidates. Campania's CE and SA have a winner
    // each and reserves; Lazio's RM has better scores than all of them.
    let spec = [
        ("NA", 70),
        ("NA", 65),
        ("CE", 90),
        ("CE", 80),
        ("CE", 70),
        ("SA", 95),
        ("SA", 85),
        ("SA", 61),
        ("RM", 99),
        ("RM", 98),
    ];
    let (list, results) = people(&spec, "F");
    let no = |i: usize| list[i].application_no.clone();
    let id = selection_of(
        &app,
        &hr,
        &[("NA", 3), ("CE", 1), ("SA", 1), ("RM", 1)],
        &list,
        &results,
        &today(),
    )
    .await;

    assert_eq!(
        call_ok(&app, &hr, &id, "NA", &json!({})).await["application_no"],
        no(0)
    );
    assert_eq!(
        call_ok(&app, &hr, &id, "NA", &json!({})).await["application_no"],
        no(1)
    );
    call_refused(&app, &hr, &id, "NA", &json!({}), 422, "ranking-exhausted").await;
    call_refused(
        &app,
        &hr,
        &id,
        "NA",
        &json!({ "fallback": false }),
        422,
        "ranking-exhausted",
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (3, 0, 2, 1));

    // The best reserve of the Region, not a winner, not another Region's.
    let reason = "graduatoria di Napoli esaurita: scorrimento regionale";
    let f1 = call_ok(
        &app,
        &hr,
        &id,
        "NA",
        &json!({ "fallback": true, "reason": reason }),
    )
    .await;
    assert_eq!(f1["application_no"], no(6), "SA's reserve with 85");
    assert_eq!(f1["fallback"], true);
    assert_eq!(f1["reason"], reason);
    assert_eq!(f1["province"], "NA");
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (3, 0, 3, 0));
    assert_eq!(seats_of(&app, &hr, &id, "SA").await, (1, 0, 0, 1));
    let listed = offer(&app, &hr, &id, s(&f1, "id")).await;
    assert_eq!(
        (listed["fallback"].clone(), listed["reason"].clone()),
        (json!(true), json!(reason))
    );
    let called = audit_of(&app, &hr, "offer.called", s(&f1, "id")).await;
    assert_eq!(called.len(), 1);
    assert_eq!(called[0]["after"]["fallback"], true);
    assert_eq!(called[0]["after"]["reason"], reason);

    // Freed again, the seat goes to the next reserves by score: CE 80, CE 70, SA 61.
    let mut next = Vec::new();
    let mut previous = f1;
    for _ in 0..3 {
        body(
            app.offer_action(&hr, s(&previous, "id"), "decline").await,
            StatusCode::OK,
        )
        .await;
        let o = call_ok(&app, &hr, &id, "NA", &json!({ "fallback": true })).await;
        assert_eq!(o["fallback"], true);
        assert!(
            o["reason"].as_str().is_some_and(|r| !r.trim().is_empty()),
            "a fallback call records why: {o}"
        );
        next.push(s(&o, "application_no").to_owned());
        previous = o;
    }
    assert_eq!(next, vec![no(3), no(4), no(7)]);
    body(
        app.offer_action(&hr, s(&previous, "id"), "decline").await,
        StatusCode::OK,
    )
    .await;
    // Only winners and Lazio are left: the list is exhausted.
    call_refused(
        &app,
        &hr,
        &id,
        "NA",
        &json!({ "fallback": true, "reason": "ancora" }),
        422,
        "ranking-exhausted",
    )
    .await;

    // The neighbours keep their winners.
    assert_eq!(
        call_ok(&app, &hr, &id, "CE", &json!({})).await["application_no"],
        no(2)
    );
    assert_eq!(
        call_ok(&app, &hr, &id, "SA", &json!({})).await["application_no"],
        no(5)
    );
    assert_eq!(
        call_ok(&app, &hr, &id, "RM", &json!({})).await["application_no"],
        no(8)
    );
    let rm = ranking(&app, &hr, &id, "RM").await;
    assert_eq!(rm[1]["application_no"], no(9));
    assert_eq!(rm[1]["candidate_state"], "waiting");
}
both_engines!(an_exhausted_list_falls_back_to_the_regions_reserves);

async fn an_expired_ranking_refuses_calls(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (list, results) = people(&[("NA", 90), ("NA", 80)], "E");
    let id = selection_of(&app, &hr, &[("NA", 1)], &list, &results, "2019-06-24").await;
    let v = body(app.ranking(&hr, &id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v["valid_until"], "2021-06-23");
    call_refused(&app, &hr, &id, "NA", &json!({}), 422, "ranking-expired").await;
    call_refused(
        &app,
        &hr,
        &id,
        "NA",
        &json!({ "fallback": true, "reason": "x" }),
        422,
        "ranking-expired",
    )
    .await;
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (1, 0, 0, 1));
    assert!(offers_of(&app, &hr, &id, "").await.is_empty());

    // Published within the validity, the same list can be called.
    let (list, results) = people(&[("NA", 90), ("NA", 80)], "V");
    let recent = (chrono::Utc::now().date_naive() - chrono::Duration::days(700)).to_string();
    let id = selection_of(&app, &hr, &[("NA", 1)], &list, &results, &recent).await;
    assert_eq!(
        call_ok(&app, &hr, &id, "NA", &json!({})).await["application_no"],
        list[0].application_no
    );
}
both_engines!(an_expired_ranking_refuses_calls);

async fn a_correction_does_not_extend_a_rankings_validity(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (list, results) = people(&[("NA", 90), ("NA", 80)], "E");
    let id = selection_of(&app, &hr, &[("NA", 1)], &list, &results, "2019-06-24").await;
    // A rettifica published today: the ranking still dates from 2019-06-24.
    let r = app
        .post(
            &format!("/selections/{id}/rankings/NA/corrections"),
            Some(&hr),
            &json!({ "reason": "errore materiale nel punteggio", "results": [{ "application_no": list[1].application_no, "right": 95, "wrong": 0, "blank": 5 }] }),
        )
        .await;
    let correction = body(r, StatusCode::CREATED).await;
    assert_eq!(correction["version"], 2);
    let v = body(app.ranking(&hr, &id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v["entries"][0]["application_no"], list[1].application_no);
    assert_eq!(
        v["valid_until"], "2021-06-23",
        "a rettifica keeps the ranking's validity"
    );
    call_refused(&app, &hr, &id, "NA", &json!({}), 422, "ranking-expired").await;
}
both_engines!(a_correction_does_not_extend_a_rankings_validity);

// ---------------------------------------------------------------- candidates

async fn excluding_a_candidate_withdraws_their_offer(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let hr_id = my_id(&app, &hr).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 1)], 4).await;
    let ids = candidate_ids(&app, &hr, &id, "NA").await;
    let c = |i: usize| ids[&list[i].application_no].clone();

    let o0 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (1, 0, 1, 0));
    let p = problem(app.candidate_action(&hr, &c(0), "exclude", "  ").await, 422).await;
    assert_eq!(p["errors"][0]["field"], "reason");
    let reason = "titolo di studio non conforme";
    let excluded = body(
        app.candidate_action(&hr, &c(0), "exclude", reason).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(excluded["state"], "excluded");
    assert_eq!(excluded["state_reason"], reason);
    assert_eq!(excluded["application_no"], list[0].application_no);
    assert_eq!(
        offer(&app, &hr, &id, s(&o0, "id")).await["status"],
        "withdrawn"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (1, 0, 0, 1));
    let p = problem(
        app.candidate_action(&hr, &c(0), "exclude", reason).await,
        409,
    )
    .await;
    assert_eq!(p["type"], "candidate-action-not-allowed");
    let p = problem(
        app.candidate_action(&hr, &c(0), "reinstate", reason).await,
        409,
    )
    .await;
    assert_eq!(p["type"], "candidate-action-not-allowed");

    // A waiting candidate can be excluded too, and is then skipped.
    body(
        app.candidate_action(&hr, &c(2), "exclude", reason).await,
        StatusCode::OK,
    )
    .await;
    let o1 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o1["application_no"], list[1].application_no);
    body(
        app.offer_action(&hr, s(&o1, "id"), "decline").await,
        StatusCode::OK,
    )
    .await;
    let o3 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o3["application_no"], list[3].application_no);

    let lines = audit_of(&app, &hr, "candidate.excluded", &c(0)).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["actor"], hr_id.as_str());
    assert_eq!(lines[0]["after"]["reason"], reason);
    let withdrawn = audit_of(&app, &hr, "offer.withdrawn", s(&o0, "id")).await;
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(withdrawn[0]["after"]["status"], "withdrawn");
    assert_eq!(
        audit_of(&app, &hr, "candidate.excluded", &c(2)).await.len(),
        1
    );
}
both_engines!(excluding_a_candidate_withdraws_their_offer);

async fn suspended_candidates_are_skipped_until_reinstated(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 3)], 5).await;
    let ids = candidate_ids(&app, &hr, &id, "NA").await;
    let c = |i: usize| ids[&list[i].application_no].clone();

    let suspended = body(
        app.candidate_action(&hr, &c(0), "suspend", "verifica dei requisiti in corso")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(suspended["state"], "suspended");
    let o1 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(
        o1["application_no"], list[1].application_no,
        "the suspended first is skipped"
    );

    let reinstated = body(
        app.candidate_action(&hr, &c(0), "reinstate", "requisiti verificati")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reinstated["state"], "waiting");
    let o0 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(
        o0["application_no"], list[0].application_no,
        "callable again, first in line"
    );

    // Reinstating someone who is not suspended is refused.
    let p = problem(
        app.candidate_action(&hr, &c(2), "reinstate", "per errore")
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "candidate-action-not-allowed");
    assert_eq!(candidate_state(&app, &hr, &c(2)).await, "waiting");

    // Suspending someone holding an offer withdraws it and frees the seat.
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (3, 0, 2, 1));
    body(
        app.candidate_action(&hr, &c(1), "suspend", "controllo casellario")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        offer(&app, &hr, &id, s(&o1, "id")).await["status"],
        "withdrawn"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (3, 0, 1, 2));
    let o2 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(o2["application_no"], list[2].application_no);
    let o3 = call_ok(&app, &hr, &id, "NA", &json!({})).await;
    assert_eq!(
        o3["application_no"], list[3].application_no,
        "list[1] is still suspended"
    );

    assert_eq!(
        audit_of(&app, &hr, "candidate.suspended", &c(0))
            .await
            .len(),
        1
    );
    assert_eq!(
        audit_of(&app, &hr, "candidate.reinstated", &c(0))
            .await
            .len(),
        1
    );
    assert_eq!(
        audit_of(&app, &hr, "candidate.suspended", &c(1))
            .await
            .len(),
        1
    );
    assert_eq!(
        audit_of(&app, &hr, "offer.withdrawn", s(&o1, "id"))
            .await
            .len(),
        1
    );
}
both_engines!(suspended_candidates_are_skipped_until_reinstated);

// ---------------------------------------------------------------- concurrency

const POSTS: i64 = 10;
const RANKED: usize = 50;
const CALLS: usize = 200;

/// 200 simultaneous calls for a province with 10 posts and 50 waiting
/// candidates: exactly 10 offers, to the 10 best, each to a different person.
async fn simultaneous_calls_fill_each_seat_once(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let list = applicants(RANKED, &["NA"], 23, "K");
    // Strictly falling scores, all above the pass mark: 99, 98.6, 98, 97.6, ...
    let results: Vec<(String, i64, i64)> = list
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                a.application_no.clone(),
                99 - (i as i64) / 2,
                (i as i64) % 2,
            )
        })
        .collect();
    let id = selection_of(&app, &hr, &[("NA", POSTS)], &list, &results, &today()).await;
    let ranked = ranking(&app, &hr, &id, "NA").await;
    assert_eq!(ranked.len(), RANKED);
    for (i, e) in ranked.iter().enumerate() {
        assert_eq!(
            e["application_no"],
            list[i].application_no,
            "position {}",
            i + 1
        );
        assert_eq!(e["candidate_state"], "waiting");
    }
    let best: BTreeSet<String> = ranked[..POSTS as usize]
        .iter()
        .map(|e| s(e, "application_no").to_owned())
        .collect();

    let url = app.api(&format!("/selections/{id}/provinces/NA/calls"));
    let start = Arc::new(tokio::sync::Barrier::new(CALLS));
    let tasks: Vec<_> = (0..CALLS)
        .map(|_| {
            let client = app.client.clone();
            let url = url.clone();
            let hr = hr.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let r = client
                    .post(url)
                    .bearer_auth(hr)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let text = r.text().await.unwrap();
                (status, text)
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let (status, text) = t.await.unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"));
        match status {
            StatusCode::CREATED => created.push(v),
            StatusCode::CONFLICT => {
                assert_eq!(v["type"], "no-vacant-seat", "{text}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {text}"),
        }
    }
    assert_eq!(created.len(), POSTS as usize, "one offer per post");
    assert_eq!(refused, CALLS - POSTS as usize);
    let called: BTreeSet<String> = created
        .iter()
        .map(|o| s(o, "application_no").to_owned())
        .collect();
    assert_eq!(called, best, "the offers went to the 10 best");

    let pending = offers_of(&app, &hr, &id, "&status=pending").await;
    assert_eq!(pending.len(), POSTS as usize);
    let candidates: BTreeSet<&str> = pending.iter().map(|o| s(o, "candidate_id")).collect();
    assert_eq!(candidates.len(), POSTS as usize, "ten different candidates");
    let pending_nos: BTreeSet<String> = pending
        .iter()
        .map(|o| s(o, "application_no").to_owned())
        .collect();
    assert_eq!(pending_nos, best);
    assert_eq!(
        offers_of(&app, &hr, &id, "").await.len(),
        POSTS as usize,
        "no other offer exists"
    );
    assert_eq!(seats_of(&app, &hr, &id, "NA").await, (POSTS, 0, POSTS, 0));

    let after = ranking(&app, &hr, &id, "NA").await;
    for (i, e) in after.iter().enumerate() {
        let want = if i < POSTS as usize {
            "offered"
        } else {
            "waiting"
        };
        assert_eq!(e["candidate_state"], want, "position {}", i + 1);
    }
    let page = body(
        app.audit(&hr, "?limit=500&action=offer.called").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), POSTS as usize);
}

fn many_connections(s: &mut api::config::Settings) {
    s.database_pool_size = 32;
    s.workers = 4;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_calls_fill_each_seat_once_on_postgres() {
    match spawn(Engine::Postgres, many_connections).await {
        Some(app) => simultaneous_calls_fill_each_seat_once(app).await,
        None => eprintln!("PostgreSQL concurrency test skipped: TEST_DATABASE_URL is not set"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_calls_fill_each_seat_once_on_sqlite() {
    let app = spawn(Engine::Sqlite, many_connections).await.unwrap();
    simultaneous_calls_fill_each_seat_once(app).await;
}
