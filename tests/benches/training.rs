//! The tablet's progress poll under load, on SQLite and on PostgreSQL:
//! `GET /api/v1/me/training` with valid tokens for 3,000 Navigators holding
//! 100 training records each, 64 keep-alive connections, next to
//! `GET /healthz` measured by the same generator, on the same server, in the
//! same run. Goals: at least 20,000 requests/s on PostgreSQL, and at least a
//! quarter of the `/healthz` rate on each engine.
//!
//! The fixture, per engine (the harness's `full_programme`), all in Campania:
//! - a selection whose rankings came out on 24 June 2019, with 600 posts in
//!   each of Campania's five provinces, and 3,000 contracts called,
//!   accepted, drafted and signed through the API (signed 20 November 2019,
//!   as Campania's were). Campania because its convention is `remote`: the
//!   on-the-job logs carry no CPI, so no assignment is needed for them to be
//!   true to the rules. "Today" is fixed at 30 June 2020;
//! - 100 records per Navigator, 300,000 in all, written straight into the
//!   tables (through the API they would take hours): 10 classroom
//!   attendances, the 8 distance modules (three Navigators in four failed
//!   one), 82 on-the-job logs, one a working day from the operational
//!   start (9 December 2019), validated, pending or rejected in a
//!   proportion that varies by Navigator;
//! - each Navigator's progress made by the product itself: one
//!   `GET /me/training` each with no snapshot stored computes it from the
//!   records and stores it with its tag (the same `refresh` every record
//!   change runs). Every answer is checked against the hours the fixture
//!   wrote. Statistics are then taken again (`ANALYZE`), as a database that
//!   grew to this size would have them. Storing it makes the server forget
//!   what it held of that progress, so during the load each Navigator's
//!   first poll reads the database and the next ones are answered from the
//!   server's memory, as a tablet's repeated polls are (mostly in the
//!   first warm-up second: 3,000 Navigators among tens of thousands of
//!   requests);
//! - access tokens minted with the test server's signing key by the
//!   product's own `JwtKeys::issue`, with the claims a login gives (user id,
//!   role, Regions, Navigator id): logging in 3,000 accounts would cost an
//!   argon2 hash each and a password activation first, and the request path
//!   measured here (signature, claims, cut-off check) is the same either way.
//!
//! The load: a small HTTP/1.1 client written here, not reqwest, because the
//! generator shares the two cores with the server and the database and must
//! cost as little as wrk would: every request is pre-formatted, one request
//! in flight per connection, the answer read to its `Content-Length`. Each
//! request picks a Navigator at random; half of them carry `If-None-Match`
//! with that Navigator's current tag, as a tablet that polls, and should be
//! answered 304. The two endpoints are loaded in turns, four slices each
//! (new connections, 1 s uncounted, 3 s counted), so that other work on
//! the machine weighs on both figures alike and the ratio stays fair; the
//! load average before the load is printed. Any answer other than 200 or
//! 304, and any broken connection, is counted and printed.
//!
//! Where the time goes: during the counted seconds the CPU time of the
//! server's threads, of the generator's threads and of the PostgreSQL
//! backends serving the benchmark's database is read from `/proc` (Linux)
//! and printed per request, with the share of the machine's CPUs it adds
//! up to (well under 100 % means something else was running). Rates on a
//! shared machine move with its load; the CPU time per request much less.
//!
//! The server runs in this process (the harness's `spawn`), compiled with
//! the same release profile as `navigator serve`, with its text log
//! subscriber at the default level and its default worker count (one per
//! core) and pool size: one command builds and runs everything, and the
//! generator, the server and the database share the CPUs as they would with
//! wrk and a separate server process on the same machine. `/healthz` goes
//! through the same middleware (request id, tracing span, metrics) with no
//! token and no database, so the ratio is the cost of the poll itself.
//!
//! Timings are printed, never asserted. PostgreSQL comes from
//! `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! when it cannot be reached its part is skipped with a note.
//!
//! Run with `cargo bench -p navigator-e2e --bench training`
//! (`BENCH_ENGINE=sqlite` or `BENCH_ENGINE=postgres` for one engine only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::Connection;
use navigator_e2e::bench::{default_log_level, default_postgres, engine_name, engines, goal, stop};
use navigator_e2e::full_programme::{
    analyze, day, first_reads, mint_tokens, published_selection, sign_contracts, write_records,
    ProgrammeNavigator, NAVIGATORS, RECORDS_EACH, TODAY,
};
use navigator_e2e::selection::Lcg;
use navigator_e2e::{spawn, Engine, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Campania's provinces; each gets a fifth of the Navigators.
const PROVINCES: [&str; 5] = ["AV", "BN", "CE", "NA", "SA"];
const CAMPANIA: &str = "15";

const CONNECTIONS: usize = 64;
/// Each endpoint is loaded in `ROUNDS` slices, in turns with the other:
/// new connections, `WARM_UP` uncounted, then `SLICE` counted.
const ROUNDS: u32 = 4;
const WARM_UP: Duration = Duration::from_secs(1);
const SLICE: Duration = Duration::from_secs(3);

const TRAINING_GOAL_PER_SECOND: f64 = 20_000.0;
const HEALTHZ_RATIO_GOAL: f64 = 0.25;
/// The ratio measured before the hardening's checks on every request:
/// the poll must not fall below it.
fn ratio_floor(engine: Engine) -> f64 {
    match engine {
        Engine::Postgres => 0.49,
        Engine::Sqlite => 0.65,
    }
}

// ------------------------------------------------------------------- load

/// What one phase asks: the same `/healthz`, or the progress of a Navigator
/// at random, half of the time with their current tag.
enum Target {
    Healthz(Vec<u8>),
    /// Per Navigator: the plain request, and the one with `If-None-Match`.
    Training(Vec<(Vec<u8>, Vec<u8>)>),
}

impl Target {
    fn healthz(host: &str) -> Self {
        Self::Healthz(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes())
    }

    fn training(host: &str, tokens: &[String], tags: &[String]) -> Self {
        let request = |token: &str, tag: Option<&str>| {
            let condition = tag.map_or_else(String::new, |t| format!("If-None-Match: {t}\r\n"));
            format!(
                "GET /api/v1/me/training HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n{condition}\r\n"
            )
            .into_bytes()
        };
        Self::Training(
            tokens
                .iter()
                .zip(tags)
                .map(|(token, tag)| (request(token, None), request(token, Some(tag))))
                .collect(),
        )
    }

    /// A request and whether it is conditional.
    fn pick(&self, rng: &mut Lcg) -> (&[u8], bool) {
        match self {
            Self::Healthz(r) => (r, false),
            Self::Training(per_navigator) => {
                let (plain, conditional) =
                    &per_navigator[rng.next(per_navigator.len() as u64) as usize];
                if rng.next(2) == 0 {
                    (conditional, true)
                } else {
                    (plain, false)
                }
            }
        }
    }
}

#[derive(Default)]
struct Tally {
    /// Microseconds from writing the request to the end of the answer.
    latencies: Vec<u32>,
    ok: u64,
    not_modified: u64,
    conditional: u64,
    /// Answers other than 200 and 304, by status.
    unexpected: BTreeMap<u16, u64>,
    /// Connections broken or answers unreadable.
    broken: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.ok += other.ok;
        self.not_modified += other.not_modified;
        self.conditional += other.conditional;
        for (status, n) in other.unexpected {
            *self.unexpected.entry(status).or_default() += n;
        }
        self.broken += other.broken;
    }
}

