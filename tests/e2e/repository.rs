//! Repository tests: persistence on each engine without the HTTP layer.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use domain::account::{NewAccount, Role};
use domain::cpi::{CpiInput, NewCpi};
use navigator_e2e::{fresh_database, Engine};
use persistence::{
    accounts, migrations, outbox, reference, seed, write_transaction, Database, PersistenceError,
};

/// Runs `body` on a migrated and seeded database of each available engine.
fn on_each_engine(body: impl Fn(&Database)) {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(test_db) = fresh_database(engine) else {
            continue;
        };
        let db = Database::connect(&test_db.url, 4).unwrap();
        assert!(!migrations::run(&db).unwrap().is_empty());
        seed::seed_reference(&mut db.get().unwrap()).unwrap();
        body(&db);
    }
}

#[test]
fn migrating_and_seeding_twice_changes_nothing() {
    on_each_engine(|db| {
        assert!(migrations::run(db).unwrap().is_empty());
        let again = seed::seed_reference(&mut db.get().unwrap()).unwrap();
        assert!(!again.inserted_anything(), "{again:?}");
        let mut conn = db.get().unwrap();
        assert_eq!(reference::list_regions(&mut conn).unwrap().len(), 20);
        assert_eq!(
            reference::list_provinces(&mut conn, None).unwrap().len(),
            107
        );
    });
}

#[test]
fn the_first_seeding_loads_every_file() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(test_db) = fresh_database(engine) else {
            continue;
        };
        let db = Database::connect(&test_db.url, 2).unwrap();
        migrations::run(&db).unwrap();
        let report = seed::seed_reference(&mut db.get().unwrap()).unwrap();
        assert_eq!(
            report,
            seed::SeedReport {
                regions: 20,
                provinces: 107,
                posts: 23,
                conventions: 19,
                training_paths: 1
            }
        );
    }
}

fn account(email: &str) -> NewAccount {
    NewAccount::parse(email, Role::Hr, &[], None).unwrap()
}

#[test]
fn one_account_per_email_is_enforced_by_the_database() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        accounts::insert_user(&mut conn, &account("uno@anpalservizi.it"), Some("hash")).unwrap();
        let err = accounts::insert_user(&mut conn, &account("uno@anpalservizi.it"), Some("hash"))
            .unwrap_err();
        assert!(err.is_unique_violation(), "{err}");
    });
}

#[test]
fn foreign_keys_are_enforced_on_both_engines() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        // A province sigla of the right shape that does not exist.
        let cpi = NewCpi::parse(&CpiInput {
            code: "X1",
            name: "Nowhere",
            province_sigla: "ZZ",
            ..Default::default()
        })
        .unwrap();
        let err = reference::insert_cpi(&mut conn, &cpi, false).unwrap_err();
        assert!(err.is_foreign_key_violation(), "{err}");
    });
}

#[test]
fn a_failed_write_transaction_leaves_nothing() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        let result: Result<(), PersistenceError> = write_transaction(&mut conn, |conn| {
            accounts::insert_user(conn, &account("due@anpalservizi.it"), Some("hash"))?;
            Err(PersistenceError::Corrupt("stop here".into()))
        });
        assert!(result.is_err());
        assert!(accounts::find_by_email(&mut conn, "due@anpalservizi.it")
            .unwrap()
            .is_none());
        // The connection is usable afterwards.
        accounts::insert_user(&mut conn, &account("due@anpalservizi.it"), Some("hash")).unwrap();
    });
}

#[test]
fn a_refresh_token_is_spent_once() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        let a = accounts::insert_user(&mut conn, &account("tre@anpalservizi.it"), Some("hash"))
            .unwrap();
        accounts::insert_refresh_token(
            &mut conn,
            &a.user.id,
            "family",
            "digest",
            Utc::now() + Duration::days(1),
        )
        .unwrap();
        let t = accounts::find_refresh_token(&mut conn, "digest")
            .unwrap()
            .unwrap();
        assert!(accounts::spend_refresh_token(&mut conn, &t.id).unwrap());
        assert!(!accounts::spend_refresh_token(&mut conn, &t.id).unwrap());
        assert_eq!(accounts::revoke_family(&mut conn, "family").unwrap(), 1);
    });
}

