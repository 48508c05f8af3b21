//! Crash safety: `navigator serve` killed with `SIGKILL` twice in the middle
//! of a load of tablet logs (retried by `client_id`) and HR calls (retried
//! by `Idempotency-Key`), each queueing a mail, then started again. Nothing
//! is lost or doubled, every change is whole or absent, and every queued
//! mail reaches a real SMTP server; the mails the killed process had
//! claimed go out at once after its restart, not after their lease.
//!
//! Also the take-back itself: a restarted instance frees its own claims,
//! another instance leaves them to their lease.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::mail::sender::Sender;
use api::mail::{MailError, Mailer, MemoryMailer, OutgoingMail};
use diesel::prelude::*;
use navigator_e2e::full_programme::{
    day, mint_tokens, published_selection, sign_contracts, working_days, ProgrammeNavigator,
    OPERATIONAL_START, TODAY,
};
use navigator_e2e::process::ServeProcess;
use navigator_e2e::smtp::Aiosmtpd;
use navigator_e2e::*;
use persistence::schema::{audit_log, idempotency_keys, mail_outbox, offers, ojt_logs};
use reqwest::StatusCode;
use serde_json::{json, Value};

// ------------------------------------------------------- taking claims back

/// Claims every due mail, then dies before delivering any: a process
/// killed while its sender held a batch.
struct DiesHoldingClaims;

impl Mailer for DiesHoldingClaims {
    fn deliver(&self, _: &OutgoingMail) -> Result<(), MailError> {
        panic!("the process dies while its claims are held");
    }
}

/// Mails still waiting, and what each claim says.
fn unsent(db: &persistence::Database) -> Vec<(Option<String>, i64)> {
    let mut conn = db.get().unwrap();
    mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .select((mail_outbox::claimed_by, mail_outbox::attempts))
        .load(&mut *conn)
        .unwrap()
}

/// A sender killed holding claims leaves them to their 120 s lease for any
/// other instance; the same instance started again takes them back at once
/// (before its sender runs), the dead claim's attempt uncounted.
async fn a_restarted_instance_sends_what_it_had_claimed_at_once(app: TestApp) {
    let admin = app.admin_token().await;
    let emails: Vec<String> = (0..3)
        .map(|i| format!("collega.{i}@anpalservizi.it"))
        .collect();
    for email in &emails {
        let r = app
            .create_user(&admin, &json!({ "email": email, "role": "trainer" }))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let dying = Sender::new(db.clone(), Arc::new(DiesHoldingClaims), 8).known_as("navigator-a");
        let died = std::thread::spawn(move || dying.drain_once()).join();
        assert!(died.is_err(), "the first sender died");
        let held = unsent(&db);
        assert_eq!(held.len(), 3);
        assert!(
            held.iter()
                .all(|(by, attempts)| by.as_deref() == Some("navigator-a") && *attempts == 1),
            "{held:?}"
        );

        // Another instance waits for the lease.
        let memory = Arc::new(MemoryMailer::default());
        let other = Sender::new(db.clone(), memory.clone(), 8).known_as("navigator-b");
        assert_eq!(other.take_back_own_claims().unwrap(), 0);
        assert_eq!(other.drain_once().unwrap(), 0);
        assert!(memory.delivered.lock().unwrap().is_empty());
        assert_eq!(unsent(&db).len(), 3);
    })
    .await
    .unwrap();

    // The same instance, started again, sends them well within the lease.
    let db = app.stop().await;
    let app = start_on(db, |s| s.instance = Some("navigator-a".into())).await;
    for email in &emails {
        app.wait_for_mail(email).await;
    }
    // Delivered, then marked sent (a moment later).
    let db = app.db.clone();
    let rows = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        loop {
            let rows = persistence::outbox::list_recent(&mut db.get().unwrap(), 10).unwrap();
            if rows.iter().all(|r| r.sent_at.is_some()) || started.elapsed() > DEADLINE {
                return rows;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert!(row.sent_at.is_some(), "{row:?}");
        assert_eq!(row.attempts, 1, "the dead claim is not an attempt: {row:?}");
    }
}
both_engines!(
    a_restarted_instance_sends_what_it_had_claimed_at_once,
    |s: &mut api::config::Settings| s.mail_sender = false
);

