//! The FAQ search's latency over 5,000 entries, on SQLite and on
//! PostgreSQL: `GET /api/v1/faqs?q=...` with the Navigators' questions of
//! the search-quality data set (`tests/e2e/data/faq_search.json`), and the
//! same questions as the tablet sends them while they are typed
//! (`&typing=true`, cut in the middle of their last word), next to
//! `GET /healthz` measured by the same client, on the same server, in the
//! same run. Goal: the search's 95th percentile under 10 ms on each engine.
//!
//! The fixture, per engine: 5,000 published entries written straight into
//! the tables through the product's own storage and indexing
//! (`persistence::faq::insert` with the domain's `IndexedText`), 500 to a
//! transaction (through the API they would each pay an audit entry and a
//! commit). Each entry takes a title of the data set and three to six of
//! its sentences drawn at random, so the common words of the measure
//! ("beneficio", "nucleo", "Patto") are in thousands of entries, as in a
//! FAQ that grew: the searches that read the most postings are measured
//! too. Statistics are then taken (`ANALYZE`), and on PostgreSQL the
//! table's pages marked all-visible (`VACUUM`), as autovacuum would.
//!
//! The load: one keep-alive connection, one request at a time, the
//! endpoints in turns (a search, a search as typed, then `/healthz`), so that whatever else
//! runs on the machine weighs on both alike; 200 requests of each
//! uncounted (the first search makes the server's copy of the index, as
//! the first search after a start or a change does), then 2,000 of each
//! counted. Latency runs from sending the
//! request to the end of the answer's body, as the client sees it. Every
//! search answer must be 200 with at least one entry; others are counted
//! and printed.
//!
//! Timings are printed, never asserted. PostgreSQL comes from
//! `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! when it cannot be reached its part is skipped with a note.
//!
//! Run with `cargo bench -p navigator-e2e --bench faq`
//! (`BENCH_ENGINE=sqlite` or `BENCH_ENGINE=postgres` for one engine only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::connection::SimpleConnection;
use domain::faq::ranking::IndexedText;
use domain::faq::{new_entry_id, EntryText};
use navigator_e2e::bench::{default_log_level, default_postgres, engine_name, engines, goal, stop};
use navigator_e2e::selection::Lcg;
use navigator_e2e::{spawn, Engine, TestApp};
use persistence::{faq, write_transaction, PersistenceError};
use serde::Deserialize;

const ENTRIES: usize = 5_000;
const PER_TRANSACTION: usize = 500;
const WARM_UP: usize = 200;
const COUNTED: usize = 2_000;
const P95_GOAL: Duration = Duration::from_millis(10);

#[derive(Deserialize)]
struct DataSet {
    entries: Vec<DataEntry>,
    questions: Vec<DataQuestion>,
}

#[derive(Deserialize)]
struct DataEntry {
    topic: String,
    title: String,
    answer: String,
}

#[derive(Deserialize)]
struct DataQuestion {
    q: String,
}

fn data_set() -> DataSet {
    serde_json::from_str(include_str!("../e2e/data/faq_search.json")).unwrap()
}

