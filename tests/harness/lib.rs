//! The end-to-end harness: starts the real server on a free port with a
//! fresh database per test, on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set, and offers a helper per endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

pub mod authorization;
pub mod bench;
pub mod browser;
pub mod contracts;
pub mod endpoints;
pub mod equipment;
pub mod full_programme;
pub mod navigators;
pub mod oidc;
pub mod process;
pub mod proxy;
pub mod questions;
pub mod selection;
pub mod smtp;
pub mod training;

use std::sync::Arc;
use std::time::Duration;

use api::config::{MailTransport, Settings};
use api::mail::{MemoryMailer, OutgoingMail};
use api::Application;
use diesel::connection::SimpleConnection;
use diesel::Connection;

pub const ADMIN_EMAIL: &str = "admin@anpalservizi.it";
pub const ADMIN_PASSWORD: &str = "password iniziale dell'amministratore";
pub const JWT_SECRET: &str = "a test signing key that is long enough to be used";
/// A strong enough password for the accounts tests create.
pub const PASSWORD: &str = "una password abbastanza lunga";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A database made for one test. PostgreSQL ones are named with their
/// creation time and dropped by a later run once they are an hour old: the
/// server of a finished test may still be winding down when the test ends.
pub struct TestDatabase {
    pub url: String,
    pub engine: Engine,
    _dir: Option<tempfile::TempDir>,
}

#[derive(diesel::QueryableByName)]
struct DatabaseName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    datname: String,
}

fn drop_stale_databases(conn: &mut diesel::PgConnection) {
    use diesel::RunQueryDsl;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let names: Vec<DatabaseName> = diesel::sql_query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'navigator_test_%'",
        )
        .load(conn)
        .unwrap_or_default();
        for n in names {
            let created = n
                .datname
                .split('_')
                .nth(2)
                .and_then(|t| t.parse::<u64>().ok());
            if created.is_some_and(|t| t + 3600 < now) {
                let _ = conn.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    n.datname
                ));
            }
        }
    });
}

/// The PostgreSQL server for tests, or `None` (then PostgreSQL variants are
/// skipped with a note). Under CI the variable is required.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "TEST_DATABASE_URL must be set under CI: the suite runs on PostgreSQL too"
            );
            None
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && i > base.find("://").unwrap_or(0) + 2 => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

pub fn fresh_database(engine: Engine) -> Option<TestDatabase> {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("navigator.db").display());
            Some(TestDatabase {
                url,
                engine,
                _dir: Some(dir),
            })
        }
        Engine::Postgres => {
            let admin_url = postgres_url()?;
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let name = format!("navigator_test_{created}_{}", uuid::Uuid::new_v4().simple());
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at TEST_DATABASE_URL: {e}"));
            drop_stale_databases(&mut conn);
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .unwrap();
            let url = with_database(&admin_url, &name);
            Some(TestDatabase {
                url,
                engine,
                _dir: None,
            })
        }
    }
}

/// A fresh database of `engine` for a test that runs its own servers, or
/// `None` with a note when PostgreSQL is not configured (under CI,
/// `postgres_url` makes that a failure).
pub async fn fresh_database_or_skip(engine: Engine) -> Option<TestDatabase> {
    let db = tokio::task::spawn_blocking(move || fresh_database(engine))
        .await
        .unwrap();
    if db.is_none() {
        eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set");
    }
    db
}

/// Settings for a test server: port 0, fixed admin and key, fast mail polling.
pub fn test_settings(database_url: &str) -> Settings {
    let mut s = Settings::defaults_only().unwrap();
    s.database_url = database_url.to_owned();
    s.database_pool_size = 8;
    s.listen = "127.0.0.1:0".into();
    s.jwt_secret = Some(JWT_SECRET.into());
    s.admin_email = Some(ADMIN_EMAIL.into());
    s.admin_password = Some(ADMIN_PASSWORD.into());
    s.mail_transport = MailTransport::Log;
    s.mail_poll_millis = 25;
    s.workers = 2;
    s.public_url = "https://navigator.example.it".into();
    s.metrics_token = Some(METRICS_TOKEN.into());
    s
}

/// The token the test servers' `/metrics` asks for.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub mailer: Arc<MemoryMailer>,
    pub settings: Settings,
    pub db: persistence::Database,
    pub engine: Engine,
    handle: actix_web::dev::ServerHandle,
    database: Option<TestDatabase>,
}

impl TestApp {
    /// Stops the server, keeping the database for another start.
    pub async fn stop(mut self) -> TestDatabase {
        self.handle.stop(false).await;
        self.database.take().unwrap()
    }