// ------------------------------------------------------------ the fixture

/// Navigators logging hours (Campania: no CPI to be assigned to).
const NAVIGATORS: usize = 8;
const LOGS_EACH: usize = 30;
/// Provinces whose rankings HR calls from, one lane each, and the calls
/// made in each (as many as its seats).
const CALL_PROVINCES: [&str; 2] = ["SA", "AV"];
const CALLS_EACH: usize = 30;
/// Deliveries the service runs at once.
const MAIL_CONNECTIONS: usize = 4;
const INSTANCE: &str = "crash-test";
/// Nothing here should take long; past this the test fails rather than hangs.
const DEADLINE: Duration = Duration::from_secs(60);

struct Fixture {
    db: TestDatabase,
    selection: String,
    hr: String,
    /// Each Navigator's id and access token.
    navigators: Vec<(String, String)>,
}

/// A published selection with Navigators under contract in Naples, and
/// seats to call in the call provinces; built by an in-process server that
/// sends no mail (what it queued is left for the process under test).
async fn fixture(engine: Engine) -> Option<Fixture> {
    let app = spawn(engine, |s| {
        s.today = Some(day(TODAY));
        s.mail_sender = false;
    })
    .await?;
    let hr = app.user_with_role("hr", &[]).await;
    let mut per_province = vec![("NA", NAVIGATORS)];
    per_province.extend(CALL_PROVINCES.iter().map(|p| (*p, CALLS_EACH)));
    let selection = published_selection(&app, &hr, &per_province).await;
    let contracts = sign_contracts(&app, &hr, &selection, &[("NA", NAVIGATORS)]).await;
    let navigators: Vec<ProgrammeNavigator> = contracts
        .into_iter()
        .map(|(province, c)| ProgrammeNavigator {
            id: c["navigator_id"].as_str().unwrap().to_owned(),
            contract_id: c["id"].as_str().unwrap().to_owned(),
            province,
            region: "15".to_owned(),
            cpi: None,
            validated_minutes: 0,
            pending_minutes: 0,
        })
        .collect();
    let tokens = tokio::task::block_in_place(|| mint_tokens(&app, &navigators));
    let navigators = navigators.into_iter().map(|n| n.id).zip(tokens).collect();
    let db = app.stop().await;
    Some(Fixture {
        db,
        selection,
        hr,
        navigators,
    })
}

// ---------------------------------------------------------------- the load

/// How a retried request ended: its last answer, and how many tries it took.
struct Answered {
    status: StatusCode,
    body: Value,
    tries: usize,
}