/// The end of the head in `buf`, just past its blank line.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// Sends `request` and reads its answer to the end; the status.
async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    stream.write_all(request).await?;
    buf.clear();
    let head = loop {
        if let Some(end) = head_end(buf) {
            break end;
        }
        if stream.read_buf(buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    };
    let text = std::str::from_utf8(&buf[..head]).map_err(|_| invalid("head"))?;
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("status line"))?;
    let mut length = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value
                .trim()
                .parse()
                .map_err(|_| invalid("content-length"))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(invalid("chunked answers are not read here"));
        }
    }
    while buf.len() < head + length {
        if stream.read_buf(buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    if buf.len() > head + length {
        return Err(invalid("bytes after the answer"));
    }
    Ok(status)
}

async fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// One keep-alive connection sending requests one after the other until
/// `until`; answers to requests sent from `counted_from` and complete by
/// `until` are tallied.
async fn connection(
    addr: SocketAddr,
    target: Arc<Target>,
    seed: u64,
    counted_from: Instant,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut rng = Lcg::new(seed);
    let mut stream = connect(addr).await;
    let mut buf = Vec::with_capacity(4096);
    loop {
        let sent = Instant::now();
        if sent >= until {
            return tally;
        }
        let (request, conditional) = target.pick(&mut rng);
        let answer = exchange(&mut stream, request, &mut buf).await;
        let done = Instant::now();
        let counted = sent >= counted_from && done <= until;
        match answer {
            Ok(status) if counted => {
                tally
                    .latencies
                    .push(u32::try_from((done - sent).as_micros()).unwrap_or(u32::MAX));
                tally.conditional += u64::from(conditional);
                match status {
                    200 => tally.ok += 1,
                    304 => tally.not_modified += 1,
                    other => *tally.unexpected.entry(other).or_default() += 1,
                }
            }
            Ok(_) => {}
            Err(_) => {
                if counted {
                    tally.broken += 1;
                }
                stream = connect(addr).await;
            }
        }
    }
}

struct Phase {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    tally: Tally,
    cpu: Cpu,
    counted: Duration,
}

impl Phase {
    fn requests(&self) -> u64 {
        self.tally.latencies.len() as u64
    }

    fn not_modified_rate(&self) -> f64 {
        self.tally.not_modified as f64 / self.requests().max(1) as f64
    }

    fn print(&self, what: &str) {
        println!(
            "  {what:<16} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests: {} x 200, {} x 304, {} conditional)",
            self.per_second,
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.requests(),
            self.tally.ok,
            self.tally.not_modified,
            self.tally.conditional,
        );
        if !self.tally.unexpected.is_empty() || self.tally.broken > 0 {
            println!(
                "  {what:<16} UNEXPECTED answers by status: {:?}; broken connections: {}",
                self.tally.unexpected, self.tally.broken
            );
        }
        println!("  {what:<16} {}", self.cpu_text());
    }

    fn per_request(&self, micros: u64) -> f64 {
        micros as f64 / self.requests().max(1) as f64
    }

    /// Where the CPU time went, per request, and how much of the machine
    /// that was: well under 100 % means something else was running.
    fn cpu_text(&self) -> String {
        let c = &self.cpu;
        let database = match c.database {
            Some(d) => format!("PostgreSQL {:.1} us", self.per_request(d)),
            None => "database: within the server".to_owned(),
        };
        let cpus = std::thread::available_parallelism().map_or(1, usize::from) as f64;
        let used = (c.server + c.generator + c.database.unwrap_or(0)) as f64;
        format!(
            "CPU per request: server {:.1} us, {database}, generator {:.1} us; {:.0} % of the CPUs",
            self.per_request(c.server),
            self.per_request(c.generator),
            used / (self.counted.as_secs_f64() * 1e6 * cpus) * 100.0
        )
    }
}

/// `CONNECTIONS` fresh connections on `target` for `WARM_UP`, then
/// tallied for `SLICE`, with the CPU time spent while tallied.
async fn slice(addr: SocketAddr, target: &Arc<Target>, probe: &CpuProbe) -> (Tally, Cpu) {
    let start = Instant::now();
    let (counted_from, until) = (start + WARM_UP, start + WARM_UP + SLICE);
    let connections: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            tokio::spawn(connection(
                addr,
                Arc::clone(target),
                start.elapsed().as_nanos() as u64 ^ (c as u64 + 1),
                counted_from,
                until,
            ))
        })
        .collect();
    tokio::time::sleep_until(counted_from.into()).await;
    let before = probe.read();
    tokio::time::sleep_until(until.into()).await;
    let cpu = probe.read().since(&before);
    let mut tally = Tally::default();
    for c in connections {
        tally.add(c.await.unwrap());
    }
    (tally, cpu)
}

