//! Prometheus metrics: requests by route, the database pool, the outbox,
//! the background tasks, sign-ins and the process.
//!
//! What the database or the kernel already counts (pool hand-outs, the
//! outbox, CPU and memory) is read at scrape time; what only this process
//! sees (requests, task runs, sign-ins) is counted as it happens.

use std::sync::{Arc, Mutex};

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// The process's series, under their usual unprefixed names.
    process: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub outbox_pending: IntGauge,
    /// Navigators whose progress this server holds for the polls.
    pub progress_held: IntGauge,
    outbox_sent: IntGauge,
    outbox_failed: IntGauge,
    outbox_oldest_age: Gauge,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    pool_checkouts: IntCounter,
    pool_waits: IntCounter,
    pool_wait_seconds: Gauge,
    pool_timeouts: IntCounter,
    task_runs: IntCounterVec,
    task_failures: IntCounterVec,
    logins: IntCounterVec,
    process_cpu: Gauge,
    process_rss: IntGauge,
    process_open_fds: IntGauge,
    process_threads: IntGauge,
    /// One scrape at a time turns the totals read into counter steps.
    scrape: Arc<Mutex<()>>,
}

/// The background tasks, as the metrics name them.
pub mod task {
    pub const MAIL_SENDER: &str = "mail_sender";
    pub const LAPSE_OFFERS: &str = "lapse_offers";
    pub const RELEASE_ENDED_CONTRACTS: &str = "release_ended_contracts";
    pub const FORGET_IDEMPOTENCY_KEYS: &str = "forget_idempotency_keys";
    pub const ALL: [&str; 4] = [
        MAIL_SENDER,
        LAPSE_OFFERS,
        RELEASE_ENDED_CONTRACTS,
        FORGET_IDEMPOTENCY_KEYS,
    ];
}