/// Sends the request made by `request` until an answer that is not a
/// server error (a refused or broken connection is retried too). A 409
/// `idempotency-key-in-flight` is retried for a few seconds: a first
/// request killed after its change committed but before its answer was
/// kept leaves its key in flight for good, and then that answer is what is
/// returned.
async fn until_answered(request: impl Fn() -> reqwest::RequestBuilder) -> Answered {
    let started = Instant::now();
    let mut in_flight_since: Option<Instant> = None;
    let mut tries = 0;
    loop {
        assert!(
            started.elapsed() < DEADLINE,
            "no answer within {DEADLINE:?}"
        );
        tries += 1;
        let Ok(r) = request().send().await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let status = r.status();
        if status.is_server_error() {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let Ok(body) = r.json::<Value>().await else {
            // The answer broke off with the process.
            continue;
        };
        if status == StatusCode::CONFLICT && body["type"] == "idempotency-key-in-flight" {
            let since = *in_flight_since.get_or_insert_with(Instant::now);
            if since.elapsed() < Duration::from_secs(5) {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        }
        return Answered {
            status,
            body,
            tries,
        };
    }
}

/// What the load was answered.
#[derive(Default)]
struct Answers {
    /// Per Navigator and `client_id`: the status and the log's id.
    logs: BTreeMap<(String, String), (StatusCode, Value)>,
    /// Per `Idempotency-Key`: the status and the offer (or problem).
    calls: BTreeMap<String, (StatusCode, Value)>,
    /// Requests sent again after an error or a broken connection.
    retries: usize,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::from_secs(3))
        .build()
        .unwrap()
}

/// Logs `LOGS_EACH` hours, one a working day from the operational start.
async fn navigator_lane(
    api: String,
    navigator: String,
    token: String,
    answers: Arc<Mutex<Answers>>,
) {
    let client = client();
    let days = working_days(day(OPERATIONAL_START), LOGS_EACH);
    for (k, d) in days.iter().enumerate() {
        let client_id = format!("{navigator}-tab-{k}");
        let body = json!({
            "client_id": client_id,
            "day": d.to_string(),
            "hours": 1.0,
            "activity": "accoglienza utenti",
        });
        let a = until_answered(|| {
            client
                .post(format!("{api}/me/ojt-logs"))
                .bearer_auth(&token)
                .json(&body)
        })
        .await;
        let mut answers = answers.lock().unwrap();
        answers.retries += a.tries - 1;
        answers
            .logs
            .insert((navigator.clone(), client_id), (a.status, a.body));
    }
}

/// Calls `CALLS_EACH` candidates of `province`, a key per call; `done`
/// counts the calls answered.
async fn hr_lane(
    api: String,
    selection: String,
    province: &'static str,
    hr: String,
    done: Arc<AtomicUsize>,
    answers: Arc<Mutex<Answers>>,
) {
    let client = client();
    let url = format!("{api}/selections/{selection}/provinces/{province}/calls");
    for k in 0..CALLS_EACH {
        let key = format!("call-{province}-{k}");
        let a = until_answered(|| {
            client
                .post(&url)
                .bearer_auth(&hr)
                .header("idempotency-key", &key)
                .json(&json!({}))
        })
        .await;
        let mut answers = answers.lock().unwrap();
        answers.retries += a.tries - 1;
        answers.calls.insert(key, (a.status, a.body));
        done.fetch_add(1, Ordering::Relaxed);
    }
}

// --------------------------------------------------------------- the kills

/// The Message-IDs of the mails `INSTANCE` holds claimed and unsent.
fn claimed(db: &persistence::Database) -> Vec<String> {
    let mut conn = db.get().unwrap();
    mail_outbox::table
        .filter(mail_outbox::claimed_by.eq(INSTANCE))
        .filter(mail_outbox::claimed_until.is_not_null())
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .select(mail_outbox::message_id)
        .load(&mut *conn)
        .unwrap()
}

/// Once `done` of `calls` reach `after`, kills the process, as soon as its
/// sender is seen holding claims (while calls still queue mail); notes the
/// claims the dead process left, and starts it again.
fn kill_and_restart(
    process: &mut ServeProcess,
    db: &persistence::Database,
    done: &AtomicUsize,
    (after, calls): (usize, usize),
) -> Vec<String> {
    let started = Instant::now();
    while done.load(Ordering::Relaxed) < after {
        assert!(started.elapsed() < DEADLINE, "the load stalled");
        std::thread::sleep(Duration::from_millis(5));
    }
    while claimed(db).is_empty() && done.load(Ordering::Relaxed) < calls {
        assert!(started.elapsed() < DEADLINE, "the load stalled");
        std::thread::sleep(Duration::from_millis(1));
    }
    process.kill();
    let left = claimed(db);
    process.restart();
    left
}

// -------------------------------------------------------------- the checks

fn count_by<T: Ord + Clone>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts
}

