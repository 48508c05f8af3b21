//! Migrations are embedded in the binary; each engine has its own folder with
//! the same names in the same order.

use diesel::connection::SimpleConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::connection::{Database, DbConnection};
use crate::error::{PersistenceError, Result};

pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Any constant will do, as long as every replica uses the same one.
const MIGRATION_LOCK: i64 = 0x4e41_5649_4741;

/// Held while a process makes the database ready (migrations, reference
/// data, the first administrator), so that replicas starting together on
/// an empty database take turns: the first does the work, the others find
/// it done. Another key than the migrations', which are taken inside it.
const START_LOCK: i64 = 0x4e41_5649_5354;

/// Runs `ready` holding the start lock (PostgreSQL; on a connection of its
/// own, outside any pool). SQLite serves one process: `ready` runs as is.
pub fn while_starting<T, E>(
    url: &str,
    ready: impl FnOnce() -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<PersistenceError>,
{
    use diesel::Connection;
    match crate::connection::Target::parse(url)? {
        crate::connection::Target::Postgres(url) => {
            let mut lock = diesel::PgConnection::establish(&url)
                .map_err(|e| PersistenceError::Url(format!("cannot connect: {e}")))?;
            lock.batch_execute(&format!("SELECT pg_advisory_lock({START_LOCK})"))
                .map_err(PersistenceError::from)?;
            let out = ready();
            // Closing the connection releases it anyway.
            let _ = lock.batch_execute(&format!("SELECT pg_advisory_unlock({START_LOCK})"));
            out
        }
        crate::connection::Target::Sqlite(_) => ready(),
    }
}

/// Applies pending migrations and returns their names. On PostgreSQL an
/// advisory lock keeps replicas starting together from racing.
pub fn run(db: &Database) -> Result<Vec<String>> {
    let mut conn = db.get()?;
    let conn: &mut DbConnection = &mut conn;
    let applied = match conn {
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(ToString::to_string).collect());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            result
        }
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect()),
    };
    applied.map_err(|e| PersistenceError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    fn names(engine: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(engine);
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_dir())
            .map(|e| {
                for f in ["up.sql", "down.sql"] {
                    assert!(e.path().join(f).is_file(), "{:?} lacks {f}", e.path());
                }
                e.file_name().to_string_lossy().into_owned()
            })
            .collect()
    }

    #[test]
    fn the_two_migration_folders_pair_one_to_one() {
        let pg = names("postgres");
        let lite = names("sqlite");
        assert!(!pg.is_empty());
        assert_eq!(
            pg, lite,
            "migrations/postgres and migrations/sqlite must hold the same migrations"
        );
    }
}