fn register<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> Result<C, prometheus::Error> {
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

/// Moves `counter` up to `total` (a count kept elsewhere since start).
fn follow(counter: &IntCounter, total: u64) {
    let now = counter.get();
    if total > now {
        counter.inc_by(total - now);
    }
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("navigator".into()), None)?;
        let r = &registry;
        let requests = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "http_requests_total",
                    "HTTP requests by route pattern, method and status",
                ),
                &["method", "route", "status"],
            )?,
        )?;
        let latency = register(
            r,
            HistogramVec::new(
                HistogramOpts::new(
                    "http_request_duration_seconds",
                    "HTTP request latency by route pattern",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ]),
                &["method", "route"],
            )?,
        )?;
        let task_runs = register(
            r,
            IntCounterVec::new(
                Opts::new("background_task_runs_total", "Runs of each background task"),
                &["task"],
            )?,
        )?;
        let task_failures = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "background_task_failures_total",
                    "Runs of each background task that failed",
                ),
                &["task"],
            )?,
        )?;
        // Every task and outcome shows from the start, at zero, so a rate
        // or an alert has a series before the first event.
        for t in task::ALL {
            task_runs.with_label_values(&[t]);
            task_failures.with_label_values(&[t]);
        }
        let logins = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "logins_total",
                    "Sign-ins by outcome: success, failure (wrong credentials or role), throttled",
                ),
                &["outcome"],
            )?,
        )?;
        for outcome in ["success", "failure", "throttled"] {
            logins.with_label_values(&[outcome]);
        }
        let process = Registry::new();
        let p = &process;
        let process_start = register(
            p,
            Gauge::new(
                "process_start_time_seconds",
                "Start time of the process since the Unix epoch, in seconds",
            )?,
        )?;
        process_start.set(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
        );
        Ok(Self {
            requests,
            latency,
            outbox_pending: register(
                r,
                IntGauge::new("mail_outbox_pending", "Mails queued and not yet sent")?,
            )?,
            progress_held: register(
                r,
                IntGauge::new(
                    "progress_held",
                    "Navigators whose stored progress this server holds in memory for the tablets' polls",
                )?,
            )?,
            outbox_sent: register(
                r,
                IntGauge::new("mail_outbox_sent", "Mails in the outbox sent")?,
            )?,
            outbox_failed: register(
                r,
                IntGauge::new(
                    "mail_outbox_failed",
                    "Mails in the outbox given up after their last attempt",
                )?,
            )?,
            outbox_oldest_age: register(
                r,
                Gauge::new(
                    "mail_outbox_oldest_pending_age_seconds",
                    "How long the oldest mail still queued has waited (0 when none)",
                )?,
            )?,
            pool_connections: register(
                r,
                IntGaugeVec::new(
                    Opts::new(
                        "db_pool_connections",
                        "Database connections of this process's pool, in use or idle",
                    ),
                    &["state"],
                )?,
            )?,
            pool_max: register(
                r,
                IntGauge::new(
                    "db_pool_max_connections",
                    "The most connections the pool opens",
                )?,
            )?,
            pool_checkouts: register(
                r,
                IntCounter::new(
                    "db_pool_checkouts_total",
                    "Connections handed out by the pool",
                )?,
            )?,
            pool_waits: register(
                r,
                IntCounter::new(
                    "db_pool_waits_total",
                    "Hand-outs that waited 1 ms or more for a connection",
                )?,
            )?,
            pool_wait_seconds: register(
                r,
                Gauge::new(
                    "db_pool_wait_seconds_total",
                    "Time spent waiting for a connection, in seconds",
                )?,
            )?,
            pool_timeouts: register(
                r,
                IntCounter::new(
                    "db_pool_timeouts_total",
                    "Callers that gave up waiting for a connection",
                )?,
            )?,
            task_runs,
            task_failures,
            logins,
            process_cpu: register(
                p,
                Gauge::new(
                    "process_cpu_seconds_total",
                    "User and system CPU time of the process, in seconds",
                )?,
            )?,
            process_rss: register(
                p,
                IntGauge::new(
                    "process_resident_memory_bytes",
                    "Resident memory of the process, in bytes",
                )?,
            )?,
            process_open_fds: register(
                p,
                IntGauge::new("process_open_fds", "Open file descriptors")?,
            )?,
            process_threads: register(
                p,
                IntGauge::new("process_threads", "Threads of the process")?,
            )?,
            registry,
            process,
            scrape: Arc::default(),
        })
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// One run of a background task, and whether it failed.
    pub fn task_ran(&self, task: &str, failed: bool) {
        self.task_runs.with_label_values(&[task]).inc();
        if failed {
            self.task_failures.with_label_values(&[task]).inc();
        }
    }

    /// Counts a sign-in by its outcome, and hands the outcome back.
    pub fn counted_login<T>(&self, outcome: ApiResult<T>) -> ApiResult<T> {
        let label = match &outcome {
            Ok(_) => Some("success"),
            Err(ApiError::Throttled { .. }) => Some("throttled"),
            Err(ApiError::InvalidCredentials | ApiError::Forbidden | ApiError::SecondFactor(_)) => {
                Some("failure")
            }
            // Not the caller's doing (the database, a bug): not a sign-in outcome.
            Err(_) => None,
        };
        if let Some(label) = label {
            self.logins.with_label_values(&[label]).inc();
        }
        outcome
    }

    /// Takes in what is read at scrape time: the pool, the outbox (when it
    /// could be read) and the process.
    pub fn read_at_scrape(
        &self,
        pool: &persistence::PoolState,
        outbox: Option<&persistence::outbox::OutboxStatus>,
        now: chrono::NaiveDateTime,
    ) {
        let _one_at_a_time = self.scrape.lock();
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(i64::from(pool.in_use));
        self.pool_connections
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
        follow(&self.pool_checkouts, pool.checkouts);
        follow(&self.pool_waits, pool.waits);
        self.pool_wait_seconds.set(pool.waited_seconds);
        follow(&self.pool_timeouts, pool.timeouts);
        if let Some(o) = outbox {
            self.outbox_pending.set(o.queued);
            self.outbox_sent.set(o.sent);
            self.outbox_failed.set(o.failed);
            let age = o.oldest_queued.map_or(0.0, |t| {
                let ms = (now - t).num_milliseconds().max(0) as f64;
                ms / 1000.0
            });
            self.outbox_oldest_age.set(age);
        }
        if let Some(p) = ProcessState::read() {
            self.process_cpu.set(p.cpu_seconds);
            self.process_rss.set(p.resident_bytes);
            self.process_threads.set(p.threads);
            self.process_open_fds.set(p.open_fds);
        }
    }

    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buf = Vec::new();
        let mut families = self.registry.gather();
        families.extend(self.process.gather());
        TextEncoder::new().encode(&families, &mut buf)?;
        String::from_utf8(buf).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// The process as Linux's `/proc/self` shows it (the prometheus crate's own