#[test]
fn concurrent_senders_never_claim_the_same_mail() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        for i in 0..40 {
            let to = format!("p{i}@anpalservizi.it");
            outbox::enqueue(
                &mut conn,
                &outbox::NewMail {
                    recipient: &to,
                    subject: "s",
                    body: "b",
                    kind: "test",
                },
                "example.it",
            )
            .unwrap();
        }
        drop(conn);
        let claims: Vec<Vec<String>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|w| {
                    s.spawn(move || {
                        let mut conn = db.get().unwrap();
                        let mut mine = Vec::new();
                        loop {
                            let batch = outbox::claim_due(
                                &mut conn,
                                &format!("w{w}"),
                                Utc::now(),
                                Duration::minutes(5),
                                5,
                            )
                            .unwrap();
                            if batch.is_empty() {
                                break;
                            }
                            mine.extend(batch.into_iter().map(|m| m.id));
                        }
                        mine
                    })
                })
                .collect();
            workers.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let all: Vec<&String> = claims.iter().flatten().collect();
        let unique: HashSet<&String> = all.iter().copied().collect();
        assert_eq!(all.len(), 40, "every mail claimed");
        assert_eq!(unique.len(), 40, "none claimed twice");
    });
}

#[test]
fn the_audit_log_refuses_changes() {
    on_each_engine(|db| {
        let mut conn = db.get().unwrap();
        let n = persistence::audit::list(
            &mut conn,
            &persistence::audit::AuditFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .unwrap()
        .len();
        assert!(n >= 19, "the seeded conventions are audited");
        assert!(conn
            .batch_execute("UPDATE audit_log SET action = 'rewritten'")
            .is_err());
        assert!(conn.batch_execute("DELETE FROM audit_log").is_err());
    });
}

#[derive(diesel::QueryableByName)]
struct BackendPid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

fn backend_pid(db: &Database) -> i32 {
    use diesel::RunQueryDsl;
    let mut conn = db.get().unwrap();
    let row: BackendPid = diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result(&mut *conn)
        .unwrap();
    row.pid
}

/// Ends a PostgreSQL server process, as a restart of the server would,
/// and waits until it is gone.
fn end_backend(admin: &mut diesel::PgConnection, pid: i32) {
    use diesel::RunQueryDsl;
    admin
        .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
        .unwrap();
    for _ in 0..200 {
        let left: Vec<BackendPid> = diesel::sql_query(format!(
            "SELECT pid FROM pg_stat_activity WHERE pid = {pid}"
        ))
        .load(admin)
        .unwrap();
        if left.is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("backend {pid} did not end");
}

/// The pool checks a connection before handing it out only when it has
/// been idle for a while; one that was in use a moment ago and has since
/// lost its server fails once, as `unavailable`, and is never handed out
/// again.
#[test]
fn a_pooled_connection_that_lost_its_server_leaves_the_pool() {
    use diesel::Connection;
    let Some(test_db) = fresh_database(Engine::Postgres) else {
        eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set");
        return;
    };
    // One connection, so that the pool can only hand out that one.
    let db = Database::connect(&test_db.url, 1).unwrap();
    let mut admin = diesel::PgConnection::establish(&test_db.url).unwrap();

    // In use a moment ago: handed out unchecked, fails once, is dropped.
    let first = backend_pid(&db);
    end_backend(&mut admin, first);
    {
        let mut conn = db.get().unwrap();
        let e = PersistenceError::from(conn.batch_execute("SELECT 1").unwrap_err());
        assert!(e.is_unavailable(), "{e}");
    }
    let second = backend_pid(&db);
    assert_ne!(second, first, "a new connection replaced the lost one");

    // Idle for longer: checked when taken, and replaced before use.
    end_backend(&mut admin, second);
    std::thread::sleep(std::time::Duration::from_millis(700));
    let third = backend_pid(&db);
    assert_ne!(third, second);
}