    /// A second server on the same database, as another replica behind a
    /// load balancer would be: its own pool and memory.
    pub async fn replica(&self) -> TestApp {
        let mailer = Arc::new(MemoryMailer::default());
        // The first server keeps sending the mail, where the test looks.
        let mut settings = self.settings.clone();
        settings.mail_sender = false;
        let app = Application::build_with_mailer(settings, mailer.clone())
            .await
            .expect("the replica starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let pool = app.database().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: self.client.clone(),
            mailer,
            settings: self.settings.clone(),
            db: pool,
            engine: self.engine,
            handle,
            database: None,
        }
    }

    /// Every mail delivered so far.
    pub fn mails(&self) -> Vec<OutgoingMail> {
        self.mailer.delivered.lock().unwrap().clone()
    }

    /// Puts in the outbox a mail to `recipient` that was given up after
    /// its last attempt, as a mail server refusing it leaves one; returns
    /// its id.
    pub async fn given_up_mail(&self, recipient: &str) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let sql = format!(
            "INSERT INTO mail_outbox (id, message_id, recipient, subject, body, kind, created_at, attempts, next_attempt_at, failed_at, last_error) \
             VALUES ('{id}', '<{id}@navigator.example.it>', '{recipient}', 'Prova', 'Testo', 'password_reset', '2019-04-18 08:00:00', 8, '2019-04-18 09:00:00', '2019-04-18 10:00:00', 'delivery failed: 550 mailbox unavailable')"
        );
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            conn.batch_execute(&sql).unwrap();
        })
        .await
        .unwrap();
        id
    }

    /// Waits (up to 10 s) for a mail to `to` and returns the newest.
    pub async fn wait_for_mail(&self, to: &str) -> OutgoingMail {
        for _ in 0..400 {
            if let Some(m) = self.mails().into_iter().rev().find(|m| m.to == to) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no mail to {to} within 10 s");
    }
}

/// The `token=` value of the link in a mail.
pub fn token_in(mail: &OutgoingMail) -> String {
    let start = mail.body.find("token=").expect("a link with token=") + "token=".len();
    mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Starts the service on `db` with `adjust` applied to the test settings.
pub async fn start_on(db: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = test_settings(&db.url);
    adjust(&mut settings);
    let mailer = Arc::new(MemoryMailer::default());
    // Tests that set a real transport (SMTP, file) get it; the others keep
    // their mail in memory.
    let app = if settings.mail_transport == MailTransport::Log {
        Application::build_with_mailer(settings.clone(), mailer.clone()).await
    } else {
        Application::build(settings.clone()).await
    }
    .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let pool = app.database().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            // The server closes a connection idle for 5 s (actix-web's
            // keep-alive); one kept longer could be reused just as it is
            // closed, and the request lost (hyper's IncompleteMessage).
            .pool_idle_timeout(Duration::from_secs(3))
            .build()
            .unwrap(),
        mailer,
        settings,
        db: pool,
        engine: db.engine,
        handle,
        database: Some(db),
    }
}

/// A server on a database that other servers made and own (replicas run as
/// processes), for the helpers and the pool of a [`TestApp`]: it sends no
/// mail, and a test may point its `address` elsewhere (a proxy in front
/// of the replicas). Not for [`TestApp::stop`]: the database is not its.
pub async fn attach(database_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDatabase {
        url: database_url.to_owned(),
        engine: Engine::Postgres,
        _dir: None,
    };
    let mut app = start_on(db, |s| {
        s.mail_sender = false;
        adjust(s);
    })
    .await;
    app.database = None;
    app
}

/// A server on a fresh database of `engine`; `None` when that engine is not
/// available (PostgreSQL without `TEST_DATABASE_URL`).
pub async fn spawn(engine: Engine, adjust: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    let db = tokio::task::spawn_blocking(move || fresh_database(engine))
        .await
        .unwrap()?;
    Some(start_on(db, adjust).await)
}

/// Declares one end-to-end test that runs on each engine:
/// `both_engines!(name);` for `async fn name(app: TestApp)`, or
/// `both_engines!(name, |s| s.field = value);` to adjust the settings.
#[macro_export]
macro_rules! both_engines {
    ($name:ident) => {
        $crate::both_engines!($name, |_s: &mut api::config::Settings| {});
    };
    ($name:ident, $adjust:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::spawn($crate::Engine::Sqlite, $adjust)
                    .await
                    .unwrap();
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::spawn($crate::Engine::Postgres, $adjust).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set"),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
