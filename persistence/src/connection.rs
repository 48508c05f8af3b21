//! The two engines behind one connection type, and the pool.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::event::{CheckoutEvent, HandleEvent, TimeoutEvent};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::{PersistenceError, Result};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Sqlite,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgresql",
            Self::Sqlite => "sqlite",
        }
    }
}

/// Where the database is, parsed from `NAVIGATOR_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Postgres(String),
    /// A file path; SQLite creates it on first connection.
    Sqlite(String),
}

impl Target {
    pub fn parse(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(PersistenceError::Url("sqlite:// needs a file path".into()));
            }
            Ok(Self::Sqlite(path.to_owned()))
        } else {
            Err(PersistenceError::Url(format!(
                "expected sqlite://PATH or postgres://..., got {}",
                redact(url)
            )))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Self::Postgres(_) => Engine::Postgres,
            Self::Sqlite(_) => Engine::Sqlite,
        }
    }
}

/// A URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Opens connections of the configured engine; SQLite ones get WAL, a busy
/// timeout and foreign keys, which SQLite leaves off by default.
#[derive(Debug, Clone)]
pub struct ConnectionOpener {
    target: Target,
}

// The busy timeout comes first: switching a new file to WAL takes a lock that
// other connections opening at the same moment must wait for.
// `synchronous = FULL`: in WAL mode NORMAL syncs only at checkpoints, so a
// power loss can undo commits already answered with 201 (a tablet, told its
// log is stored, would not send it again). FULL syncs the WAL at every
// commit; a write costs one fsync more, reads nothing.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

/// A connection of the pool, with the moment it was last handed back.
pub struct PoolSlot {
    conn: DbConnection,
    returned: Instant,
}

/// A connection handed back this recently is not checked again when taken:
/// under load the check (a round trip) would double the cost of a read
/// such as the tablet's progress poll. It answered moments ago, and one
/// that has since died is dropped after its first failure anyway (a lost
/// PostgreSQL connection leaves diesel's transaction state in error, which
/// `has_broken` sees). HikariCP skips its check the same way, within 500 ms.
const CHECKED_RECENTLY: Duration = Duration::from_millis(500);

impl ManageConnection for ConnectionOpener {
    type Connection = PoolSlot;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<PoolSlot, Self::Error> {
        let conn = match &self.target {
            Target::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError)?,
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                DbConnection::Sqlite(conn)
            }
        };
        Ok(PoolSlot {
            conn,
            returned: Instant::now(),
        })
    }

    fn is_valid(&self, slot: &mut PoolSlot) -> std::result::Result<(), Self::Error> {
        if slot.returned.elapsed() < CHECKED_RECENTLY {
            return Ok(());
        }
        slot.conn
            .batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// Asked by the pool each time a connection is handed back, which is
    /// when the slot notes the time.
    fn has_broken(&self, slot: &mut PoolSlot) -> bool {
        slot.returned = Instant::now();
        std::thread::panicking()
            || <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(
                &mut slot.conn,
            )
    }
}

/// A connection taken from the pool, handed back when dropped.
pub struct PooledDb(PooledConnection<ConnectionOpener>);

impl Deref for PooledDb {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.0.conn
    }
}

impl DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.0.conn
    }
}

/// Counts of the pool's hand-outs since start, for the metrics: how often a
/// caller had to wait for a connection, how long in all, and how often it
/// gave up.
#[derive(Debug, Default)]
struct PoolWaits {
    checkouts: AtomicU64,
    waits: AtomicU64,
    waited_micros: AtomicU64,
    timeouts: AtomicU64,
}

#[derive(Debug, Clone, Default)]
struct CountWaits(Arc<PoolWaits>);

/// A hand-out slower than this waited for a connection to come back (an
/// idle one is handed out in microseconds).
const WAITED: Duration = Duration::from_millis(1);

impl HandleEvent for CountWaits {
    fn handle_checkout(&self, event: CheckoutEvent) {
        self.0.checkouts.fetch_add(1, Ordering::Relaxed);
        if event.duration() >= WAITED {
            self.0.waits.fetch_add(1, Ordering::Relaxed);
            let micros = u64::try_from(event.duration().as_micros()).unwrap_or(u64::MAX);
            self.0.waited_micros.fetch_add(micros, Ordering::Relaxed);
        }
    }

