//! Backups of the database while the service runs, and their restore into
//! an empty database.
//!
//! SQLite: `VACUUM INTO` copies one read snapshot of the live database (in
//! WAL mode readers never stop writers, so the service keeps answering);
//! the copy is checked with `PRAGMA integrity_check` before it takes its
//! name. PostgreSQL: PostgreSQL's own `pg_dump --format=custom` (also one
//! snapshot) and `pg_restore`, found on the PATH. A backup holds the
//! migrations table too, so `navigator migrate` after a restore applies
//! only what is newer than the backup.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use crate::connection::{redact, Engine, Target};
use crate::error::PersistenceError;

/// The table diesel keeps its applied migrations in: present in every
/// database `navigator` made, so in every backup of one.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot open the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} already exists: a backup never replaces a file, choose a new name")]
    Exists(String),
    #[error("there is no database at {0}")]
    NoDatabase(String),
    #[error("{path} is not a backup of Navigator Ops: {reason}")]
    NotABackup { path: String, reason: String },
    #[error(
        "the database {0} is not empty: restore into an empty database, or pass --force \
         to replace everything it holds (stop the service first)"
    )]
    NotEmpty(String),
    #[error(
        "{program} was not found on the PATH: install PostgreSQL's client programs \
         (Debian and Ubuntu: apt-get install postgresql-client) of major version {server} or later"
    )]
    ToolMissing { program: &'static str, server: u32 },
    #[error(
        "{program} is version {client}, older than the PostgreSQL {server} server it must \
         work with: install the client programs of major version {server} or later \
         (the PGDG packages: apt-get install postgresql-client-{server})"
    )]
    ToolTooOld {
        program: &'static str,
        client: u32,
        server: u32,
    },
    #[error("{program} failed ({status}): {stderr}")]
    ToolFailed {
        program: &'static str,
        status: String,
        stderr: String,
    },
    #[error("the copy {path} fails the integrity check: {report}")]
    Damaged { path: String, report: String },
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub engine: Engine,
    pub path: PathBuf,
    pub bytes: u64,
}

/// What a restore put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub engine: Engine,
    /// The migrations the restored database records as applied.
    pub migrations: i64,
}

/// Writes a consistent copy of the database at `url` to `dest`, a new file,
/// while the service keeps running.
pub fn backup(url: &str, dest: &Path) -> Result<BackupSummary> {
    if dest.exists() {
        return Err(BackupError::Exists(dest.display().to_string()));
    }
    // Written under a temporary name and renamed once checked, so that a
    // file with the chosen name is always a whole backup.
    let target = Target::parse(url)?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let partial = partial_name(dest);
    let _ = std::fs::remove_file(&partial);
    let written = match &target {
        Target::Sqlite(path) => sqlite_backup(path, &partial),
        Target::Postgres(url) => postgres_backup(url, &partial),
    };
    if let Err(e) = written.and_then(|()| sync(&partial)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, dest).map_err(|e| io(dest, e))?;
    sync_parent(dest);
    let bytes = std::fs::metadata(dest).map_err(|e| io(dest, e))?.len();
    Ok(BackupSummary {
        engine: target.engine(),
        path: dest.to_owned(),
        bytes,
    })
}

/// Restores the backup `src` into the database at `url`, which must be
/// empty unless `force` (then what it holds is replaced). The service must
/// not be running on it.
pub fn restore(url: &str, src: &Path, force: bool) -> Result<RestoreSummary> {
    if !src.is_file() {
        return Err(BackupError::NotABackup {
            path: src.display().to_string(),
            reason: "no such file".into(),
        });
    }
    let target = Target::parse(url)?;
    let migrations = match &target {
        Target::Sqlite(path) => sqlite_restore(path, src, force)?,
        Target::Postgres(url) => postgres_restore(url, src, force)?,
    };
    Ok(RestoreSummary {
        engine: target.engine(),
        migrations,
    })
}

fn partial_name(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_owned()).unwrap_or_default();
    name.push(".partial");
    dest.with_file_name(name)
}

fn io(path: &Path, source: std::io::Error) -> BackupError {
    BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Neither SQLite's `VACUUM INTO` nor a copy reaches the disk before the
/// file is synced.
fn sync(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, e))
}

/// The rename into place lasts through a power loss once the directory is
/// synced; not every platform lets a directory be opened, hence best effort.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

// ---- SQLite ------------------------------------------------------------