/// The sentences of the data set's answers.
fn sentences(data: &DataSet) -> Vec<String> {
    data.entries
        .iter()
        .flat_map(|e| e.answer.split_inclusive(". "))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Writes the entries in transactions of [`PER_TRANSACTION`].
fn write_entries(app: &TestApp, data: &DataSet) {
    let pool = sentences(data);
    let mut rng = Lcg::new(2019);
    let texts: Vec<EntryText> = (0..ENTRIES)
        .map(|i| {
            let model = &data.entries[rng.next(data.entries.len() as u64) as usize];
            let n = 3 + rng.next(4) as usize;
            let answer: Vec<&str> = (0..n)
                .map(|_| pool[rng.next(pool.len() as u64) as usize].as_str())
                .collect();
            EntryText {
                title: format!("{} ({})", model.title, i + 1),
                answer: answer.join(" "),
                topic: model.topic.clone(),
            }
        })
        .collect();
    let at = Utc::now().naive_utc();
    for chunk in texts.chunks(PER_TRANSACTION) {
        let mut conn = app.db.get().unwrap();
        write_transaction(&mut conn, |tx| {
            for text in chunk {
                let id = new_entry_id();
                let indexed = IndexedText::of(&text.title, &text.answer);
                faq::insert(tx, &id, text, &indexed, None, at)?;
                faq::link_questions(tx, &id, &[uuid::Uuid::now_v7().to_string()], at)?;
            }
            Ok::<_, PersistenceError>(())
        })
        .unwrap();
    }
}

/// Statistics taken (`ANALYZE`), and on PostgreSQL the new pages marked
/// all-visible (`VACUUM`), as autovacuum does after that many inserts on a
/// running server: what lets a search read the postings from the index
/// alone.
fn settle(db: &persistence::Database, engine: Engine) {
    let statement = match engine {
        Engine::Postgres => "VACUUM ANALYZE",
        Engine::Sqlite => "ANALYZE",
    };
    db.get().unwrap().batch_execute(statement).unwrap();
}

#[derive(Default)]
struct Latencies {
    samples: Vec<Duration>,
    unexpected: u64,
}

impl Latencies {
    fn percentile(&self, p: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        if s.is_empty() {
            return Duration::ZERO;
        }
        let i = ((s.len() as f64 * p).ceil() as usize).clamp(1, s.len()) - 1;
        s[i]
    }
}

struct Figures {
    engine: Engine,
    search: Latencies,
    typed: Latencies,
    healthz: Latencies,
    matches_mean: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run(engine: Engine) -> Figures {
    let app = spawn(engine, |_| {}).await.unwrap();
    let data = data_set();
    let started = Instant::now();
    {
        let app = &app;
        tokio::task::block_in_place(|| write_entries(app, &data));
    }
    settle(&app.db, engine);
    println!(
        "{}: {ENTRIES} entries written and indexed in {:.1} s",
        engine_name(engine),
        started.elapsed().as_secs_f64()
    );
    let token = app.user_with_role("trainer", &[]).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let searches: Vec<String> = data
        .questions
        .iter()
        .map(|q| {
            app.api(&format!(
                "/faqs?q={}",
                url::form_urlencoded::byte_serialize(q.q.as_bytes()).collect::<String>()
            ))
        })
        .collect();
    let typed: Vec<String> = data
        .questions
        .iter()
        .map(|q| {
            let q = typed_so_far(&q.q);
            app.api(&format!(
                "/faqs?typing=true&q={}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            ))
        })
        .collect();
    let healthz = app.url("/healthz");

    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "{}: load average before the load: {}",
            engine_name(engine),
            l.trim()
        );
    }
    let mut search = Latencies::default();
    let mut typing = Latencies::default();
    let mut health = Latencies::default();
    let mut matches = 0.0;
    for i in 0..WARM_UP + COUNTED {
        let counted = i >= WARM_UP;
        let url = &searches[i % searches.len()];
        let t = Instant::now();
        let r = client.get(url).bearer_auth(&token).send().await.unwrap();
        let ok = r.status() == reqwest::StatusCode::OK;
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        let took = t.elapsed();
        let found = body["items"].as_array().map_or(0, Vec::len);
        if counted {
            search.samples.push(took);
            matches += body["matches"].as_f64().unwrap_or(0.0);
            if !ok || found == 0 {
                search.unexpected += 1;
            }
        }
        let url = &typed[i % typed.len()];
        let t = Instant::now();
        let r = client.get(url).bearer_auth(&token).send().await.unwrap();
        let ok = r.status() == reqwest::StatusCode::OK;
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        let took = t.elapsed();
        if counted {
            typing.samples.push(took);
            if !ok || body["items"].as_array().is_none() {
                typing.unexpected += 1;
            }
        }
        let t = Instant::now();
        let r = client.get(&healthz).send().await.unwrap();
        let ok = r.status() == reqwest::StatusCode::OK;
        let _ = r.bytes().await.unwrap();
        let took = t.elapsed();
        if counted {
            health.samples.push(took);
            if !ok {
                health.unexpected += 1;
            }
        }
    }
    stop(app).await;
    Figures {
        engine,
        search,
        typed: typing,
        healthz: health,
        matches_mean: matches / COUNTED as f64,
    }
}

/// A question as typed so far: its last word cut to its first half (at
/// least three letters), with nothing after it.
fn typed_so_far(q: &str) -> String {
    let q = q.trim_end_matches(|c: char| !c.is_alphanumeric());
    let last: Vec<char> = q
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let keep = (last.len() / 2).max(3).min(last.len());
    let head: String = q.chars().take(q.chars().count() - last.len()).collect();
    let word: String = last.iter().rev().take(keep).collect();
    format!("{head}{word}")
}

async fn bench() {
    api::telemetry::init(api::config::LogFormat::Text);
    let mut figures = Vec::new();
    for engine in engines().await {
        figures.push(run(engine).await);
    }
    println!();
    println!(
        "summary ({ENTRIES} entries, {} questions cycled, {COUNTED} requests of each counted, one connection, {} CPUs):",
        data_set().questions.len(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    for f in &figures {
        let (s, h) = (&f.search, &f.healthz);
        let (s95, h95) = (s.percentile(0.95), h.percentile(0.95));
        println!(
            "  {:<10} /faqs?q= p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (mean {:.0} entries matched)   /healthz p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms   p95 ratio {:.1}",
            engine_name(f.engine),
            ms(s.percentile(0.5)),
            ms(s95),
            ms(s.percentile(0.99)),
            f.matches_mean,
            ms(h.percentile(0.5)),
            ms(h95),
            ms(h.percentile(0.99)),
            s95.as_secs_f64() / h95.as_secs_f64().max(1e-9),
        );
        let t = &f.typed;
        let t95 = t.percentile(0.95);
        println!(
            "  {:<10} /faqs?typing=true p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
            engine_name(f.engine),
            ms(t.percentile(0.5)),
            ms(t95),
            ms(t.percentile(0.99)),
        );
        println!(
            "  {:<10} unexpected answers: search {}, typed {}, /healthz {}",
            engine_name(f.engine),
            s.unexpected,
            t.unexpected,
            h.unexpected
        );
        println!(
            "  {:<10} goal p95 under {} ms: search {}, typed {}",
            engine_name(f.engine),
            P95_GOAL.as_millis(),
            goal(s95 < P95_GOAL),
            goal(t95 < P95_GOAL)
        );
    }
}

fn main() {
    // The harness reads the PostgreSQL server from the environment; set the
    // default before any thread exists.
    default_postgres();
    default_log_level();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