impl Phase {
    fn of(mut tally: Tally, cpu: Cpu, counted: Duration) -> Self {
        tally.latencies.sort_unstable();
        let at = |p: f64| {
            let l = &tally.latencies;
            let i = ((l.len().max(1) - 1) as f64 * p) as usize;
            Duration::from_micros(l.get(i).copied().unwrap_or(0).into())
        };
        let (p50, p99) = (at(0.50), at(0.99));
        Self {
            per_second: tally.latencies.len() as f64 / counted.as_secs_f64(),
            p50,
            p99,
            tally,
            cpu,
            counted,
        }
    }
}

/// `/healthz` and `/me/training` in turns, `ROUNDS` slices each, so that
/// whatever else the machine does weighs on both alike.
async fn load(
    addr: SocketAddr,
    probe: &CpuProbe,
    healthz: Target,
    training: Target,
) -> (Phase, Phase) {
    let (healthz, training) = (Arc::new(healthz), Arc::new(training));
    let (mut h, mut t) = (Tally::default(), Tally::default());
    let (mut h_cpu, mut t_cpu) = (Cpu::default(), Cpu::default());
    for _ in 0..ROUNDS {
        let (tally, cpu) = slice(addr, &healthz, probe).await;
        h.add(tally);
        h_cpu.add(cpu);
        let (tally, cpu) = slice(addr, &training, probe).await;
        t.add(tally);
        t_cpu.add(cpu);
    }
    let counted = SLICE * ROUNDS;
    (Phase::of(h, h_cpu, counted), Phase::of(t, t_cpu, counted))
}