#[derive(diesel::QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A read-only connection: opening a file to check it must not create it,
/// nor leave it changed.
fn sqlite_read_only(path: &Path) -> Result<SqliteConnection> {
    let mut uri = String::from("file:");
    for c in path.display().to_string().chars() {
        match c {
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            '%' => uri.push_str("%25"),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro");
    let mut conn = SqliteConnection::establish(&uri)?;
    conn.batch_execute("PRAGMA busy_timeout = 15000")?;
    Ok(conn)
}

/// `Ok(())` when SQLite finds the whole file sound.
fn sqlite_integrity(conn: &mut SqliteConnection, path: &Path) -> Result<()> {
    let lines: Vec<Line> =
        diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
            .load(conn)?;
    match lines.as_slice() {
        [only] if only.line == "ok" => Ok(()),
        _ => Err(BackupError::Damaged {
            path: path.display().to_string(),
            report: lines
                .iter()
                .map(|l| l.line.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }),
    }
}

fn sqlite_tables(conn: &mut SqliteConnection) -> Result<i64> {
    let c: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .get_result(conn)?;
    Ok(c.n)
}

fn sqlite_backup(path: &str, partial: &Path) -> Result<()> {
    let source = Path::new(path);
    if !source.is_file() {
        return Err(BackupError::NoDatabase(path.to_owned()));
    }
    // The database is in WAL mode (the service's connections set it), so
    // the copy reads one snapshot and never blocks the service's writers;
    // the busy timeout covers a checkpoint or a switch to WAL under way.
    let mut conn = SqliteConnection::establish(path)?;
    conn.batch_execute("PRAGMA busy_timeout = 15000")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(partial.display().to_string())
        .execute(&mut conn)?;
    drop(conn);
    let mut copy = sqlite_read_only(partial)?;
    sqlite_integrity(&mut copy, partial)?;
    Ok(())
}

fn sqlite_restore(path: &str, src: &Path, force: bool) -> Result<i64> {
    let recorded = sqlite_check_backup(src).map_err(|e| match e {
        BackupError::Damaged { .. } => e,
        other => BackupError::NotABackup {
            path: src.display().to_string(),
            reason: other.to_string(),
        },
    })?;
    let target = Path::new(path);
    if target.is_file() && !force {
        let tables = sqlite_tables(&mut sqlite_read_only(target)?)?;
        if tables > 0 {
            return Err(BackupError::NotEmpty(path.to_owned()));
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let partial = partial_name(target);
    std::fs::copy(src, &partial).map_err(|e| io(&partial, e))?;
    sync(&partial)?;
    // A write-ahead log left by the replaced database would be replayed
    // into the restored one on its first open.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(&name)) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io(Path::new(&name), e)),
        }
    }
    std::fs::rename(&partial, target).map_err(|e| io(target, e))?;
    sync_parent(target);
    Ok(recorded)
}

/// A sound SQLite file made by `navigator`: the migrations it records.
fn sqlite_check_backup(src: &Path) -> Result<i64> {
    let mut backup = sqlite_read_only(src)?;
    sqlite_integrity(&mut backup, src)?;
    sqlite_recorded(&mut backup)
}

fn sqlite_recorded(conn: &mut SqliteConnection) -> Result<i64> {
    let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {MIGRATIONS_TABLE}"))
        .get_result(conn)?;
    Ok(c.n)
}

// ---- PostgreSQL --------------------------------------------------------

/// The URL without its password, and the password (percent-decoded) to
/// hand the client programs in `PGPASSWORD`: a password on a command line
/// is visible to every user of the machine.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = authority[..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    let without = format!("{}{}{}", &url[..scheme_end], user, &url[scheme_end + at..]);
    (without, Some(percent_decode(password)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The leading major version in `pg_dump (PostgreSQL) 15.20 (Debian ...)`.
fn client_major(version_line: &str) -> Option<u32> {
    let word = version_line.split_whitespace().nth(2)?;
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[derive(diesel::QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    server_version_num: String,
}

fn server_major(conn: &mut PgConnection) -> Result<u32> {
    let s: Setting = diesel::sql_query("SHOW server_version_num").get_result(conn)?;
    let num: u32 = s.server_version_num.trim().parse().map_err(|_| {
        BackupError::Persistence(PersistenceError::Corrupt(format!(
            "server_version_num {:?}",
            s.server_version_num
        )))
    })?;
    // 150020 is 15.20; before 10, 90624 was 9.6.24.
    Ok(if num >= 100_000 {
        num / 10_000
    } else {
        num / 100
    })
}

/// Checks that `program` is on the PATH and at least of the server's major
/// version: an older `pg_dump` refuses a newer server, and an older
/// `pg_restore` cannot read what a newer `pg_dump` wrote.
fn check_tool(program: &'static str, server: u32) -> Result<()> {
    let output = match Command::new(program).arg("--version").output() {
        Ok(o) => o,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(BackupError::ToolMissing { program, server })
        }
        Err(e) => return Err(io(Path::new(program), e)),
    };
    let line = String::from_utf8_lossy(&output.stdout).into_owned();
    match client_major(&line) {
        Some(client) if client < server => Err(BackupError::ToolTooOld {
            program,
            client,
            server,
        }),
        Some(_) => Ok(()),
        None => Err(BackupError::ToolFailed {
            program,
            status: output.status.to_string(),
            stderr: format!("unexpected version {:?}", line.trim()),
        }),
    }
}

fn run_tool(program: &'static str, url: &str, args: &[&std::ffi::OsStr]) -> Result<Output> {
    let (url, password) = split_password(url);
    let mut command = Command::new(program);
    command.args(args).arg(format!("--dbname={url}"));
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let output = command.output().map_err(|e| io(Path::new(program), e))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(BackupError::ToolFailed {
            program,
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn postgres_backup(url: &str, partial: &Path) -> Result<()> {
    let server = server_major(&mut PgConnection::establish(url)?)?;
    check_tool("pg_dump", server)?;
    run_tool(
        "pg_dump",
        url,
        &[
            "--format=custom".as_ref(),
            "--file".as_ref(),
            partial.as_os_str(),
        ],
    )?;
    // The archive's table of contents reads back, and is one of ours.
    archive_contents(partial, server)?;
    Ok(())
}

/// `pg_restore --list`: the archive's table of contents, refused when it
/// is not a Navigator Ops database.
fn archive_contents(archive: &Path, server: u32) -> Result<String> {
    let output = Command::new("pg_restore")
        .arg("--list")
        .arg(archive)
        .output()
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => BackupError::ToolMissing {
                program: "pg_restore",
                server,
            },
            _ => io(Path::new("pg_restore"), e),
        })?;
    let not_ours = |reason: String| BackupError::NotABackup {
        path: archive.display().to_string(),
        reason,
    };
    if !output.status.success() {
        return Err(not_ours(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    let list = String::from_utf8_lossy(&output.stdout).into_owned();
    if !list.contains(MIGRATIONS_TABLE) {
        return Err(not_ours("no record of migrations".into()));
    }
    Ok(list)
}

fn postgres_tables(conn: &mut PgConnection) -> Result<i64> {
    let c: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .get_result(conn)?;
    Ok(c.n)
}

fn postgres_restore(url: &str, src: &Path, force: bool) -> Result<i64> {
    let mut conn = PgConnection::establish(url)?;
    let server = server_major(&mut conn)?;
    check_tool("pg_restore", server)?;
    archive_contents(src, server)?;
    if postgres_tables(&mut conn)? > 0 {
        if !force {
            return Err(BackupError::NotEmpty(redact(url)));
        }
        // Everything the service made lives in `public`; the restore
        // makes it again.
        conn.batch_execute(
            "BEGIN; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; COMMIT;",
        )?;
    }
    // One transaction: a restore that fails half-way leaves the database
    // as empty as it was. No owners nor grants: the roles of the server
    // the backup came from need not exist here.
    run_tool(
        "pg_restore",
        url,
        &[
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--single-transaction".as_ref(),
            "--exit-on-error".as_ref(),
            src.as_os_str(),
        ],
    )?;
    let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {MIGRATIONS_TABLE}"))
        .get_result(&mut conn)?;
    Ok(c.n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_go_to_the_environment_not_the_command_line() {
        assert_eq!(
            split_password("postgres://nav:s%40cret@db:5432/nav?sslmode=require"),
            (
                "postgres://nav@db:5432/nav?sslmode=require".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://nav@db/nav"),
            ("postgres://nav@db/nav".to_owned(), None)
        );
        assert_eq!(
            split_password("postgresql://db/nav"),
            ("postgresql://db/nav".to_owned(), None)
        );
    }

    #[test]
    fn versions_are_read_from_the_tools_and_the_server() {
        assert_eq!(
            client_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(client_major("pg_restore (PostgreSQL) 17beta2"), Some(17));
        assert_eq!(client_major("nonsense"), None);
    }

    #[test]
    fn a_live_sqlite_database_is_copied_whole_and_restored_only_into_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.db");
        let url = format!("sqlite://{}", live.display());
        let db = crate::Database::connect(&url, 2).unwrap();
        crate::migrations::run(&db).unwrap();
        db.get()
            .unwrap()
            .batch_execute("CREATE TABLE marks (n INTEGER NOT NULL); INSERT INTO marks VALUES (7)")
            .unwrap();

        let copy = dir.path().join("copy.db");
        let summary = backup(&url, &copy).unwrap();
        assert!(summary.bytes > 0);
        assert!(!partial_name(&copy).exists());
        assert!(matches!(backup(&url, &copy), Err(BackupError::Exists(_))));

        let restored = dir.path().join("restored").join("navigator.db");
        let restored_url = format!("sqlite://{}", restored.display());
        let summary = restore(&restored_url, &copy, false).unwrap();
        assert!(summary.migrations > 0);
        let again = crate::Database::connect(&restored_url, 1).unwrap();
        assert!(crate::migrations::run(&again).unwrap().is_empty());
        let c: Count = diesel::sql_query("SELECT SUM(n) AS n FROM marks")
            .get_result(&mut *again.get().unwrap())
            .unwrap();
        assert_eq!(c.n, 7);
        drop(again);

        // The restored database is not empty any more.
        assert!(matches!(
            restore(&restored_url, &copy, false),
            Err(BackupError::NotEmpty(_))
        ));
        restore(&restored_url, &copy, true).unwrap();

        // A file that is not a database is no backup.
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database at all, just some bytes").unwrap();
        let fresh = format!("sqlite://{}", dir.path().join("fresh.db").display());
        assert!(matches!(
            restore(&fresh, &junk, false),
            Err(BackupError::NotABackup { .. } | BackupError::Damaged { .. })
        ));
        assert!(!dir.path().join("fresh.db").exists());
    }
}
