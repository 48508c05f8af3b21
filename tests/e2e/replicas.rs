//! Several replicas of the service on one PostgreSQL database: started in
//! process together, and as `navigator serve` processes behind nginx
//! (Debian's `nginx-light`) sending mail to Debian's `aiosmtpd`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::mail::MemoryMailer;
use api::startup::Application;
use chrono::NaiveDate;
use navigator_e2e::contracts::{json_of, PUBLISHED_2019};
use navigator_e2e::process::ServeProcess;
use navigator_e2e::proxy::Nginx;
use navigator_e2e::selection::applicants;
use navigator_e2e::smtp::Aiosmtpd;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

/// What a start makes once: administrators, Regions, provinces.
async fn made_once(pool: persistence::Database) -> (i64, usize, usize) {
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        (
            persistence::accounts::count_by_role(&mut conn, "admin").unwrap(),
            persistence::reference::list_regions(&mut conn)
                .unwrap()
                .len(),
            persistence::reference::list_provinces(&mut conn, None)
                .unwrap()
                .len(),
        )
    })
    .await
    .unwrap()
}

/// Three replicas started at the same moment on an empty database all come
/// up: the migrations, the reference data and the first administrator are
/// made once, by whichever takes the start lock first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_started_together_on_an_empty_database_all_come_up() {
    let Some(db) = fresh_database_or_skip(Engine::Postgres).await else {
        return;
    };
    let start = || {
        let settings = test_settings(&db.url);
        async move { Application::build_with_mailer(settings, Arc::new(MemoryMailer::default())).await }
    };
    let (a, b, c) = tokio::join!(start(), start(), start());
    let apps: Vec<Application> = [a, b, c]
        .into_iter()
        .map(|r| r.expect("every replica starts"))
        .collect();
    let (admins, regions, provinces) = made_once(apps[0].database().clone()).await;
    assert_eq!(admins, 1);
    assert_eq!(regions, 20);
    assert_eq!(provinces, 107);
}

// ------------------------------------------------------- behind a proxy

/// The day the replicas behind the proxy take for today: within the
/// validity of rankings published on [`PUBLISHED_2019`].
const TODAY: &str = "2019-07-20";
/// The mails queued at once for the senders.
const QUEUED_MAILS: usize = 2_000;
/// How long a logout or an ended contract may take to stop an access
/// token on every replica.
const REVOCATION_DEADLINE: Duration = Duration::from_secs(2);

/// Three `navigator serve` processes started at once on an empty
/// PostgreSQL database, behind nginx, sending mail to aiosmtpd; then, in
/// turn: parallel calls for one province's seats, a mass of queued mail,
/// sessions ended through one replica, and a rolling restart under load.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_behind_a_proxy_act_as_one_service() {
    let Some(db) = fresh_database_or_skip(Engine::Postgres).await else {
        return;
    };
    let smtp = Aiosmtpd::maildir();
    let smtp_url = smtp.url();
    let env: Vec<(String, String)> = [
        ("NAVIGATOR_MAIL_TRANSPORT", "smtp"),
        ("NAVIGATOR_SMTP_URL", smtp_url.as_str()),
        ("NAVIGATOR_MAIL_CONNECTIONS", "4"),
        ("NAVIGATOR_TODAY", TODAY),
        ("NAVIGATOR_DATABASE_POOL_SIZE", "8"),
        ("NAVIGATOR_TRUST_FORWARDED_FOR", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();

    // (d) Started together on an empty database: all come up, and the
    // first-start work is done once.
    let url = db.url.clone();
    let mut replicas = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ServeProcess::start_together(&url, &env, 3)
    })
    .await
    .unwrap();
    let ports: Vec<u16> = replicas.iter().map(|r| r.port).collect();
    let url = db.url.clone();
    let pool =
        tokio::task::spawn_blocking(move || persistence::Database::connect(&url, 1).unwrap())
            .await
            .unwrap();
    let (admins, regions, provinces) = made_once(pool).await;
    assert_eq!((admins, regions, provinces), (1, 20, 107));

    let proxy = Nginx::start(&ports);
    let mut app = attach(&db.url, |s| s.today = NaiveDate::from_ymd_opt(2019, 7, 20)).await;
    app.address = proxy.url();

    parallel_calls_fill_the_seats_once(&app, &proxy, &ports).await;
    ended_sessions_stop_on_every_replica(&app, &ports).await;
    queued_mail_goes_out_once(&app, &smtp).await;
    a_rolling_restart_loses_no_request(&app, &proxy, &mut replicas).await;
    drop(app);
    drop(replicas);
}

