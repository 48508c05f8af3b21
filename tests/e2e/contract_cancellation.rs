//! Cancelling a draft whose candidate never signs (DOMAIN.md §5, §6): by HR
//! only, with a reason, a draft only and once. The seat is vacant at once,
//! the next call goes to the next candidate, the accepted offer is
//! withdrawn, the candidate leaves the list as after a renuncia, and the
//! audit log says who and why.

use std::sync::Arc;

use chrono::NaiveDate;
use navigator_e2e::contracts::{applicant_of, json_of};
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const REASON: &str = "non si è presentato alla firma entro il termine";

/// A signature today, for a year (the selection's default end is past).
fn signature() -> Value {
    let now = chrono::Utc::now().date_naive();
    json!({ "signed_on": now, "start_date": now, "end_date": now + chrono::Days::new(365) })
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("id in {v}"))
        .to_owned()
}

fn reason(text: &str) -> Value {
    json!({ "reason": text })
}

/// `(filled, pending_offers, vacant)` of a province.
async fn seats_of(app: &TestApp, hr: &str, sel: &str, sigla: &str) -> (i64, i64, i64) {
    let all = json_of(app.seats(hr, sel, "").await, StatusCode::OK).await;
    let seat = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["province"] == sigla)
        .unwrap_or_else(|| panic!("no seats for {sigla}: {all}"))
        .clone();
    (
        seat["filled"].as_i64().unwrap(),
        seat["pending_offers"].as_i64().unwrap(),
        seat["vacant"].as_i64().unwrap(),
    )
}

async fn candidate_state(app: &TestApp, hr: &str, candidate: &str) -> String {
    let c = json_of(
        app.get(&format!("/candidates/{candidate}"), Some(hr)).await,
        StatusCode::OK,
    )
    .await;
    c["state"].as_str().unwrap().to_owned()
}

