//! Several replicas of the service on one PostgreSQL database.

use std::sync::Arc;

use api::mail::MemoryMailer;
use api::startup::Application;
use navigator_e2e::*;

/// Three replicas started at the same moment on an empty database all come
/// up: the migrations, the reference data and the first administrator are
/// made once, by whichever takes the start lock first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_started_together_on_an_empty_database_all_come_up() {
    let Some(db) = tokio::task::spawn_blocking(|| fresh_database(Engine::Postgres))
        .await
        .unwrap()
    else {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs every test on PostgreSQL: set TEST_DATABASE_URL"
        );
        eprintln!("PostgreSQL variant skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let start = || {
        let settings = test_settings(&db.url);
        async move { Application::build_with_mailer(settings, Arc::new(MemoryMailer::default())).await }
    };
    let (a, b, c) = tokio::join!(start(), start(), start());
    let apps: Vec<Application> = [a, b, c]
        .into_iter()
        .map(|r| r.expect("every replica starts"))
        .collect();
    let pool = apps[0].database().clone();
    let (admins, regions, provinces) = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        (
            persistence::accounts::count_by_role(&mut conn, "admin").unwrap(),
            persistence::reference::list_regions(&mut conn)
                .unwrap()
                .len(),
            persistence::reference::list_provinces(&mut conn, None)
                .unwrap()
                .len(),
        )
    })
    .await
    .unwrap();
    assert_eq!(admins, 1);
    assert_eq!(regions, 20);
    assert_eq!(provinces, 107);
}
