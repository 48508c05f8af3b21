//! The restore drill: a programme loaded through the API, a backup taken
//! by `navigator backup`'s own code while requests keep arriving, restored
//! by `navigator restore`'s into a new database, and a second service on
//! it that answers the indicators, every ranking version and the audit log
//! as the first did at the moment of the backup.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Today fixed; the background settling (lapsing offers, releasing the
/// seats of ended contracts) held off for the test's length, so that
/// neither service changes anything on its own while they are compared.
fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
    s.resignation_notice_days = 0;
    s.offer_lapse_seconds = 24 * 3600;
}

/// The days the indicators are compared on: before the contracts, the
/// first day of work, the middle of the on-the-job hours, after the
/// resignation, today.
const AS_OF: [&str; 5] = [
    "2019-07-01",
    "2019-07-16",
    "2019-08-10",
    "2019-08-31",
    "2019-09-02",
];
const PROVINCES: [&str; 2] = ["RM", "NA"];
/// The accounts the load makes while the backup runs.
const LOAD_PREFIX: &str = "carico.";

#[derive(diesel::QueryableByName)]
struct IntegrityLine {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

struct Loaded {
    hr: String,
    selection: String,
    navigators: Vec<String>,
}

/// A small programme with something of every kind: a ranking corrected
/// after publication, contracts (one ended by resignation), a declined
/// offer, a CPI assignment, classroom, distance and on-the-job records
/// (validated and pending), equipment; every change audited.
async fn load(app: &TestApp) -> Loaded {
    let hr = app.user_with_role("hr", &[]).await;
    let (selection, applicants) = app.selection_2019(&hr, &[("RM", 3), ("NA", 2)], 4).await;
    // NA's last applicant wins an appeal: a second version of NA's ranking.
    let appellant = applicants
        .iter()
        .rev()
        .find(|a| a.province == "NA")
        .unwrap()
        .application_no
        .clone();
    json_of(
        app.post(
            &format!("/selections/{selection}/rankings/NA/corrections"),
            Some(&hr),
            &json!({ "reason": "ricorso accolto", "published_on": "2019-07-01",
                     "results": [{ "application_no": appellant, "right": 99, "wrong": 0, "blank": 1 }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let sign = json!({ "signed_on": "2019-07-15", "start_date": "2019-07-16" });
    let mut contracts = Vec::new();
    for sigla in ["RM", "RM", "NA"] {
        contracts.push(app.signed(&hr, &selection, sigla, &sign).await);
    }
    assert_eq!(
        contracts[2]["application_no"], appellant,
        "the corrected ranking is the one called"
    );
    let navigators: Vec<String> = contracts
        .iter()
        .map(|c| c["navigator_id"].as_str().unwrap().to_owned())
        .collect();
    let a = navigators[0].clone();

    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-20").await,
        StatusCode::CREATED,
    )
    .await;
    // Classroom and distance records.
    let session = app.session_on(&hr, "2019-07-22", 8.0).await;
    let r = app
        .record_attendance(&hr, &session, &json!([{ "navigator_id": a, "hours": 8 }]))
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let cf = navigator_e2e::contracts::applicant_of(&applicants, &contracts[0])
        .codice_fiscale
        .clone();
    let rows: Vec<Value> = (1..=3)
        .map(|m| json!({ "codice_fiscale": cf, "module_code": format!("FAD-{m:02}"), "completed_on": format!("2019-08-{:02}", 19 + m), "test_passed": m != 2 }))
        .collect();
    let r = app.distance_completions(&hr, &Value::Array(rows)).await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    // Hours on the job: ten validated days, one pending.
    let email = navigator_e2e::contracts::applicant_of(&applicants, &contracts[0])
        .email
        .clone();
    let pair = app.activate_and_login(&email).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let first = NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
    app.log_validated_days(&token, &coordinator, "d", first, 10)
        .await;
    json_of(
        app.log_hours(&token, "pending", "2019-08-30", 4.0).await,
        StatusCode::CREATED,
    )
    .await;
    app.equip(&hr, &a, 1).await;
    // The second RM Navigator resigns; their seat is offered and declined.
    json_of(
        app.register_resignation(
            &hr,
            contracts[1]["id"].as_str().unwrap(),
            "2019-08-20",
            "2019-08-30",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let offer = json_of(
        app.call(&hr, &selection, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.offer_action(&hr, &id_of(&offer), "decline").await,
        StatusCode::OK,
    )
    .await;
    Loaded {
        hr,
        selection,
        navigators,
    }
}

/// What the drill compares: the indicators on each day (total and per
/// province), every version of every province's ranking, the seats, each
/// Navigator's training progress.
async fn programme_view(app: &TestApp, loaded: &Loaded) -> BTreeMap<String, Value> {
    let hr = &loaded.hr;
    let mut view = BTreeMap::new();
    for day in AS_OF {
        for group in ["region", "province"] {
            let q = format!("/reports/indicators?as_of={day}&group_by={group}");
            view.insert(
                q.clone(),
                json_of(app.get(&q, Some(hr)).await, StatusCode::OK).await,
            );
        }
    }
    let selection = &loaded.selection;
    for sigla in PROVINCES {
        let latest = json_of(app.ranking(hr, selection, sigla, "").await, StatusCode::OK).await;
        let versions = latest["versions"].as_array().unwrap().clone();
        assert!(!versions.is_empty(), "{latest}");
        for v in versions {
            let q = format!("?version={v}");
            let ranking =
                json_of(app.ranking(hr, selection, sigla, &q).await, StatusCode::OK).await;
            view.insert(format!("ranking {sigla} {q}"), ranking);
        }
    }
    view.insert(
        "seats".into(),
        json_of(app.seats(hr, selection, "").await, StatusCode::OK).await,
    );
    for n in &loaded.navigators {
        view.insert(
            format!("training {n}"),
            json_of(app.navigator_training(hr, n).await, StatusCode::OK).await,
        );
    }
    view
}

/// The whole audit log, oldest first, page after page.
async fn audit_log(app: &TestApp, admin: &str) -> Vec<Value> {
    let mut lines = Vec::new();
    let mut query = "?limit=500".to_owned();
    loop {
        let page = json_of(app.audit(admin, &query).await, StatusCode::OK).await;
        lines.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=500&cursor={c}"),
            None => break,
        }
    }
    lines.reverse();
    lines
}

/// A recorded read: the views of the programme before and after the
/// restore read rankings, and each read appends its line; the comparison
/// is of the changes.
fn is_read(line: &Value) -> bool {
    line["action"]
        .as_str()
        .is_some_and(|a| a.ends_with(".read"))
}

fn is_load(line: &Value) -> bool {
    line["action"] == "user.created"
        && line["after"]["email"]
            .as_str()
            .is_some_and(|e| e.starts_with(LOAD_PREFIX))
}

/// Accounts made one after another, with reads of the indicators and a
/// ranking between them, until `stop`; the e-mails of those answered 201,
/// in order.
async fn keep_busy(
    app: &TestApp,
    admin: &str,
    loaded: &Loaded,
    made: &AtomicUsize,
    stop: &AtomicBool,
) -> Vec<String> {
    let mut emails = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let email = format!("{LOAD_PREFIX}{}@anpalservizi.it", emails.len());
        let r = app
            .create_user(
                admin,
                &json!({ "email": email, "role": "trainer", "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        emails.push(email);
        made.store(emails.len(), Ordering::SeqCst);
        let r = app
            .get("/reports/indicators?as_of=2019-09-02", Some(&loaded.hr))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app.ranking(&loaded.hr, &loaded.selection, "NA", "").await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    emails
}

async fn a_backup_taken_under_load_restores_the_same_programme(app: TestApp) {
    let admin = app.admin_token().await;
    let loaded = load(&app).await;
    let before_load = programme_view(&app, &loaded).await;

    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("navigator.backup");
    let made = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (emails, (answered_before, written)) =
        tokio::join!(keep_busy(&app, &admin, &loaded, &made, &stop), async {
            // The load is under way before the backup starts.
            while made.load(Ordering::SeqCst) < 2 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let answered_before = made.load(Ordering::SeqCst);
            let url = app.settings.database_url.clone();
            let dest = archive.clone();
            let written =
                tokio::task::spawn_blocking(move || persistence::backup::backup(&url, &dest))
                    .await
                    .unwrap();
            stop.store(true, Ordering::SeqCst);
            (answered_before, written)
        });
    let written = written.unwrap_or_else(|e| panic!("the backup: {e}"));
    assert!(written.bytes > 0);
    assert_eq!(written.path, archive);
    if app.engine == Engine::Sqlite {
        // The copy is a whole database of its own.
        use diesel::{Connection, RunQueryDsl};
        let mut copy = diesel::SqliteConnection::establish(&archive.display().to_string()).unwrap();
        let check: Vec<IntegrityLine> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut copy)
            .unwrap();
        assert_eq!(
            check
                .iter()
                .map(|l| l.integrity_check.as_str())
                .collect::<Vec<_>>(),
            ["ok"]
        );
    }
    // A second backup never replaces the first.
    let url = app.settings.database_url.clone();
    let dest = archive.clone();
    let again = tokio::task::spawn_blocking(move || persistence::backup::backup(&url, &dest))
        .await
        .unwrap();
    assert!(
        matches!(again, Err(persistence::backup::BackupError::Exists(_))),
        "{again:?}"
    );

    // The original as it is now; the load changed no indicator nor ranking.
    let original = programme_view(&app, &loaded).await;
    assert_eq!(original, before_load);
    let original_audit = audit_log(&app, &admin).await;

    // Restored into a new database of the same engine.
    let engine = app.engine;
    let restored_db = tokio::task::spawn_blocking(move || fresh_database(engine))
        .await
        .unwrap()
        .unwrap();
    let url = restored_db.url.clone();
    let src = archive.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let summary = persistence::backup::restore(&url, &src, false)?;
        // Restoring again over it is refused without --force.
        let refused = persistence::backup::restore(&url, &src, false);
        assert!(
            matches!(refused, Err(persistence::backup::BackupError::NotEmpty(_))),
            "{refused:?}"
        );
        let db = persistence::Database::connect(&url, 1)?;
        let applied = persistence::migrations::run(&db)?;
        Ok::<_, anyhow::Error>((summary, applied))
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("the restore: {e:#}"));
    let (summary, applied) = summary;
    assert!(summary.migrations > 0);
    assert!(
        applied.is_empty(),
        "migrate after a restore has nothing to do: {applied:?}"
    );

    let restored = start_on(restored_db, on_a_working_day).await;
    let restored_view = programme_view(&restored, &loaded).await;
    for (what, value) in &original {
        assert_eq!(
            restored_view.get(what),
            Some(value),
            "{what} differs after the restore"
        );
    }
    assert_eq!(restored_view.len(), original.len());

    // The audit log: every line the backup holds is the original's, in the
    // same order; the original's only other lines are accounts the load
    // made after the backup's snapshot.
    let restored_audit: Vec<Value> = audit_log(&restored, &admin)
        .await
        .into_iter()
        .filter(|l| !is_read(l))
        .collect();
    let kept: Vec<&Value> = original_audit
        .iter()
        .filter(|l| !is_read(l))
        .filter(|l| !is_load(l) || restored_audit.contains(l))
        .collect();
    assert_eq!(
        restored_audit.iter().collect::<Vec<_>>(),
        kept,
        "the restored audit log is the original's as of the backup"
    );
    assert!(restored_audit
        .iter()
        .any(|l| l["action"] == "ranking.corrected"));
    // The accounts in the backup are a prefix of those the load made (it
    // made them one at a time), with at least every one answered before the
    // backup began; each has its audit line, so no change is half there.
    let restored_users = json_of(restored.list_users(&admin).await, StatusCode::OK).await;
    let in_backup: BTreeSet<String> = restored_users["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["email"].as_str())
        .filter(|e| e.starts_with(LOAD_PREFIX))
        .map(str::to_owned)
        .collect();
    let audited: BTreeSet<String> = restored_audit
        .iter()
        .filter(|l| is_load(l))
        .map(|l| l["after"]["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(in_backup, audited);
    assert!(in_backup.len() >= answered_before, "{in_backup:?}");
    let prefix: BTreeSet<String> = emails[..in_backup.len()].iter().cloned().collect();
    assert_eq!(in_backup, prefix);
}
both_engines!(
    a_backup_taken_under_load_restores_the_same_programme,
    on_a_working_day
);
