//! The outbox and its sender: delivery through a real SMTP listener, no mail
//! lost when the process dies, the same Message-ID when a mail is resent.

use std::sync::{Arc, Mutex};

use api::config::MailTransport;
use api::mail::sender::Sender;
use api::mail::{MailError, Mailer, MemoryMailer, OutgoingMail};
use navigator_e2e::smtp::SmtpSink;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_is_delivered_through_smtp_to_a_real_listener() {
    let (sink, port) = SmtpSink::start().await;
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(app) = spawn(engine, |s| {
            s.mail_transport = MailTransport::Smtp;
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        })
        .await
        else {
            continue;
        };
        let before = sink.received().len();
        assert_eq!(
            app.password_reset(ADMIN_EMAIL).await.status(),
            StatusCode::ACCEPTED
        );
        let mut got = None;
        for _ in 0..400 {
            if let Some(m) = sink.received().get(before) {
                got = Some(m.clone());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let message = got.expect("the SMTP listener received the mail");
        assert!(message.contains(&format!("To: {ADMIN_EMAIL}")), "{message}");
        assert!(
            message.contains("Message-ID: <") && message.contains("@navigator.example.it>"),
            "{message}"
        );
        assert!(message.contains("reimposta-password?token="), "{message}");
        // Recorded as sent.
        let db = app.db.clone();
        let rows = tokio::task::spawn_blocking(move || {
            persistence::outbox::list_recent(&mut db.get().unwrap(), 10).unwrap()
        })
        .await
        .unwrap();
        for _ in 0..100 {
            if rows.iter().all(|r| r.sent_at.is_some()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(
            message.contains(&rows[0].message_id),
            "the delivered Message-ID is the outbox's"
        );
    }
}

async fn a_mail_queued_before_a_crash_is_sent_after_the_restart(app: TestApp) {
    // This process never sends: it dies with the mail still queued.
    let admin = app.admin_token().await;
    let email = "nuovo.collega@anpalservizi.it";
    let r = app
        .create_user(&admin, &json!({ "email": email, "role": "trainer" }))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(app.mails().is_empty());
    let db = app.stop().await;

    let app = start_on(db, |_| {}).await;
    let mail = app.wait_for_mail(email).await;
    assert_eq!(
        app.password_reset_confirm(&token_in(&mail), PASSWORD)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    app.login_ok(email, PASSWORD).await;
}
both_engines!(
    a_mail_queued_before_a_crash_is_sent_after_the_restart,
    |s: &mut api::config::Settings| s.mail_sender = false
);

/// Delivers, then dies before the outbox learns it was sent.
struct DiesAfterDelivering(Mutex<Vec<OutgoingMail>>);

impl Mailer for DiesAfterDelivering {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        self.0.lock().unwrap().push(mail.clone());
        panic!("the process dies between sending and recording");
    }
}

struct AlwaysFails;

impl Mailer for AlwaysFails {
    fn deliver(&self, _: &OutgoingMail) -> Result<(), MailError> {
        Err(MailError::Delivery("connection refused".into()))
    }
}

async fn a_resend_after_a_crash_carries_the_same_message_id(app: TestApp) {
    assert_eq!(
        app.password_reset(ADMIN_EMAIL).await.status(),
        StatusCode::ACCEPTED
    );
    let db = app.db.clone();
    let (first, second, row) = tokio::task::spawn_blocking(move || {
        let dying = Arc::new(DiesAfterDelivering(Mutex::new(Vec::new())));
        let mut sender = Sender::new(db.clone(), dying.clone(), 8);
        sender.lease = chrono::Duration::milliseconds(1);
        let crashed = std::thread::spawn(move || sender.drain_once()).join();
        assert!(crashed.is_err(), "the first sender died");

        std::thread::sleep(std::time::Duration::from_millis(20));
        let memory = Arc::new(MemoryMailer::default());
        let restarted = Sender::new(db.clone(), memory.clone(), 8);
        assert_eq!(restarted.drain_once().unwrap(), 1);
        let rows = persistence::outbox::list_recent(&mut db.get().unwrap(), 10).unwrap();
        let first = dying.0.lock().unwrap()[0].clone();
        let second = memory.delivered.lock().unwrap()[0].clone();
        (first, second, rows[0].clone())
    })
    .await
    .unwrap();
    assert_eq!(first.message_id, second.message_id);
    assert_eq!(first.message_id, row.message_id);
    assert_eq!(first.body, second.body);
    assert!(row.sent_at.is_some());
    assert_eq!(row.attempts, 2);
}
both_engines!(
    a_resend_after_a_crash_carries_the_same_message_id,
    |s: &mut api::config::Settings| s.mail_sender = false
);

async fn failed_deliveries_are_retried_later_then_given_up(app: TestApp) {
    assert_eq!(
        app.password_reset(ADMIN_EMAIL).await.status(),
        StatusCode::ACCEPTED
    );
    let db = app.db.clone();
    let (after_one, after_two) = tokio::task::spawn_blocking(move || {
        let sender = Sender::new(db.clone(), Arc::new(AlwaysFails), 2);
        assert_eq!(sender.drain_once().unwrap(), 0);
        let after_one =
            persistence::outbox::list_recent(&mut db.get().unwrap(), 1).unwrap()[0].clone();
        // Not due again before its backoff.
        assert_eq!(sender.drain_once().unwrap(), 0);
        let unchanged =
            persistence::outbox::list_recent(&mut db.get().unwrap(), 1).unwrap()[0].clone();
        assert_eq!(unchanged.attempts, 1);
        // Make it due now, as if the backoff had passed.
        let mut conn = db.get().unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "UPDATE mail_outbox SET next_attempt_at = '2000-01-01 00:00:00'",
        )
        .unwrap();
        assert_eq!(sender.drain_once().unwrap(), 0);
        let after_two = persistence::outbox::list_recent(&mut conn, 1).unwrap()[0].clone();
        (after_one, after_two)
    })
    .await
    .unwrap();
    assert_eq!(after_one.attempts, 1);
    assert!(after_one.sent_at.is_none() && after_one.failed_at.is_none());
    assert_eq!(
        after_one.last_error.as_deref(),
        Some("delivery failed: connection refused")
    );
    assert!(after_one.next_attempt_at > after_one.created_at);
    assert_eq!(after_two.attempts, 2);
    assert!(
        after_two.failed_at.is_some(),
        "given up after the last attempt"
    );
}
both_engines!(
    failed_deliveries_are_retried_later_then_given_up,
    |s: &mut api::config::Settings| s.mail_sender = false
);

async fn the_file_transport_writes_one_eml_per_mail(app: TestApp) {
    assert_eq!(
        app.password_reset(ADMIN_EMAIL).await.status(),
        StatusCode::ACCEPTED
    );
    let dir = app.settings.mail_dir.clone();
    for _ in 0..400 {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(f) = files.first() {
            let text = std::fs::read_to_string(f.path()).unwrap();
            assert!(text.contains("Message-ID: <"), "{text}");
            assert!(text.contains("token="), "{text}");
            assert_eq!(files.len(), 1);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no .eml file in {}", dir.display());
}
both_engines!(
    the_file_transport_writes_one_eml_per_mail,
    |s: &mut api::config::Settings| {
        s.mail_transport = MailTransport::File;
        s.mail_dir =
            std::env::temp_dir().join(format!("navigator-mail-{}", uuid::Uuid::new_v4().simple()));
    }
);

/// A mail the server refused until the sender gave up is listed for the
/// administrator, who sends it again once the cause is mended: queued
/// afresh, delivered by the next pass of the sender, each retry in the
/// audit log.
async fn an_administrator_lists_failed_mails_and_sends_them_again(app: TestApp) {
    let admin = app.admin_token().await;
    for email in [
        "primo.formatore@anpalservizi.it",
        "secondo.formatore@anpalservizi.it",
    ] {
        let r = app
            .create_user(&admin, &json!({ "email": email, "role": "trainer" }))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        // A mail server that refuses everything; one attempt, then given up.
        let sender = Sender::new(db, Arc::new(AlwaysFails), 1);
        assert_eq!(sender.drain_once().unwrap(), 0);
    })
    .await
    .unwrap();

    let r = app.get("/ops/mails/failed", Some(&admin)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: serde_json::Value = r.json().await.unwrap();
    assert_eq!(list["total"], 2, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = items
        .iter()
        .find(|m| m["recipient"] == "primo.formatore@anpalservizi.it")
        .unwrap();
    assert_eq!(first["kind"], "activation");
    assert_eq!(first["attempts"], 1);
    assert_eq!(first["last_error"], "delivery failed: connection refused");
    assert!(first.get("body").is_none(), "the text stays out: {first}");
    let id = first["id"].as_str().unwrap().to_owned();
    let limited: serde_json::Value = app
        .get("/ops/mails/failed?limit=1", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(limited["items"].as_array().unwrap().len(), 1);
    assert_eq!(limited["total"], 2);
    let p = navigator_e2e::endpoints::problem(
        app.get("/ops/mails/failed?limit=0", Some(&admin)).await,
        400,
    )
    .await;
    assert!(p["type"].is_string());

    // Only administrators.
    let hr = app.user_with_role("hr", &[]).await;
    let p = navigator_e2e::endpoints::problem(
        app.post(
            &format!("/ops/mails/failed/{id}/retry"),
            Some(&hr),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden");

    // One sent again.
    let r = app
        .client
        .post(app.api(&format!("/ops/mails/failed/{id}/retry")))
        .bearer_auth(&admin)
        .header("x-request-id", "retry-one")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let again: serde_json::Value = r.json().await.unwrap();
    assert_eq!(again["queued_again"], 1);
    assert_eq!(again["ids"][0], id.as_str());
    // Not failed any more: a second retry finds nothing to retry.
    let p = navigator_e2e::endpoints::problem(
        app.post(
            &format!("/ops/mails/failed/{id}/retry"),
            Some(&admin),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(p["type"], "not-found");
    let db = app.db.clone();
    let delivered = tokio::task::spawn_blocking(move || {
        let memory = Arc::new(MemoryMailer::default());
        let sender = Sender::new(db, memory.clone(), 1);
        assert_eq!(sender.drain_once().unwrap(), 1);
        let got = memory.delivered.lock().unwrap().clone();
        got
    })
    .await
    .unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].to, "primo.formatore@anpalservizi.it");
    assert!(delivered[0].body.contains("token="));

    // The rest, all at once.
    let r = app
        .post("/ops/mails/failed/retry", Some(&admin), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again: serde_json::Value = r.json().await.unwrap();
    assert_eq!(again["queued_again"], 1);
    let list: serde_json::Value = app
        .get("/ops/mails/failed", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    assert!(list["items"].as_array().unwrap().is_empty());

    let audit: serde_json::Value = app
        .audit(&admin, "?action=mail.retried")
        .await
        .json()
        .await
        .unwrap();
    let lines = audit["items"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{audit}");
    let one = lines
        .iter()
        .find(|l| l["entity_id"] == id.as_str())
        .unwrap();
    assert_eq!(one["entity"], "mail");
    assert_eq!(one["request_id"], "retry-one");
    assert_eq!(one["before"]["failed"], true);
    assert_eq!(one["after"]["failed"], false);
    assert_eq!(one["after"]["recipient"], "primo.formatore@anpalservizi.it");
}
both_engines!(
    an_administrator_lists_failed_mails_and_sends_them_again,
    |s: &mut api::config::Settings| s.mail_sender = false
);
