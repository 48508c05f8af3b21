//! Mail throughput to a real SMTP server, on SQLite and on PostgreSQL:
//! `BENCH_MAILS` mails (3,000 by default) queued in one transaction, as a
//! publication of results queues them, then delivered by the service's own
//! background sender (the `smtp` transport, lettre's pooled connections)
//! to Debian's `aiosmtpd` (`python3 -m aiosmtpd`, package
//! `python3-aiosmtpd`) listening on the loopback. Goal: at least 200 mails
//! per second, so 78,788 applicants notified of their results take minutes
//! (at 200/s, under seven), not hours.
//!
//! The time runs from the commit of the queued mails to the moment the
//! outbox records the last one sent (read every 20 ms), so it includes the
//! wait for the sender's next poll (`NAVIGATOR_MAIL_POLL_MILLIS`, 1 s as
//! by default) and every claim and `sent` mark in the database. Each mail
//! is one SMTP transaction (MAIL, RCPT, DATA) with the product's own
//! headers and a body of the length of a results notice.
//!
//! Run: `cargo bench -p navigator-e2e --bench mail` (PostgreSQL at
//! `TEST_DATABASE_URL`, else the local default; `BENCH_ENGINE=sqlite` or
//! `postgres` for one engine).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::{Duration, Instant};

use api::config::MailTransport;
use navigator_e2e::bench::{default_log_level, default_postgres, engine_name, engines, goal, stop};
use navigator_e2e::smtp::Aiosmtpd;
use navigator_e2e::{spawn, Engine};
use persistence::outbox::{self, NewMail};

const GOAL_PER_SECOND: f64 = 200.0;

fn mails_wanted() -> usize {
    std::env::var("BENCH_MAILS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000)
}

/// A body as long as a results notice (about 1 KiB).
fn body(i: usize) -> String {
    let mut text = format!(
        "Gentile candidata, gentile candidato n. {i},\n\nla graduatoria dell'avviso Navigator è stata pubblicata.\n"
    );
    while text.len() < 1000 {
        text.push_str(
            "Trova la tua posizione e i prossimi passi nell'area riservata del portale.\n",
        );
    }
    text
}

/// Mails sent and mails in all, as the outbox counts them.
async fn sent(db: &persistence::Database) -> i64 {
    let db = db.clone();
    tokio::task::spawn_blocking(move || outbox::status(&mut db.get().unwrap()).unwrap().sent)
        .await
        .unwrap()
}

async fn measure(engine: Engine, port: u16, n: usize) -> f64 {
    let app = spawn(engine, |s| {
        s.mail_transport = MailTransport::Smtp;
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_poll_millis = 1000;
    })
    .await
    .unwrap();
    let before = sent(&app.db).await;
    let db = app.db.clone();
    let host = app.settings.public_host();
    let queued = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::write_transaction(&mut conn, |conn| {
            for i in 0..n {
                let recipient = format!("candidato.{i}@example.it");
                let text = body(i);
                let mail = NewMail {
                    recipient: &recipient,
                    subject: "Avviso Navigator: graduatoria pubblicata",
                    body: &text,
                    kind: "results",
                };
                outbox::enqueue(conn, &mail, &host)?;
            }
            Ok::<_, persistence::PersistenceError>(())
        })
        .unwrap();
        Instant::now()
    })
    .await
    .unwrap();
    let target = before + i64::try_from(n).unwrap();
    let deadline = Duration::from_secs(600);
    loop {
        let done = sent(&app.db).await;
        if done >= target {
            break;
        }
        assert!(
            queued.elapsed() < deadline,
            "only {} of {n} sent in {} s",
            done - before,
            deadline.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = queued.elapsed();
    let status = {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || outbox::status(&mut db.get().unwrap()).unwrap())
            .await
            .unwrap()
    };
    assert_eq!(status.failed, 0, "no mail given up");
    assert_eq!(status.queued, 0, "no mail left queued");
    stop(app).await;
    let rate = n as f64 / took.as_secs_f64();
    println!(
        "{:<10} {n} mails in {:>6.2} s: {:>7.1} mails/s (goal {GOAL_PER_SECOND}: {})",
        engine_name(engine),
        took.as_secs_f64(),
        rate,
        goal(rate >= GOAL_PER_SECOND)
    );
    rate
}

async fn bench() {
    api::telemetry::init(api::config::LogFormat::Text);
    let n = mails_wanted();
    let server = Aiosmtpd::sink();
    println!(
        "mail throughput: {n} queued mails to aiosmtpd on 127.0.0.1:{}",
        server.port
    );
    for engine in engines().await {
        measure(engine, server.port, n).await;
    }
}

fn main() {
    default_postgres();
    default_log_level();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