/// (a) 200 calls at once through the proxy for a province with 10 vacant
/// seats: 10 offers, to the 10 best-ranked; every other call is told
/// there is no seat; the calls were served by every replica.
async fn parallel_calls_fill_the_seats_once(app: &TestApp, proxy: &Nginx, ports: &[u16]) {
    let hr = app.user_with_role("hr", &[]).await;
    let list = applicants(30, &["RM"], 23, "R");
    // The i-th applicant answers 95 - i right: the ranking is the list's order.
    let results: Vec<(String, i64, i64)> = list
        .iter()
        .enumerate()
        .map(|(i, a)| (a.application_no.clone(), 95 - i as i64, 0))
        .collect();
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    let sel = app
        .selection_with_results(&hr, &[("RM", 10)], &list, &refs, PUBLISHED_2019)
        .await;
    let path = format!("/selections/{sel}/provinces/RM/calls");
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let request = app
                .client
                .post(app.api(&path))
                .bearer_auth(&hr)
                .json(&json!({}));
            tokio::spawn(async move {
                match request.send().await {
                    Ok(r) => Ok(r.status().as_u16()),
                    Err(e) => Err(e.to_string()),
                }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for c in calls {
        answers.push(c.await.unwrap());
    }
    let created = answers.iter().filter(|a| **a == Ok(201)).count();
    let unclear: Vec<_> = answers
        .iter()
        .filter(|a| !matches!(a, Ok(201 | 409 | 422)))
        .collect();
    assert!(
        unclear.is_empty(),
        "answers other than 201/409/422: {unclear:?}"
    );
    assert_eq!(created, 10, "{answers:?}");

    let offers = json_of(
        app.offers(&hr, &format!("?selection={sel}&limit=100"))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut offered: Vec<String> = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["application_no"].as_str().unwrap().to_owned())
        .collect();
    offered.sort();
    let best: Vec<String> = list[..10]
        .iter()
        .map(|a| a.application_no.clone())
        .collect();
    assert_eq!(offered, best, "the 10 best-ranked, each once");

    let served: BTreeSet<u16> = proxy
        .passed()
        .iter()
        .filter(|p| p.method == "POST" && p.path.ends_with("/calls"))
        .filter_map(|p| p.answered_by())
        .collect();
    assert_eq!(
        served,
        ports.iter().copied().collect(),
        "every replica served calls"
    );
}

/// A client straight to each replica, keeping no connection open (a
/// replica stopping later would wait for it).
fn direct_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn me_on(client: &reqwest::Client, port: u16, token: &str) -> StatusCode {
    client
        .get(format!("http://127.0.0.1:{port}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// Polls every replica until each refuses `token`; the time each took,
/// from `since`.
async fn refused_everywhere(
    client: &reqwest::Client,
    ports: &[u16],
    token: &str,
    since: Instant,
) -> Vec<Option<Duration>> {
    let mut refused: Vec<Option<Duration>> = vec![None; ports.len()];
    while refused.iter().any(Option::is_none) && since.elapsed() < REVOCATION_DEADLINE * 3 {
        for (i, port) in ports.iter().enumerate() {
            if refused[i].is_none() && me_on(client, *port, token).await == StatusCode::UNAUTHORIZED
            {
                refused[i] = Some(since.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    refused
}

fn assert_within_deadline(what: &str, refused: &[Option<Duration>]) {
    assert!(
        refused
            .iter()
            .all(|t| t.is_some_and(|t| t <= REVOCATION_DEADLINE)),
        "{what}: refused after {refused:?} on the replicas (at most {REVOCATION_DEADLINE:?})"
    );
}

/// (c) A logout through one replica, and a resignation registered by HR
/// through another, stop the Navigator's access token on every replica
/// within 2 seconds.
async fn ended_sessions_stop_on_every_replica(app: &TestApp, ports: &[u16]) {
    let programme = app.programme(&[("MI", 1)], &["MI"]).await;
    let navigator = programme.navigator(0);
    let email = programme.email(0);
    let contract = programme.contracts[0]["id"].as_str().unwrap().to_owned();
    // The activation link went to the SMTP server; set the password as
    // following it would.
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let account = persistence::accounts::find_by_navigator(&mut conn, &navigator)
            .unwrap()
            .expect("the signed contract made an account");
        let hash = api::auth::password::hash(PASSWORD).unwrap();
        persistence::accounts::set_password(&mut conn, &account.user.id, &hash).unwrap();
    })
    .await
    .unwrap();
    let first = app.login_ok(&email, PASSWORD).await;
    let second = app.login_ok(&email, PASSWORD).await;
    let token = |pair: &serde_json::Value, name: &str| pair[name].as_str().unwrap().to_owned();
    let (first_access, first_refresh) = (
        token(&first, "access_token"),
        token(&first, "refresh_token"),
    );
    let second_access = token(&second, "access_token");

    let client = direct_client();
    for port in ports {
        assert_eq!(me_on(&client, *port, &first_access).await, StatusCode::OK);
        assert_eq!(me_on(&client, *port, &second_access).await, StatusCode::OK);
    }

    let r = client
        .post(format!("http://127.0.0.1:{}/api/v1/auth/logout", ports[0]))
        .bearer_auth(&first_access)
        .json(&json!({ "refresh_token": first_refresh }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "logout: {}", r.status());
    let since = Instant::now();
    assert_within_deadline(
        "the logged-out session",
        &refused_everywhere(&client, ports, &first_access, since).await,
    );
    // The other session goes on.
    for port in ports {
        assert_eq!(me_on(&client, *port, &second_access).await, StatusCode::OK);
    }

    let r = client
        .post(format!(
            "http://127.0.0.1:{}/api/v1/contracts/{contract}/resignation",
            ports[1]
        ))
        .bearer_auth(&programme.hr)
        .json(&json!({ "submitted_on": TODAY, "effective_on": TODAY }))
        .send()
        .await
        .unwrap();
    let ended = json_of(r, StatusCode::OK).await;
    assert_eq!(ended["status"], "ended", "{ended}");
    let since = Instant::now();
    assert_within_deadline(
        "the resigned Navigator's session",
        &refused_everywhere(&client, ports, &second_access, since).await,
    );
}

/// (b) 2,000 mails queued in one transaction go out with three senders
/// running: each reaches the SMTP server exactly once, and more than one
/// replica sent them.
async fn queued_mail_goes_out_once(app: &TestApp, smtp: &Aiosmtpd) {
    use diesel::prelude::*;
    use persistence::outbox::{self, NewMail};
    use persistence::schema::mail_outbox;

    let db = app.db.clone();
    let queued: Vec<String> = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::write_transaction(&mut conn, |conn| {
            (0..QUEUED_MAILS)
                .map(|i| {
                    let recipient = format!("candidato.{i}@example.it");
                    let body = format!(
                        "Gentile candidata, gentile candidato n. {i},\n\nla graduatoria è stata pubblicata.\n"
                    );
                    let mail = NewMail {
                        recipient: &recipient,
                        subject: "Avviso Navigator: graduatoria pubblicata",
                        body: &body,
                        kind: "results",
                    };
                    outbox::enqueue(conn, &mail, "navigator.example.it")
                })
                .collect::<Result<Vec<_>, persistence::PersistenceError>>()
        })
        .unwrap()
    })
    .await
    .unwrap();

    let sent_count = || {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || -> i64 {
            let mut conn = db.get().unwrap();
            mail_outbox::table
                .filter(mail_outbox::kind.eq("results"))
                .filter(mail_outbox::sent_at.is_not_null())
                .count()
                .get_result(&mut *conn)
                .unwrap()
        })
    };
    let started = Instant::now();
    loop {
        let sent = sent_count().await.unwrap();
        if sent == QUEUED_MAILS as i64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {sent} of {QUEUED_MAILS} mails sent in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let bare = |id: &str| id.trim().trim_matches(['<', '>']).to_owned();
    let mut received: HashMap<String, usize> = HashMap::new();
    for id in smtp.message_ids() {
        *received.entry(bare(&id)).or_default() += 1;
    }
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let missing = queued
        .iter()
        .filter(|id| !received.contains_key(&bare(id)))
        .count();
    assert_eq!(
        missing, 0,
        "{missing} of {QUEUED_MAILS} never reached the server"
    );

    let db = app.db.clone();
    let senders: HashSet<Option<String>> = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        mail_outbox::table
            .select(mail_outbox::claimed_by)
            .filter(mail_outbox::kind.eq("results"))
            .load::<Option<String>>(&mut *conn)
            .unwrap()
            .into_iter()
            .collect()
    })
    .await
    .unwrap();
    assert!(senders.len() > 1, "one sender did it all: {senders:?}");
}

/// A request of the load and its status, or the error the client saw.
#[derive(Debug)]
struct Outcome {
    request: &'static str,
    answer: Result<u16, String>,
}

impl Outcome {
    fn of(request: &'static str, r: reqwest::Result<reqwest::Response>) -> Self {
        Self {
            request,
            answer: r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
        }
    }

    fn failed(&self) -> bool {
        let wanted = if self.request.starts_with("GET") {
            200
        } else {
            201
        };
        self.answer != Ok(wanted)
    }
}

/// (e) Each replica in turn stopped with SIGTERM and started again while
/// clients go on through the proxy: no request is lost, and every write
/// is there once and whole.
async fn a_rolling_restart_loses_no_request(
    app: &TestApp,
    proxy: &Nginx,
    replicas: &mut Vec<ServeProcess>,
) {
    use diesel::prelude::*;
    use persistence::schema::{audit_log, mail_outbox, users};

    let admin = app.admin_token().await;
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (client, stop, admin) = (app.client.clone(), Arc::clone(&stop), admin.clone());
            let (regions, users_url) = (app.api("/regions"), app.api("/users"));
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                let mut emails = Vec::new();
                // Bounded: at most 150 rounds of a read and a write each.
                for i in 0..150 {
                    if stop.load(Ordering::Relaxed) && i >= 10 {
                        break;
                    }
                    let r = client.get(&regions).bearer_auth(&admin).send().await;
                    outcomes.push(Outcome::of("GET /regions", r));
                    let email = format!("restart.{c}.{i}@anpalservizi.it");
                    let r = client
                        .post(&users_url)
                        .bearer_auth(&admin)
                        .header("idempotency-key", format!("restart-{c}-{i}"))
                        .json(&json!({ "email": email, "role": "hr" }))
                        .send()
                        .await;
                    outcomes.push(Outcome::of("POST /users", r));
                    emails.push(email);
                    tokio::time::sleep(Duration::from_millis(40)).await;
                }
                (outcomes, emails)
            })
        })
        .collect();

    let mut taken = std::mem::take(replicas);
    let (taken, graceful) = tokio::task::spawn_blocking(move || {
        let mut graceful = Vec::new();
        for r in &mut taken {
            graceful.push(r.terminate(Duration::from_secs(20)));
            r.restart();
        }
        (taken, graceful)
    })
    .await
    .unwrap();
    *replicas = taken;
    stop.store(true, Ordering::Relaxed);
    assert_eq!(
        graceful,
        [true, true, true],
        "each replica stopped by itself"
    );

    let mut outcomes = Vec::new();
    let mut emails = Vec::new();
    for c in clients {
        let (o, e) = c.await.unwrap();
        outcomes.extend(o);
        emails.extend(e);
    }
    let failed: Vec<_> = outcomes.iter().filter(|o| o.failed()).collect();
    let passed_on = proxy
        .passed()
        .iter()
        .filter(|p| p.upstreams.len() > 1)
        .count();
    eprintln!(
        "rolling restart: {} requests, {passed_on} passed on by nginx to another replica",
        outcomes.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {} requests failed during the restart: {failed:?}\nnginx's errors:\n{}",
        failed.len(),
        outcomes.len(),
        proxy.error_log()
    );

    // Every account made once, with its activation mail and its audit entry.
    let db = app.db.clone();
    let broken = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let mut broken = Vec::new();
        for email in &emails {
            let ids: Vec<String> = users::table
                .select(users::id)
                .filter(users::email.eq(email))
                .load(&mut *conn)
                .unwrap();
            let mails: i64 = mail_outbox::table
                .filter(mail_outbox::recipient.eq(email))
                .count()
                .get_result(&mut *conn)
                .unwrap();
            let audited: i64 = audit_log::table
                .filter(audit_log::action.eq("user.created"))
                .filter(audit_log::entity_id.eq_any(&ids))
                .count()
                .get_result(&mut *conn)
                .unwrap();
            if (ids.len(), mails, audited) != (1, 1, 1) {
                broken.push((email.clone(), ids.len(), mails, audited));
            }
        }
        broken
    })
    .await
    .unwrap();
    assert!(
        broken.is_empty(),
        "(email, accounts, mails, audit entries) not once each: {broken:?}"
    );
}