    fn handle_timeout(&self, event: TimeoutEvent) {
        self.0.timeouts.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(event.timeout().as_micros()).unwrap_or(u64::MAX);
        self.0.waited_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// The pool now, and its hand-outs since start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolState {
    pub max: u32,
    pub in_use: u32,
    pub idle: u32,
    pub checkouts: u64,
    /// Hand-outs that waited for a connection (1 ms or more).
    pub waits: u64,
    pub waited_seconds: f64,
    /// Callers that gave up waiting.
    pub timeouts: u64,
}

/// The connection pool; cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionOpener>,
    engine: Engine,
    waits: CountWaits,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Database {
    pub fn connect(url: &str, max_connections: u32) -> Result<Self> {
        // libpq uses the system's OpenSSL, whose own first initialisation
        // registers a clean-up at process exit: that clean-up then frees
        // OpenSSL's tables while the pool's threads may still be opening a
        // connection, and the process crashes on its way out (seen as a
        // command that did its work and exited with SIGSEGV). Initialised
        // here first, without that clean-up, the exit leaves them alone.
        openssl::init();
        let target = Target::parse(url)?;
        let engine = target.engine();
        let waits = CountWaits::default();
        let pool = Pool::builder()
            .max_size(max_connections.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .event_handler(Box::new(waits.clone()))
            .build(ConnectionOpener { target })
            .map_err(PersistenceError::Pool)?;
        Ok(Self {
            pool,
            engine,
            waits,
        })
    }

    /// The pool's connections now and its hand-outs since start.
    pub fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        let w = &self.waits.0;
        PoolState {
            max: self.pool.max_size(),
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            checkouts: w.checkouts.load(Ordering::Relaxed),
            waits: w.waits.load(Ordering::Relaxed),
            waited_seconds: w.waited_micros.load(Ordering::Relaxed) as f64 / 1e6,
            timeouts: w.timeouts.load(Ordering::Relaxed),
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn get(&self) -> Result<PooledDb> {
        Ok(PooledDb(self.pool.get()?))
    }

    /// Whether the database answers now (for `/readyz`).
    pub fn ping(&self) -> Result<()> {
        let mut conn = PooledDb(self.pool.get_timeout(Duration::from_secs(2))?);
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }
}

/// Runs the same code on the concrete connection of either engine, for the
/// few statements the multi-backend connection cannot express (multi-row
/// inserts). The body is compiled once per engine.
#[macro_export]
macro_rules! per_engine {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::connection::DbConnection::Postgresql($c) => $body,
            $crate::connection::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// Runs `f` in one short write transaction. On SQLite it is `BEGIN IMMEDIATE`,
/// which takes the write lock up front: a deferred transaction that reads and
/// then writes can fail at once with "database is locked" instead of waiting
/// for the busy timeout.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    transaction(conn, "BEGIN IMMEDIATE", "BEGIN", f)
}

/// Runs `f` reading one snapshot of the database, for a report whose
/// queries must agree with each other: a change landing between two of
/// them would otherwise count in one and not in the other. Read-only on
/// PostgreSQL; on SQLite (WAL) a deferred transaction reads the snapshot
/// its first query found, and takes no lock that would hold up writers.
pub fn read_snapshot<T, E, F>(conn: &mut DbConnection, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    transaction(
        conn,
        "BEGIN DEFERRED",
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        f,
    )
}

/// Runs `f` between the engine's `BEGIN` statement and a commit, or a
/// rollback when it fails.
fn transaction<T, E, F>(
    conn: &mut DbConnection,
    sqlite_begin: &str,
    postgres_begin: &str,
    f: F,
) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, sqlite_begin)?,
        DbConnection::Postgresql(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, postgres_begin)?
        }
    }
    match f(conn) {
        Ok(value) => {
            match conn {
                DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c)?,
                DbConnection::Postgresql(c) => AnsiTransactionManager::commit_transaction(c)?,
            }
            Ok(value)
        }
        Err(e) => {
            let rolled_back = match conn {
                DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
                DbConnection::Postgresql(c) => AnsiTransactionManager::rollback_transaction(c),
            };
            if let Err(rb) = rolled_back {
                tracing::error!(error = %rb, "rollback failed");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row another connection commits between two reads of one snapshot
    /// is seen by neither; a read after the snapshot sees it.
    fn a_snapshot_ignores_a_change_committed_during_it(target: Target, table: &str) {
        let opener = ConnectionOpener { target };
        let mut reader = opener.connect().unwrap();
        let mut writer = opener.connect().unwrap();
        writer
            .conn
            .batch_execute(&format!(
                "CREATE TABLE {table} (n BIGINT NOT NULL); INSERT INTO {table} VALUES (1)"
            ))
            .unwrap();
        let count = |conn: &mut DbConnection| -> std::result::Result<i64, diesel::result::Error> {
            use diesel::dsl::sql;
            use diesel::sql_types::BigInt;
            use diesel::RunQueryDsl;
            let query = diesel::select(sql::<BigInt>(&format!("(SELECT COUNT(*) FROM {table})")));
            crate::per_engine!(conn, c => query.get_result(c))
        };
        let (before, during) = read_snapshot(&mut reader.conn, |conn| {
            let before = count(conn)?;
            writer
                .conn
                .batch_execute(&format!("INSERT INTO {table} VALUES (2)"))?;
            Ok::<_, diesel::result::Error>((before, count(conn)?))
        })
        .unwrap();
        let after = count(&mut reader.conn).unwrap();
        writer
            .conn
            .batch_execute(&format!("DROP TABLE {table}"))
            .unwrap();
        assert_eq!((before, during, after), (1, 1, 2));
    }

    #[test]
    fn a_snapshot_ignores_a_change_committed_during_it_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshot.db").display().to_string();
        a_snapshot_ignores_a_change_committed_during_it(Target::Sqlite(path), "snapshot_rows");
    }

    #[test]
    fn a_snapshot_ignores_a_change_committed_during_it_on_postgres() {
        // PostgreSQL when the test suite has one; CI always must.
        let Some(url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                std::env::var("CI").is_err(),
                "TEST_DATABASE_URL must be set under CI: the suite runs on PostgreSQL too"
            );
            return;
        };
        let table = format!("snapshot_rows_{}", std::process::id());
        a_snapshot_ignores_a_change_committed_during_it(Target::Postgres(url), &table);
    }

    #[test]
    fn urls_pick_the_engine() {
        assert_eq!(
            Target::parse("sqlite://navigator.db").unwrap(),
            Target::Sqlite("navigator.db".into())
        );
        assert_eq!(
            Target::parse("postgres://u@h/db").unwrap().engine(),
            Engine::Postgres
        );
        assert_eq!(
            Target::parse("postgresql://u@h/db").unwrap().engine(),
            Engine::Postgres
        );
        assert!(Target::parse("mysql://x").is_err());
        assert!(Target::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://nav:s3cret@db:5432/nav"),
            "postgres://nav:***@db:5432/nav"
        );
        assert_eq!(redact("sqlite://navigator.db"), "sqlite://navigator.db");
    }
}