/// A kept log: id, Navigator, `client_id`, day and minutes.
type LogRow = (String, String, String, chrono::NaiveDate, i64);

/// Every log sent is there once, as answered.
fn check_logs(conn: &mut persistence::DbConnection, answers: &Answers) {
    let rows: Vec<LogRow> = ojt_logs::table
        .select((
            ojt_logs::id,
            ojt_logs::navigator_id,
            ojt_logs::client_id,
            ojt_logs::day,
            ojt_logs::minutes,
        ))
        .load(conn)
        .unwrap();
    let per_client = count_by(rows.iter().map(|r| (r.1.clone(), r.2.clone())));
    let doubled: Vec<_> = per_client.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "logs doubled: {doubled:?}");
    assert_eq!(rows.len(), NAVIGATORS * LOGS_EACH, "logs lost");
    let by_client: HashMap<(String, String), &LogRow> = rows
        .iter()
        .map(|r| ((r.1.clone(), r.2.clone()), r))
        .collect();
    assert_eq!(answers.logs.len(), NAVIGATORS * LOGS_EACH);
    for (client, (status, body)) in &answers.logs {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::OK,
            "{client:?}: {status} {body}"
        );
        let row = by_client
            .get(client)
            .unwrap_or_else(|| panic!("{client:?} answered {status} but not kept"));
        assert_eq!(body["id"].as_str(), Some(row.0.as_str()), "{body}");
        assert_eq!(
            body["day"].as_str(),
            Some(row.3.to_string().as_str()),
            "{body}"
        );
        assert_eq!(row.4, 60, "{body}");
    }
}

/// Calls made and how many answers were lost with the process.
struct Calls {
    made: usize,
    answers_lost: usize,
}

/// Every call key made one whole call: an offer, its candidate offered, a
/// seat held, one mail and one audit entry; nothing of a call half-written.
fn check_calls(conn: &mut persistence::DbConnection, answers: &Answers, selection: &str) -> Calls {
    let total = CALL_PROVINCES.len() * CALLS_EACH;
    assert_eq!(answers.calls.len(), total);
    let mut answered = BTreeSet::new();
    let mut answers_lost = 0;
    for (key, (status, body)) in &answers.calls {
        match *status {
            StatusCode::CREATED => {
                let id = body["id"].as_str().unwrap_or_else(|| panic!("{body}"));
                assert!(answered.insert(id.to_owned()), "{key}: an offer twice");
            }
            // Committed, then killed before its answer was kept: the key
            // holds, the answer is lost.
            StatusCode::CONFLICT if body["type"] == "idempotency-key-in-flight" => {
                answers_lost += 1;
            }
            other => panic!("{key}: {other} {body}"),
        }
    }
    let keys: Vec<String> = idempotency_keys::table
        .filter(idempotency_keys::idempotency_key.like("call-%"))
        .select(idempotency_keys::idempotency_key)
        .load(conn)
        .unwrap();
    assert_eq!(keys.len(), total, "every key claimed once: {keys:?}");

    let called: Vec<(String, String, String, String)> = offers::table
        .filter(offers::selection_id.eq(selection))
        .filter(offers::province_sigla.eq_any(CALL_PROVINCES))
        .select((
            offers::id,
            offers::application_id,
            offers::province_sigla,
            offers::status,
        ))
        .load(conn)
        .unwrap();
    assert_eq!(called.len(), total, "one offer per key");
    let offer_ids: BTreeSet<String> = called.iter().map(|o| o.0.clone()).collect();
    assert!(
        answered.is_subset(&offer_ids),
        "every offer answered is kept"
    );
    assert!(called.iter().all(|o| o.3 == "pending"), "{called:?}");

    use persistence::schema::{applications, selection_posts};
    for province in CALL_PROVINCES {
        let (posts, pending, filled): (i64, i64, i64) = selection_posts::table
            .filter(selection_posts::selection_id.eq(selection))
            .filter(selection_posts::province_sigla.eq(province))
            .select((
                selection_posts::posts,
                selection_posts::pending,
                selection_posts::filled,
            ))
            .first(conn)
            .unwrap();
        assert_eq!(
            (posts, pending, filled),
            (CALLS_EACH as i64, CALLS_EACH as i64, 0),
            "{province}: a seat held per call"
        );
        let offered: i64 = applications::table
            .filter(applications::selection_id.eq(selection))
            .filter(applications::province_sigla.eq(province))
            .filter(applications::state.eq("offered"))
            .count()
            .get_result(conn)
            .unwrap();
        assert_eq!(
            offered, CALLS_EACH as i64,
            "{province}: a candidate per call"
        );
    }
    let emails: HashMap<String, String> = applications::table
        .filter(applications::selection_id.eq(selection))
        .select((applications::id, applications::email))
        .load(conn)
        .unwrap()
        .into_iter()
        .collect();
    let mails = count_by(
        mail_outbox::table
            .filter(mail_outbox::kind.eq("offer"))
            .select(mail_outbox::recipient)
            .load::<String>(conn)
            .unwrap(),
    );
    let audited = count_by(
        audit_log::table
            .filter(audit_log::action.eq("offer.called"))
            .select(audit_log::entity_id)
            .load::<String>(conn)
            .unwrap(),
    );
    for (id, application, _, _) in &called {
        let email = &emails[application];
        assert_eq!(mails.get(email), Some(&1), "one offer mail to {email}");
        assert_eq!(audited.get(id), Some(&1), "one audit entry for {id}");
    }
    Calls {
        made: called.len(),
        answers_lost,
    }
}

