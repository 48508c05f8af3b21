//! Selection, rankings and scorrimento, end to end.

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn the_pipeline_from_applications_to_an_accepted_offer(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app
        .published_selection(&hr, &[("NA", 2), ("CE", 1)], 5)
        .await;

    let ranking: Value = app.ranking(&hr, &id, "NA", "").await.json().await.unwrap();
    let entries = ranking["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0]["application_no"], list[0].application_no);
    assert_eq!(entries[0]["status"], "winner");
    assert_eq!(entries[1]["status"], "winner");
    assert_eq!(entries[2]["status"], "reserve");
    assert_eq!(entries[0]["decided_by"], "score");
    assert_eq!(entries[4]["decided_by"], "last");

    let seats: Value = app.seats(&hr, &id, "").await.json().await.unwrap();
    let na = seats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["province"] == "NA")
        .unwrap()
        .clone();
    assert_eq!(
        (na["posts"].as_i64(), na["vacant"].as_i64()),
        (Some(2), Some(2))
    );

    let r = app.call(&hr, &id, "NA", &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let offer: Value = r.json().await.unwrap();
    assert_eq!(offer["application_no"], list[0].application_no);
    assert_eq!(offer["status"], "pending");

    let mail = app.wait_for_mail(&list[0].email).await;
    let token = token_in(&mail);
    let accepted: Value = app.respond(&token, "accept").await.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let again = problem(app.respond(&token, "decline").await, 400).await;
    assert_eq!(again["type"], "one-time-token-invalid");

    let seats: Value = app.seats(&hr, &id, "").await.json().await.unwrap();
    let na = seats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["province"] == "NA")
        .unwrap()
        .clone();
    assert_eq!(
        (
            na["filled"].as_i64(),
            na["pending_offers"].as_i64(),
            na["vacant"].as_i64()
        ),
        (Some(1), Some(0), Some(1))
    );
}
both_engines!(the_pipeline_from_applications_to_an_accepted_offer);
