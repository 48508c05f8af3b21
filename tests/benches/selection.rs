//! Selection pipeline benchmark, on SQLite and on PostgreSQL, through the
//! real server of the end-to-end harness:
//!
//! 1. the 2019 volume: one CSV of 78,788 applications over the 107 provinces
//!    (2,980 posts), imported with one request; against it, PostgreSQL's own
//!    `COPY` of the same file into a bare table (all TEXT, no constraints),
//!    timed in the same run with `psql`. Goal: under 5 s each, within 4x of
//!    `COPY`. Also timed, to show what keeping the rules costs by itself:
//!    the same `COPY` into a table with the keys of `applications` (its
//!    primary key, the foreign keys to the selection and the province, one
//!    application per codice fiscale and per number, the index by
//!    province);
//! 2. publishing the rankings of 20,000 admitted applicants with results over
//!    the 107 provinces. Goal: under 1 s.
//!
//! Times are client-side wall times. Nothing is asserted about them: the
//! figures, ratios and goals are printed. PostgreSQL comes from
//! `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! when it cannot be reached its part is skipped with a note.
//!
//! Run with `cargo bench -p navigator-e2e --bench selection`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use navigator_e2e::bench::{default_postgres, engine_name, goal, ms, postgres_reachable, stop};
use navigator_e2e::selection::{applicants, applications_csv, results_csv, Lcg};
use navigator_e2e::{spawn, Engine, TestApp};
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Applications received by the 2019 selection.
const APPLICATIONS: usize = 78_788;
/// Posts of the 2019 selection, over all provinces.
const POSTS: i64 = 2_980;
/// Admitted applicants with a result, in the publication part.
const RANKED: usize = 20_000;
const PROVINCES: usize = 107;
/// `COPY` is short and noisy: the median of a few runs.
const COPY_RUNS: usize = 3;

const IMPORT_GOAL: Duration = Duration::from_secs(5);
const COPY_RATIO_GOAL: f64 = 4.0;
const PUBLISH_GOAL: Duration = Duration::from_secs(1);

struct CopyReference {
    /// The `psql` process running `\copy`, median of `COPY_RUNS`.
    copy: Duration,
    /// The same into a table with the keys, foreign keys and index of
    /// `applications` (all else TEXT): what any import that keeps the
    /// rules pays.
    keyed_copy: Duration,
    /// The `psql` process running `SELECT 1`: connection and start-up.
    bare_psql: Duration,
}

struct Figures {
    engine: Engine,
    import: Duration,
    publish: Duration,
    copy: Option<CopyReference>,
}

async fn json(r: Response, expected: StatusCode, what: &str) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(status, expected, "{what}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// `total` posts spread as evenly as possible over `provinces`.
fn spread(total: i64, provinces: &[&str]) -> Vec<(String, i64)> {
    let n = provinces.len() as i64;
    provinces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.to_string(), total / n + i64::from((i as i64) < total % n)))
        .collect()
}

/// A selection with the 2019 defaults (admission multiplier 20) and `posts`.
async fn selection_with_posts(app: &TestApp, token: &str, posts: &[(String, i64)]) -> String {
    let id = app.selection_id(token).await;
    let refs: Vec<(&str, i64)> = posts.iter().map(|(p, n)| (p.as_str(), *n)).collect();
    json(
        app.put_posts(token, &id, &refs).await,
        StatusCode::OK,
        "posts",
    )
    .await;
    id
}