// ------------------------------------------------------------- CPU time

/// The name of the load generator's threads, to tell their CPU time from
/// the server's (both run in this process).
const GENERATOR_THREADS: &str = "load-generator";
/// `/proc` counts CPU time in ticks of 1/100 s (`USER_HZ`) on Linux.
const TICK_MICROS: u64 = 10_000;

/// CPU time in microseconds: the server (this process but the generator),
/// the load generator, and the database's backends when it is a
/// PostgreSQL server on this machine. Read from `/proc`; zero elsewhere.
#[derive(Default, Clone, Copy)]
struct Cpu {
    server: u64,
    generator: u64,
    database: Option<u64>,
}

impl Cpu {
    fn add(&mut self, other: Cpu) {
        self.server += other.server;
        self.generator += other.generator;
        self.database = match (self.database, other.database) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

/// utime + stime, in microseconds, from a `/proc/.../stat` line.
fn stat_micros(path: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name, in parentheses, may hold spaces: count from after it.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * TICK_MICROS)
}

fn generator_micros() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.starts_with(GENERATOR_THREADS))
        })
        .filter_map(|t| stat_micros(&t.path().join("stat").to_string_lossy()))
        .sum()
}

#[derive(diesel::QueryableByName)]
struct Backend {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// Reads the CPU time of the server, the generator and the PostgreSQL
/// backends serving the benchmark's database.
struct CpuProbe {
    postgres: Option<std::sync::Mutex<diesel::PgConnection>>,
}

struct CpuReading {
    process: u64,
    generator: u64,
    /// Per backend process.
    backends: Option<BTreeMap<i32, u64>>,
}

impl CpuProbe {
    fn new(app: &TestApp) -> Self {
        let postgres = (app.engine == Engine::Postgres)
            .then(|| diesel::PgConnection::establish(&app.settings.database_url).ok())
            .flatten()
            .map(std::sync::Mutex::new);
        Self { postgres }
    }

