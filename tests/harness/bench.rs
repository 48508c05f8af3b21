//! What every benchmark does around its measurements: pick the engines,
//! reach PostgreSQL, drop what it made, and print figures and goals.
#![allow(clippy::print_stdout)]

use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::{Engine, TestApp};

/// The PostgreSQL server a benchmark uses when `TEST_DATABASE_URL` is unset.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The service's default log level, without the line per mail sent: the
/// fixtures send thousands (offers and activations).
const LOG_LEVEL: &str = "info,actix_server=warn,api::mail::sender=warn";

/// Points the harness at [`DEFAULT_POSTGRES`] when `TEST_DATABASE_URL` is
/// unset. Call it first in `main`: the environment is set before any
/// thread exists.
pub fn default_postgres() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        std::env::set_var("TEST_DATABASE_URL", DEFAULT_POSTGRES);
    }
}

/// Logs at the service's default level without the line per mail sent,
/// unless `RUST_LOG` says otherwise. Call it in `main`, before any thread.
pub fn default_log_level() {
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", LOG_LEVEL);
    }
}

pub fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    }
}

pub fn goal(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Both engines, unless `BENCH_ENGINE` names one (`sqlite`, `postgres`):
/// one engine at a time is what a profiler wants.
pub fn wanted(engine: Engine) -> bool {
    std::env::var("BENCH_ENGINE").map_or(true, |e| {
        e.is_empty()
            || e.eq_ignore_ascii_case(engine_name(engine))
            || (engine == Engine::Postgres && e == "postgres")
    })
}

/// Whether the PostgreSQL server for tests answers.
pub async fn postgres_reachable() -> bool {
    let url = std::env::var("TEST_DATABASE_URL").unwrap();
    tokio::task::spawn_blocking(move || match diesel::PgConnection::establish(&url) {
        Ok(_) => true,
        Err(e) => {
            println!("PostgreSQL skipped: cannot connect to {url}: {e}");
            false
        }
    })
    .await
    .unwrap()
}

/// The engines to measure: those [`wanted`], PostgreSQL only if it answers.
pub async fn engines() -> Vec<Engine> {
    let mut engines = Vec::new();
    if wanted(Engine::Sqlite) {
        engines.push(Engine::Sqlite);
    }
    if wanted(Engine::Postgres) && postgres_reachable().await {
        engines.push(Engine::Postgres);
    }
    engines
}

/// Stops the benchmark's server and drops its database if it is
/// PostgreSQL's.
pub async fn stop(app: TestApp) {
    let db = app.stop().await;
    if db.engine == Engine::Postgres {
        drop_database(db.url.clone()).await;
    }
}

/// Drops a PostgreSQL database a benchmark made: they hold hundreds of
/// thousands of rows, too many to leave for the harness's hourly sweep.
async fn drop_database(url: String) {
    let admin = std::env::var("TEST_DATABASE_URL").unwrap();
    tokio::task::spawn_blocking(move || {
        let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
        if let Ok(mut conn) = diesel::PgConnection::establish(&admin) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    })
    .await
    .unwrap();
}