/// Waits for every queued mail to be marked sent; how long it took.
fn all_sent(db: &persistence::Database) -> Duration {
    let started = Instant::now();
    loop {
        let mut conn = db.get().unwrap();
        let waiting: i64 = mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .count()
            .get_result(&mut *conn)
            .unwrap();
        if waiting == 0 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < DEADLINE,
            "{waiting} mails not sent within {DEADLINE:?} of the load's end: \
             their lease is 120 s, were the dead process's claims taken back?"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------- the test

async fn killed_twice_under_load_loses_and_doubles_nothing(engine: Engine) {
    // Under CI a missing TEST_DATABASE_URL fails in `postgres_url`.
    let Some(fixture) = fixture(engine).await else {
        eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let smtp = Aiosmtpd::maildir();
    let (url, smtp_url) = (fixture.db.url.clone(), smtp.url());
    let connections = MAIL_CONNECTIONS.to_string();
    let mut process = tokio::task::spawn_blocking(move || {
        ServeProcess::start(
            &url,
            &[
                ("NAVIGATOR_TODAY", TODAY),
                ("NAVIGATOR_MAIL_TRANSPORT", "smtp"),
                ("NAVIGATOR_SMTP_URL", &smtp_url),
                ("NAVIGATOR_INSTANCE", INSTANCE),
                ("NAVIGATOR_MAIL_CONNECTIONS", &connections),
            ],
        )
    })
    .await
    .unwrap();
    let api = process.api();
    let db = persistence::Database::connect(&fixture.db.url, 2).unwrap();

    let done = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(Mutex::new(Answers::default()));
    let mut lanes = Vec::new();
    for (navigator, token) in &fixture.navigators {
        lanes.push(tokio::spawn(navigator_lane(
            api.clone(),
            navigator.clone(),
            token.clone(),
            answers.clone(),
        )));
    }
    for province in CALL_PROVINCES {
        lanes.push(tokio::spawn(hr_lane(
            api.clone(),
            fixture.selection.clone(),
            province,
            fixture.hr.clone(),
            done.clone(),
            answers.clone(),
        )));
    }
    let total = NAVIGATORS * LOGS_EACH + CALL_PROVINCES.len() * CALLS_EACH;
    // Killed a third and two thirds into the calls, each of which queues a
    // mail: the sender is likely busy then, the tablets' logs all along.
    let calls = CALL_PROVINCES.len() * CALLS_EACH;
    let (process, orphaned, restarted_at) = {
        let (done, db) = (done.clone(), db.clone());
        tokio::task::spawn_blocking(move || {
            let mut orphaned = Vec::new();
            for kill in 1..=2 {
                orphaned.push(kill_and_restart(
                    &mut process,
                    &db,
                    &done,
                    (calls * kill / 3, calls),
                ));
            }
            (process, orphaned, Instant::now())
        })
        .await
        .unwrap()
    };
    for lane in lanes {
        lane.await.unwrap();
    }
    let answers = Arc::try_unwrap(answers).ok().unwrap().into_inner().unwrap();

    let checked = {
        let (db, selection) = (db.clone(), fixture.selection.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            check_logs(&mut conn, &answers);
            let calls = check_calls(&mut conn, &answers, &selection);
            let waited = all_sent(&db);
            (calls, waited, restarted_at.elapsed(), answers.retries)
        })
        .await
        .unwrap()
    };
    let (calls, waited, since_restart, retries) = checked;

    // Every mail queued arrived, and more than once only when a kill caught
    // its delivery ended but not yet marked: it goes out again once per
    // such kill (with its Message-ID, so a mail client shows it once). A
    // mail resent after the first restart may be caught so by the second.
    let queued: Vec<(String, Option<chrono::NaiveDateTime>)> = {
        let mut conn = db.get().unwrap();
        mail_outbox::table
            .select((mail_outbox::message_id, mail_outbox::failed_at))
            .load(&mut *conn)
            .unwrap()
    };
    assert!(
        queued.iter().all(|(_, failed)| failed.is_none()),
        "a mail given up"
    );
    let arrived = count_by(smtp.message_ids());
    let queued: BTreeSet<String> = queued.into_iter().map(|(id, _)| id).collect();
    for id in &queued {
        assert!(arrived.contains_key(id), "{id} never arrived");
    }
    let strangers: Vec<_> = arrived.keys().filter(|id| !queued.contains(*id)).collect();
    assert!(strangers.is_empty(), "not from the outbox: {strangers:?}");
    // How many kills left each mail claimed.
    let left_claimed: BTreeMap<&String, usize> = count_by(orphaned.iter().flatten());
    // Without claims left by a kill the wait above would prove nothing.
    assert!(
        !left_claimed.is_empty(),
        "no kill caught the sender holding claims"
    );
    let twice: Vec<(&String, &usize)> = arrived.iter().filter(|(_, n)| **n > 1).collect();
    for (id, n) in &twice {
        let kills = left_claimed.get(id).copied().unwrap_or(0);
        assert!(
            kills > 0,
            "{id} arrived {n} times but the process was not killed holding it"
        );
        assert!(
            **n <= 1 + kills,
            "{id} arrived {n} times, left claimed by {kills} kill(s)"
        );
    }
    eprintln!(
        "{engine:?}: {total} requests ({retries} retried), {} calls ({} answers lost with the process), \
         {} mails queued; claims left by the kills: {:?}; all sent {:.1} s after the load \
         ({:.1} s after the last restart); delivered twice: {} ({} deliveries at once)",
        calls.made,
        calls.answers_lost,
        queued.len(),
        orphaned.iter().map(Vec::len).collect::<Vec<_>>(),
        waited.as_secs_f64(),
        since_restart.as_secs_f64(),
        twice.len(),
        MAIL_CONNECTIONS,
    );
    drop(process);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_twice_under_load_on_sqlite() {
    killed_twice_under_load_loses_and_doubles_nothing(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_twice_under_load_on_postgres() {
    killed_twice_under_load_loses_and_doubles_nothing(Engine::Postgres).await;
}