    fn read(&self) -> CpuReading {
        use diesel::RunQueryDsl;
        let backends = self.postgres.as_ref().map(|conn| {
            let pids: Vec<Backend> = tokio::task::block_in_place(|| {
                diesel::sql_query(
                    "SELECT pid FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .load(&mut *conn.lock().unwrap())
                .unwrap_or_default()
            });
            pids.into_iter()
                .filter_map(|b| Some((b.pid, stat_micros(&format!("/proc/{}/stat", b.pid))?)))
                .collect()
        });
        CpuReading {
            process: stat_micros("/proc/self/stat").unwrap_or(0),
            generator: generator_micros(),
            backends,
        }
    }
}

impl CpuReading {
    fn since(&self, before: &CpuReading) -> Cpu {
        let generator = self.generator.saturating_sub(before.generator);
        let database = self.backends.as_ref().map(|now| {
            // A backend opened in between counts from zero.
            now.iter()
                .map(|(pid, t)| {
                    let was = before.backends.as_ref().and_then(|b| b.get(pid)).copied();
                    t.saturating_sub(was.unwrap_or(0))
                })
                .sum::<u64>()
        });
        Cpu {
            server: self
                .process
                .saturating_sub(before.process)
                .saturating_sub(generator),
            generator,
            database,
        }
    }
}

// ------------------------------------------------------------------- runs

struct Figures {
    engine: Engine,
    training: Phase,
    healthz: Phase,
}

impl Figures {
    fn ratio(&self) -> f64 {
        self.training.per_second / self.healthz.per_second.max(1.0)
    }
}

async fn run(engine: Engine) -> Option<Figures> {
    println!("{}:", engine_name(engine));
    let started = Instant::now();
    let mut app = spawn(engine, |s| {
        s.today = Some(day(TODAY));
        // The service's defaults, not the harness's: one worker per core,
        // the default pool, mail polled every second.
        let defaults = api::Settings::defaults_only().unwrap();
        s.workers = defaults.workers;
        s.database_pool_size = defaults.database_pool_size;
        s.mail_poll_millis = defaults.mail_poll_millis;
    })
    .await?;
    app.client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let hr = app.user_with_role("hr", &[]).await;
    let per_province: Vec<(&str, usize)> = PROVINCES
        .iter()
        .map(|p| (*p, NAVIGATORS / PROVINCES.len()))
        .collect();
    let selection = published_selection(&app, &hr, &per_province).await;
    let contracts = sign_contracts(&app, &hr, &selection, &per_province).await;
    assert_eq!(contracts.len(), NAVIGATORS);
    println!(
        "  fixture: selection and {NAVIGATORS} signed contracts through the API: {:>6.1} s",
        started.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let mut navigators: Vec<ProgrammeNavigator> = contracts
        .into_iter()
        .map(|(province, c)| ProgrammeNavigator {
            id: c["navigator_id"].as_str().unwrap().to_owned(),
            contract_id: c["id"].as_str().unwrap().to_owned(),
            province,
            region: CAMPANIA.to_owned(),
            cpi: None,
            validated_minutes: 0,
            pending_minutes: 0,
        })
        .collect();
    let db = app.db.clone();
    let navigators = tokio::task::spawn_blocking(move || {
        write_records(&db, &mut navigators);
        analyze(&db);
        navigators
    })
    .await
    .unwrap();
    println!(
        "  fixture: {} records written into the tables:          {:>6.1} s",
        navigators.len() * RECORDS_EACH,
        at.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let tokens = tokio::task::block_in_place(|| mint_tokens(&app, &navigators));
    let tags = first_reads(&app, &navigators, &tokens).await;
    // The stored answers are new too: without their statistics the planner
    // would scan them all for each batch of polls.
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || analyze(&db))
        .await
        .unwrap();
    let warming = at.elapsed();
    println!(
        "  fixture: {NAVIGATORS} tokens and first reads (progress made and stored): {:>6.1} s ({:.0} first reads/s)",
        warming.as_secs_f64(),
        NAVIGATORS as f64 / warming.as_secs_f64()
    );
    println!(
        "  fixture built in {:.1} s; pool {} connections, {} workers",
        started.elapsed().as_secs_f64(),
        app.settings.database_pool_size,
        if app.settings.workers == 0 {
            "one per core".to_owned()
        } else {
            app.settings.workers.to_string()
        },
    );

    let addr: SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let host = addr.to_string();
    // The machine may be shared: say how busy it was.
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!("  load average before the load: {}", l.trim());
    }
    println!(
        "  load: {CONNECTIONS} connections, /healthz and /me/training in turns, {ROUNDS} x ({} s warm-up + {} s counted) each",
        WARM_UP.as_secs(),
        SLICE.as_secs()
    );
    let probe = tokio::task::block_in_place(|| CpuProbe::new(&app));
    let (healthz, training) = load(
        addr,
        &probe,
        Target::healthz(&host),
        Target::training(&host, &tokens, &tags),
    )
    .await;
    healthz.print("GET /healthz");
    training.print("GET /me/training");
    println!(
        "  304 rate {:.1} %, ratio to /healthz {:.3}",
        training.not_modified_rate() * 100.0,
        training.per_second / healthz.per_second.max(1.0)
    );

    stop(app).await;
    Some(Figures {
        engine,
        training,
        healthz,
    })
}

async fn bench() {
    // As `navigator serve` logs: text, at its default level.
    api::telemetry::init(api::config::LogFormat::Text);
    let mut figures = Vec::new();
    for engine in engines().await {
        figures.extend(run(engine).await);
    }

    println!();
    println!(
        "summary ({NAVIGATORS} Navigators x {RECORDS_EACH} records, {CONNECTIONS} connections, {} s counted each, {} CPUs):",
        (SLICE * ROUNDS).as_secs(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    for f in &figures {
        let (t, h) = (&f.training, &f.healthz);
        println!(
            "  {:<10} /me/training {:>7.0} req/s (p50 {:.2} ms, p99 {:.2} ms, 304 rate {:.1} %)   /healthz {:>7.0} req/s (p50 {:.2} ms, p99 {:.2} ms)   ratio {:.3}",
            engine_name(f.engine),
            t.per_second,
            t.p50.as_secs_f64() * 1000.0,
            t.p99.as_secs_f64() * 1000.0,
            t.not_modified_rate() * 100.0,
            h.per_second,
            h.p50.as_secs_f64() * 1000.0,
            h.p99.as_secs_f64() * 1000.0,
            f.ratio()
        );
        println!(
            "  {:<10} /me/training {}",
            engine_name(f.engine),
            t.cpu_text()
        );
        println!(
            "  {:<10} /healthz     {}",
            engine_name(f.engine),
            h.cpu_text()
        );
        let unexpected: u64 = t.tally.unexpected.values().sum::<u64>()
            + h.tally.unexpected.values().sum::<u64>()
            + t.tally.broken
            + h.tally.broken;
        println!(
            "  {:<10} answers other than 200/304 or broken: {unexpected}",
            engine_name(f.engine)
        );
        if f.engine == Engine::Postgres {
            println!(
                "  {:<10} goal at least {TRAINING_GOAL_PER_SECOND:.0} req/s: {}",
                engine_name(f.engine),
                goal(t.per_second >= TRAINING_GOAL_PER_SECOND)
            );
        }
        println!(
            "  {:<10} goal at least {HEALTHZ_RATIO_GOAL} of /healthz: {}",
            engine_name(f.engine),
            goal(f.ratio() >= HEALTHZ_RATIO_GOAL)
        );
        println!(
            "  {:<10} goal at least {} of /healthz (the ratio before the hardening): {}",
            engine_name(f.engine),
            ratio_floor(f.engine),
            goal(f.ratio() >= ratio_floor(f.engine))
        );
    }
    if !figures.iter().any(|f| f.engine == Engine::Postgres) {
        println!("  PostgreSQL not measured: the 20,000 req/s goal is not judged");
    }
}

fn main() {
    // The harness reads the PostgreSQL server from the environment; set the
    // default before any thread exists.
    default_postgres();
    default_log_level();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(GENERATOR_THREADS)
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