async fn offer_status(app: &TestApp, hr: &str, sel: &str, offer: &str) -> String {
    let page = json_of(
        app.offers(hr, &format!("?selection={sel}&limit=500")).await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == offer)
        .unwrap_or_else(|| panic!("offer {offer} not listed"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Audit lines for `action` on `entity_id`.
async fn audit_of(app: &TestApp, hr: &str, action: &str, entity_id: &str) -> Vec<Value> {
    let page = json_of(
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

/// An accepted offer of the next candidate of `sigla` and its draft.
async fn offer_and_draft(app: &TestApp, hr: &str, sel: &str, sigla: &str) -> (Value, Value) {
    let offer = app.accepted_offer(hr, sel, sigla).await;
    let draft = json_of(
        app.draft_contract(hr, &id_of(&offer), true).await,
        StatusCode::CREATED,
    )
    .await;
    (offer, draft)
}

async fn a_cancelled_draft_frees_its_seat_and_its_candidate_leaves_the_list(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.published_selection(&hr, &[("RM", 2)], 4).await;
    let signed = app.signed(&hr, &sel, "RM", &signature()).await;
    let (offer, draft) = offer_and_draft(&app, &hr, &sel, "RM").await;
    let id = id_of(&draft);
    assert_eq!(draft["application_no"], list[1].application_no);
    // Accepted but unsigned, the candidate holds the seat.
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (2, 0, 0));
    let p = problem(app.call(&hr, &sel, "RM", &json!({})).await, 409).await;
    assert_eq!(p["type"], "no-vacant-seat", "{p}");

    // Only HR cancels.
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let p = problem(
        app.cancel_contract(&coordinator, &id, &reason(REASON))
            .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden", "{p}");
    let navigator = app
        .activate_and_login(&applicant_of(&list, &signed).email)
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = problem(
        app.cancel_contract(&navigator, &id, &reason(REASON)).await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden", "{p}");

    // With a reason.
    let p = problem(app.cancel_contract(&hr, &id, &reason("  ")).await, 422).await;
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");
    assert_eq!(p["errors"][0]["code"], "required", "{p}");
    let p = problem(app.cancel_contract(&hr, &id, &json!({})).await, 400).await;
    assert_eq!(p["type"], "missing-field", "{p}");
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");

    // A signed contract ends by resignation or withdrawal, not so.
    let p = problem(
        app.cancel_contract(&hr, &id_of(&signed), &reason(REASON))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "contract-signed", "{p}");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (2, 0, 0));

    let cancelled = json_of(
        app.cancel_contract(&hr, &id, &reason(REASON)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["id"], draft["id"]);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancellation"]["reason"], REASON);
    assert!(cancelled["cancellation"]["cancelled_on"].is_string());
    assert!(cancelled["signed_on"].is_null() && cancelled["end_cause"].is_null());
    let read = json_of(app.contract(&hr, &id).await, StatusCode::OK).await;
    assert_eq!(read["status"], "cancelled");

    // The seat is vacant at once; the offer is withdrawn and the candidate
    // has left the list.
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 0, 1));
    assert_eq!(
        offer_status(&app, &hr, &sel, &id_of(&offer)).await,
        "withdrawn"
    );
    let candidate = offer["candidate_id"].as_str().unwrap();
    assert_eq!(candidate_state(&app, &hr, candidate).await, "declined");
    let indicators = json_of(
        app.get("/reports/indicators?region=12", Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(indicators["total"]["seats_filled"], 1, "{indicators}");
    assert_eq!(indicators["total"]["seats_vacant"], 1, "{indicators}");

    // The next call goes to the next candidate, not the cancelled one.
    let next = json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(next["application_no"], list[2].application_no);
    assert_ne!(next["application_no"], offer["application_no"]);
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 1, 0));

    // Once only, and a cancelled contract is never signed.
    let p = problem(app.cancel_contract(&hr, &id, &reason(REASON)).await, 409).await;
    assert_eq!(p["type"], "contract-cancelled", "{p}");
    let p = problem(app.sign_contract(&hr, &id, &signature()).await, 409).await;
    assert_eq!(p["type"], "contract-cancelled", "{p}");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 1, 0));

    // The audit log: who cancelled and why.
    let me = json_of(app.me(&hr).await, StatusCode::OK).await;
    let lines = audit_of(&app, &hr, "contract.cancelled", &id).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["actor"], me["id"]);
    assert_eq!(lines[0]["after"]["cancellation_reason"], REASON);
    assert!(lines[0]["before"]["cancelled_on"].is_null());
    let withdrawn = audit_of(&app, &hr, "offer.withdrawn", &id_of(&offer)).await;
    assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");

    // Listed by its state.
    let listed = json_of(
        app.contracts(&hr, "?status=cancelled").await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, vec![id.as_str()]);

    // No contract holds the candidate any more: HR may exclude them.
    json_of(
        app.candidate_action(&hr, candidate, "exclude", "requisiti non posseduti")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(candidate_state(&app, &hr, candidate).await, "excluded");
}
both_engines!(a_cancelled_draft_frees_its_seat_and_its_candidate_leaves_the_list);

fn in_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 7, 20);
}

/// With `decline_is_final: false` a renuncia puts the candidate back in
/// the list, and so does a cancellation: the next call may pick them again,
/// and a new contract can be drafted from the new offer.
async fn when_a_renuncia_is_not_final_the_candidate_waits_again(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app
        .selection_2019_with(&hr, &json!({ "decline_is_final": false }), &[("RM", 1)], 3)
        .await;
    let (offer, draft) = offer_and_draft(&app, &hr, &sel, "RM").await;
    assert_eq!(draft["application_no"], list[0].application_no);
    json_of(
        app.cancel_contract(&hr, &id_of(&draft), &reason(REASON))
            .await,
        StatusCode::OK,
    )
    .await;
    let candidate = offer["candidate_id"].as_str().unwrap();
    assert_eq!(candidate_state(&app, &hr, candidate).await, "waiting");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (0, 0, 1));

    let (again, second) = offer_and_draft(&app, &hr, &sel, "RM").await;
    assert_eq!(again["application_no"], list[0].application_no);
    assert_ne!(again["id"], offer["id"]);
    assert_ne!(second["id"], draft["id"]);
    assert_eq!(second["navigator_id"], draft["navigator_id"]);
    assert_eq!(second["status"], "draft");
    assert_eq!(seats_of(&app, &hr, &sel, "RM").await, (1, 0, 0));
}
both_engines!(
    when_a_renuncia_is_not_final_the_candidate_waits_again,
    in_2019
);