/// process collector would bring in a `/proc` parsing crate for four
/// numbers). `None` elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ProcessState {
    cpu_seconds: f64,
    resident_bytes: i64,
    threads: i64,
    open_fds: i64,
}

/// Clock ticks per second of `/proc/self/stat`: `USER_HZ`, 100 on every
/// Linux architecture the service is built for.
const USER_HZ: f64 = 100.0;

impl ProcessState {
    fn read() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count();
        let mut p = Self::parse(&stat, &status)?;
        p.open_fds = i64::try_from(open_fds).unwrap_or(i64::MAX);
        Some(p)
    }

    /// From the text of `/proc/self/stat` and `/proc/self/status`.
    fn parse(stat: &str, status: &str) -> Option<Self> {
        // The command name (field 2) may hold spaces and parentheses: the
        // fields are counted from after its last `)`. utime and stime are
        // fields 14 and 15, so the 12th and 13th after it.
        let after_name = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
        let cpu_seconds = (ticks(11)? + ticks(12)?) / USER_HZ;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<i64>().ok())
        };
        Some(Self {
            cpu_seconds,
            resident_bytes: field("VmRSS:")? * 1024,
            threads: field("Threads:")?,
            open_fds: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_is_read_from_proc() {
        let stat = "4242 (navigator (x)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 9 0 100 1000000 3000 18446744073709551615";
        let status = "Name:\tnavigator\nVmRSS:\t   20480 kB\nThreads:\t9\n";
        let p = ProcessState::parse(stat, status).unwrap();
        assert!((p.cpu_seconds - 3.0).abs() < 1e-9, "{p:?}");
        assert_eq!(p.resident_bytes, 20480 * 1024);
        assert_eq!(p.threads, 9);
        // This very process, on Linux.
        if cfg!(target_os = "linux") {
            let me = ProcessState::read().unwrap();
            assert!(me.resident_bytes > 1_000_000 && me.threads >= 1 && me.open_fds >= 3);
        }
    }

    #[test]
    fn counters_follow_totals_kept_elsewhere() {
        let m = Metrics::new().unwrap();
        let mut pool = persistence::PoolState {
            max: 8,
            in_use: 2,
            idle: 3,
            checkouts: 10,
            waits: 1,
            waited_seconds: 0.5,
            timeouts: 0,
        };
        let now = chrono::Utc::now().naive_utc();
        m.read_at_scrape(&pool, None, now);
        pool.checkouts = 15;
        m.read_at_scrape(&pool, None, now);
        let text = m.render().unwrap();
        assert!(
            text.contains("navigator_db_pool_checkouts_total 15"),
            "{text}"
        );
        assert!(text.contains(r#"navigator_db_pool_connections{state="in_use"} 2"#));
        assert!(text.contains("navigator_db_pool_wait_seconds_total 0.5"));
        assert!(text.contains(r#"navigator_logins_total{outcome="throttled"} 0"#));
    }
}