fn psql(url: &str, command: &str) -> Duration {
    let started = Instant::now();
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            command,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("psql runs");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "psql -c {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// PostgreSQL's own `COPY` of `csv` into a bare table of the database at
/// `url`, and into one with the keys of `applications`, whose rows belong
/// to `selection_id`.
fn copy_reference(url: &str, csv: &str, selection_id: &str) -> Option<CopyReference> {
    if Command::new("psql")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        println!("  note: psql is not installed; COPY reference skipped");
        return None;
    }
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(csv.as_bytes()).unwrap();
    file.flush().unwrap();
    let path = file.path().display().to_string();
    assert!(!path.contains('\''), "a temp path without quotes: {path}");
    assert!(
        !selection_id.contains('\''),
        "an id without quotes: {selection_id}"
    );
    let header = navigator_e2e::selection::APPLICATIONS_HEADER;
    let columns = header
        .split(',')
        .map(|c| format!("{c} TEXT"))
        .collect::<Vec<_>>()
        .join(", ");
    // `applications`' own keys: its id, the selection and the province it
    // refers to, one application per codice fiscale and per number in a
    // selection, and the index by selection and province.
    let keyed = format!(
        "id TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text, \
         selection_id TEXT NOT NULL DEFAULT '{selection_id}' REFERENCES selections (id), \
         {columns}, \
         FOREIGN KEY (province_sigla) REFERENCES provinces (sigla), \
         UNIQUE (selection_id, codice_fiscale), UNIQUE (selection_id, application_no)"
    );
    let copy_into = |table: &str, definition: &str, index: Option<&str>| -> Vec<Duration> {
        (0..COPY_RUNS)
            .map(|_| {
                psql(
                    url,
                    &format!("DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({definition})"),
                );
                if let Some(index) = index {
                    psql(url, index);
                }
                let took = psql(
                    url,
                    &format!(
                        "\\copy {table} ({header}) FROM '{path}' WITH (FORMAT csv, HEADER true)"
                    ),
                );
                psql(url, &format!("DROP TABLE {table}"));
                took
            })
            .collect()
    };
    let copy = median(copy_into("copy_reference", &columns, None));
    let keyed_copy = median(copy_into(
        "copy_reference_keyed",
        &keyed,
        Some("CREATE INDEX ON copy_reference_keyed (selection_id, province_sigla)"),
    ));
    let bare_psql = median((0..COPY_RUNS).map(|_| psql(url, "SELECT 1")).collect());
    Some(CopyReference {
        copy,
        keyed_copy,
        bare_psql,
    })
}

/// Part 1: the 2019 volume in one request; returns its wall time, the CSV
/// and the selection.
async fn import_2019(app: &TestApp, token: &str, siglas: &[&str]) -> (Duration, String, String) {
    let id = selection_with_posts(app, token, &spread(POSTS, siglas)).await;
    let list = applicants(APPLICATIONS, siglas, 2019, "N");
    let csv = applications_csv(&list);
    println!(
        "  applications CSV: {} rows, {:.1} MB",
        list.len(),
        csv.len() as f64 / 1e6
    );
    let started = Instant::now();
    let r = app.import_applications(token, &id, &csv).await;
    let import = started.elapsed();
    let v = json(r, StatusCode::CREATED, "import").await;
    assert_eq!(v["imported"], APPLICATIONS, "{v}");
    println!(
        "  import of {APPLICATIONS} applications: {:>9.1} ms",
        ms(import)
    );
    (import, csv, id)
}

/// Part 2: publishing the rankings of `RANKED` admitted applicants with
/// results; returns the publication's wall time.
async fn publish_rankings(app: &TestApp, token: &str, siglas: &[&str]) -> Duration {
    let id = selection_with_posts(app, token, &spread(POSTS, siglas)).await;
    let list = applicants(RANKED, siglas, 7, "P");
    let started = Instant::now();
    let v = json(
        app.import_applications(token, &id, &applications_csv(&list))
            .await,
        StatusCode::CREATED,
        "import for the rankings",
    )
    .await;
    assert_eq!(v["imported"], RANKED, "{v}");
    let setup_import = started.elapsed();

    let started = Instant::now();
    let v = json(app.admission(token, &id).await, StatusCode::OK, "admission").await;
    let admission = started.elapsed();
    assert_eq!(v["admitted"], RANKED, "every applicant is admitted: {v}");

    // Scores spread from the pass mark (60) up, so that all of them are
    // ranked: `right - 0.4 x wrong >= 60`.
    let mut rng = Lcg::new(2019);
    let lines: Vec<(String, i64, i64)> = list
        .iter()
        .map(|a| {
            let right = 60 + rng.next(41) as i64;
            let most_wrong = (100 - right).min((right - 60) * 5 / 2);
            let wrong = rng.next(most_wrong as u64 + 1) as i64;
            (a.application_no.clone(), right, wrong)
        })
        .collect();
    let refs: Vec<(&str, i64, i64)> = lines.iter().map(|(n, r, w)| (n.as_str(), *r, *w)).collect();
    let started = Instant::now();
    json(
        app.import_results(token, &id, &results_csv(&refs)).await,
        StatusCode::CREATED,
        "results",
    )
    .await;
    let results = started.elapsed();

    let today = chrono::Utc::now().date_naive().to_string();
    let started = Instant::now();
    let r = app.publish(token, &id, &today).await;
    let publish = started.elapsed();
    let v = json(r, StatusCode::CREATED, "publish").await;
    let rankings = v["rankings"].as_array().unwrap();
    let entries: i64 = rankings
        .iter()
        .map(|r| r["entries"].as_i64().unwrap())
        .sum();
    let winners: i64 = rankings
        .iter()
        .map(|r| r["winners"].as_i64().unwrap())
        .sum();
    assert_eq!(rankings.len(), siglas.len(), "a ranking per province");
    assert_eq!(entries, RANKED as i64, "every result is ranked");
    println!(
        "  (setup: import {:.0} ms, admission {:.0} ms, results {:.0} ms)",
        ms(setup_import),
        ms(admission),
        ms(results)
    );
    println!(
        "  publish {} rankings, {entries} entries, {winners} winners: {:>9.1} ms",
        rankings.len(),
        ms(publish)
    );
    publish
}