/// The indicators count the seat as filled from the acceptance to the day
/// before the cancellation, and vacant from the cancellation on.
async fn the_indicators_count_the_seat_until_the_cancellation(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let (_, draft) = offer_and_draft(&app, &hr, &sel, "RM").await;
    let db = app.stop().await;
    let app = start_on(db, |s| s.today = NaiveDate::from_ymd_opt(2019, 7, 25)).await;
    json_of(
        app.cancel_contract(&hr, &id_of(&draft), &reason(REASON))
            .await,
        StatusCode::OK,
    )
    .await;
    for (day, filled, vacant) in [("2019-07-24", 1, 0), ("2019-07-25", 0, 1)] {
        let r = json_of(
            app.get(
                &format!("/reports/indicators?province=RM&as_of={day}"),
                Some(&hr),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(r["total"]["seats_filled"], filled, "{day}: {r}");
        assert_eq!(r["total"]["seats_vacant"], vacant, "{day}: {r}");
        assert_eq!(r["total"]["contracted"], 0, "{day}: {r}");
    }
}
both_engines!(
    the_indicators_count_the_seat_until_the_cancellation,
    in_2019
);

fn many_connections(s: &mut api::config::Settings) {
    s.database_pool_size = 16;
    s.workers = 4;
}

/// Two HR officers cancelling the same draft at once, three times each:
/// one cancellation, one seat freed, one audit line.
async fn simultaneous_cancellations_make_one(app: TestApp) {
    let hr = [
        app.user_with_role("hr", &[]).await,
        app.user_with_role("hr", &[]).await,
    ];
    let (sel, _) = app.published_selection(&hr[0], &[("RM", 2)], 4).await;
    let (offer, draft) = offer_and_draft(&app, &hr[0], &sel, "RM").await;
    offer_and_draft(&app, &hr[0], &sel, "RM").await;
    assert_eq!(seats_of(&app, &hr[0], &sel, "RM").await, (2, 0, 0));

    let url = app.api(&format!("/contracts/{}/cancel", id_of(&draft)));
    const EACH: usize = 3;
    let start = Arc::new(tokio::sync::Barrier::new(2 * EACH));
    let tasks: Vec<_> = (0..2 * EACH)
        .map(|i| {
            let client = app.client.clone();
            let url = url.clone();
            let token = hr[i % 2].clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let r = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&reason(REASON))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            })
        })
        .collect();
    let mut done = 0;
    for t in tasks {
        let (status, text) = t.await.unwrap();
        match status {
            StatusCode::OK => done += 1,
            StatusCode::CONFLICT => {
                let p: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(p["type"], "contract-cancelled", "{text}");
            }
            other => panic!("unexpected {other}: {text}"),
        }
    }
    assert_eq!(done, 1, "one cancellation");
    assert_eq!(seats_of(&app, &hr[0], &sel, "RM").await, (1, 0, 1));
    assert_eq!(
        audit_of(&app, &hr[0], "contract.cancelled", &id_of(&draft))
            .await
            .len(),
        1
    );
    assert_eq!(
        audit_of(&app, &hr[0], "offer.withdrawn", &id_of(&offer))
            .await
            .len(),
        1
    );
}
both_engines!(simultaneous_cancellations_make_one, many_connections);
