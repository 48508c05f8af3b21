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