async fn run(engine: Engine) -> Option<Figures> {
    println!("{}:", engine_name(engine));
    let mut app = spawn(engine, |s| {
        s.database_pool_size = 4;
        s.workers = 2;
        s.import_limit_bytes = 64 * 1024 * 1024;
    })
    .await?;
    app.client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let token = app.user_with_role("hr", &[]).await;
    let provinces = json(
        app.provinces(&token, None).await,
        StatusCode::OK,
        "provinces",
    )
    .await;
    let siglas: Vec<&str> = provinces["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sigla"].as_str().unwrap())
        .collect();
    assert_eq!(siglas.len(), PROVINCES);

    let (import, csv, selection) = import_2019(&app, &token, &siglas).await;
    let copy = if engine == Engine::Postgres {
        let url = app.settings.database_url.clone();
        let reference = tokio::task::spawn_blocking(move || copy_reference(&url, &csv, &selection))
            .await
            .unwrap();
        if let Some(c) = &reference {
            println!(
                "  psql \\copy of the same file into a bare table (median of {COPY_RUNS}): {:>9.1} ms (psql start and connection alone: {:.1} ms)",
                ms(c.copy),
                ms(c.bare_psql)
            );
            println!(
                "  psql \\copy of the same file into a table with the keys of applications (median of {COPY_RUNS}): {:>9.1} ms",
                ms(c.keyed_copy)
            );
        }
        reference
    } else {
        None
    };
    let publish = publish_rankings(&app, &token, &siglas).await;

    stop(app).await;
    Some(Figures {
        engine,
        import,
        publish,
        copy,
    })
}

async fn bench() {
    let mut figures = Vec::new();
    figures.extend(run(Engine::Sqlite).await);
    if postgres_reachable().await {
        figures.extend(run(Engine::Postgres).await);
    }
    let copy = figures.iter().find_map(|f| f.copy.as_ref());

    println!();
    println!("summary ({APPLICATIONS} applications, {PROVINCES} provinces, {POSTS} posts; {RANKED} ranked):");
    for f in &figures {
        let under = f.import < IMPORT_GOAL;
        println!(
            "  import   {:<10} {:>9.1} ms   goal under {} s: {}",
            engine_name(f.engine),
            ms(f.import),
            IMPORT_GOAL.as_secs(),
            goal(under)
        );
    }
    match copy {
        Some(c) => {
            println!(
                "  COPY     PostgreSQL {:>9.1} ms   (psql \\copy, bare table)",
                ms(c.copy)
            );
            println!(
                "  COPY     PostgreSQL {:>9.1} ms   (psql \\copy, a table with the keys of applications: {:.1} x the bare table)",
                ms(c.keyed_copy),
                c.keyed_copy.as_secs_f64() / c.copy.as_secs_f64()
            );
            for f in &figures {
                let ratio = f.import.as_secs_f64() / c.copy.as_secs_f64();
                println!(
                    "  ratio    {:<10} {:>9.1} x    goal within {COPY_RATIO_GOAL} x of COPY: {}   ({:.1} x the keyed COPY)",
                    engine_name(f.engine),
                    ratio,
                    goal(ratio <= COPY_RATIO_GOAL),
                    f.import.as_secs_f64() / c.keyed_copy.as_secs_f64()
                );
            }
        }
        None => println!("  COPY     not measured (no PostgreSQL or no psql): no ratio"),
    }
    for f in &figures {
        println!(
            "  publish  {:<10} {:>9.1} ms   goal under {} s: {}",
            engine_name(f.engine),
            ms(f.publish),
            PUBLISH_GOAL.as_secs(),
            goal(f.publish < PUBLISH_GOAL)
        );
    }
}

fn main() {
    // The harness reads the PostgreSQL server from the environment; set the
    // default before any thread exists.
    default_postgres();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
