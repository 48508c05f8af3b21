//! Retry-safe writes: a POST sent again with the same `Idempotency-Key`
//! (its answer was lost on a flaky network) changes nothing more and gets
//! the first answer; the same key sent many times at once makes one change;
//! a key reused for another request is refused.

use std::sync::Arc;

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

const KEY: &str = "idempotency-key";

async fn post_with_key(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> Response {
    app.client
        .post(app.api(path))
        .bearer_auth(token)
        .header(KEY, key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn replayed(r: &Response) -> bool {
    r.headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

async fn pending_offers(app: &TestApp, hr: &str, selection: &str) -> Vec<Value> {
    let r = app
        .offers(hr, &format!("?selection={selection}&status=pending"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

/// Offer mails queued, sent or not.
fn offer_mails(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use persistence::schema::mail_outbox;
    let mut conn = app.db.get().unwrap();
    mail_outbox::table
        .filter(mail_outbox::kind.eq("offer"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// A call whose answer was lost, sent again: one offer, one mail, and the
/// retry gets the first answer. The key sent with another request is
/// refused; a new key makes a new call.
async fn a_retried_call_makes_one_offer(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, _) = app.published_selection(&hr, &[("RM", 3)], 5).await;
    let path = format!("/selections/{id}/provinces/RM/calls");

    let first = post_with_key(&app, &hr, &path, "call-rm-1", &json!({})).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(!replayed(&first));
    let location = first.headers().get("location").cloned();
    let first: Value = first.json().await.unwrap();

    let retry = post_with_key(&app, &hr, &path, "call-rm-1", &json!({})).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(replayed(&retry), "the retry is the kept answer");
    assert_eq!(retry.headers().get("location").cloned(), location);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first, "the same answer");

    let offers = pending_offers(&app, &hr, &id).await;
    assert_eq!(offers.len(), 1, "one offer: {offers:?}");
    assert_eq!(offer_mails(&app), 1, "one candidate mailed once");

    // The key with another request (another province's calls).
    let other = post_with_key(
        &app,
        &hr,
        &format!("/selections/{id}/provinces/RM/calls?x=1"),
        "call-rm-1",
        &json!({}),
    )
    .await;
    let p = problem(other, 422).await;
    assert_eq!(p["type"], "idempotency-key-reused", "{p}");

    // A new key is a new call.
    let second = post_with_key(&app, &hr, &path, "call-rm-2", &json!({})).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let second: Value = second.json().await.unwrap();
    assert_ne!(second["id"], first["id"]);
    assert_eq!(pending_offers(&app, &hr, &id).await.len(), 2);
}
both_engines!(a_retried_call_makes_one_offer);

/// Twenty copies of one request with one key, all at once (a client that
/// retried on a timeout while the first was still running): one item is
/// made; every answer is the creation, its replay, or "in progress, retry"
/// (409 with Retry-After); a retry afterwards gets the creation.
async fn the_same_key_at_once_makes_one_change(app: TestApp) {
    const COPIES: usize = 20;
    let hr = app.user_with_role("hr", &[]).await;
    let body = json!({ "kind": "tablet", "model": "Galaxy Tab A", "serial": "IDEM-SER-1" });
    let start = Arc::new(tokio::sync::Barrier::new(COPIES));
    let tasks: Vec<_> = (0..COPIES)
        .map(|_| {
            let (client, url, hr, body, start) = (
                app.client.clone(),
                app.api("/equipment"),
                hr.clone(),
                body.clone(),
                start.clone(),
            );
            tokio::spawn(async move {
                start.wait().await;
                let r = client
                    .post(url)
                    .bearer_auth(hr)
                    .header(KEY, "tablet-batch-7")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let again = replayed(&r);
                let retry_after = r.headers().contains_key("retry-after");
                let v: Value = r.json().await.unwrap();
                (status, again, retry_after, v)
            })
        })
        .collect();
    let mut made = Vec::new();
    let mut replays = 0;
    for t in tasks {
        let (status, again, retry_after, v) = t.await.unwrap();
        match (status, again) {
            (StatusCode::CREATED, false) => made.push(v),
            (StatusCode::CREATED, true) => replays += 1,
            (StatusCode::CONFLICT, _) => {
                assert_eq!(v["type"], "idempotency-key-in-flight", "{v}");
                assert!(retry_after, "a 409 in flight says when to retry");
            }
            other => panic!("unexpected {other:?}: {v}"),
        }
    }
    assert_eq!(made.len(), 1, "one creation, {replays} replays");

    let retry = post_with_key(&app, &hr, "/equipment", "tablet-batch-7", &body).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(replayed(&retry));
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], made[0]["id"]);

    let list: Value = app
        .get("/equipment?kind=tablet", Some(&hr))
        .await
        .json()
        .await
        .unwrap();
    let tablets = list["items"].as_array().unwrap();
    assert_eq!(tablets.len(), 1, "{list}");
}
both_engines!(the_same_key_at_once_makes_one_change);

/// A training session sent twice with one key is one session; keys are
/// each caller's own, so another trainer's identical key is another
/// session; a request refused keeps no answer, so its retry is judged again.
async fn keys_are_the_callers_own_and_refusals_are_not_kept(app: TestApp) {
    let trainer = app.user_with_role("trainer", &[]).await;
    let other = app.user_with_role("trainer", &[]).await;
    let session =
        json!({ "day": "2019-09-10", "hours": 4, "place": "Roma", "trainer": "Dott.ssa Bianchi" });
    for _ in 0..2 {
        let r = post_with_key(&app, &trainer, "/training/sessions", "aula-10-09", &session).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = post_with_key(&app, &other, "/training/sessions", "aula-10-09", &session).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(!replayed(&r), "another caller's key is their own");
    let sessions: i64 = {
        use diesel::prelude::*;
        use persistence::schema::classroom_sessions;
        let mut conn = app.db.get().unwrap();
        classroom_sessions::table
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(sessions, 2, "one session per trainer");

    let bad = json!({ "day": "2019-09-10", "hours": 4, "place": " ", "trainer": "Rossi" });
    for _ in 0..2 {
        let r = post_with_key(&app, &trainer, "/training/sessions", "aula-bad", &bad).await;
        assert!(!replayed(&r));
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    let long = "k".repeat(256);
    let r = post_with_key(&app, &trainer, "/training/sessions", &long, &session).await;
    let p = problem(r, 400).await;
    assert_eq!(p["errors"][0]["field"], "idempotency-key", "{p}");
}
both_engines!(keys_are_the_callers_own_and_refusals_are_not_kept);

/// A change that committed while its answer was never kept (the process
/// stopped in between): a retry is told "in progress" while the first
/// request could still be running, and after that "answer lost", never a
/// second change.
async fn a_change_whose_answer_was_lost_is_told_so_and_not_made_again(app: TestApp) {
    use diesel::prelude::*;
    use persistence::schema::idempotency_keys;
    let hr = app.user_with_role("hr", &[]).await;
    let (id, _) = app.published_selection(&hr, &[("RM", 3)], 5).await;
    let path = format!("/selections/{id}/provinces/RM/calls");
    let first = post_with_key(&app, &hr, &path, "call-lost", &json!({})).await;
    assert_eq!(first.status(), StatusCode::CREATED);

    // What a stop between the commit and the keeping of the answer leaves:
    // the claim, with no answer.
    let forget_answer = |claimed_minutes_ago: i64| {
        let mut conn = app.db.get().unwrap();
        let claimed =
            (chrono::Utc::now() - chrono::Duration::minutes(claimed_minutes_ago)).naive_utc();
        let n = diesel::update(
            idempotency_keys::table.filter(idempotency_keys::idempotency_key.eq("call-lost")),
        )
        .set((
            idempotency_keys::status.eq(None::<i64>),
            idempotency_keys::content_type.eq(None::<String>),
            idempotency_keys::location.eq(None::<String>),
            idempotency_keys::body.eq(None::<String>),
            idempotency_keys::created_at.eq(claimed),
        ))
        .execute(&mut *conn)
        .unwrap();
        assert_eq!(n, 1);
    };

    forget_answer(1);
    let retry = post_with_key(&app, &hr, &path, "call-lost", &json!({})).await;
    assert!(retry.headers().contains_key("retry-after"));
    let p = problem(retry, 409).await;
    assert_eq!(p["type"], "idempotency-key-in-flight", "{p}");

    forget_answer(16);
    let retry = post_with_key(&app, &hr, &path, "call-lost", &json!({})).await;
    assert!(
        !retry.headers().contains_key("retry-after"),
        "retrying will not help"
    );
    let p = problem(retry, 409).await;
    assert_eq!(p["type"], "idempotency-answer-lost", "{p}");

    assert_eq!(pending_offers(&app, &hr, &id).await.len(), 1, "one offer");
    assert_eq!(offer_mails(&app), 1, "one candidate mailed once");
}
both_engines!(a_change_whose_answer_was_lost_is_told_so_and_not_made_again);
