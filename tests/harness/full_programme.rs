//! A programme at full scale, for the benchmarks: 3,000 Navigators under
//! contract with 100 training records each.
//!
//! - A selection whose rankings came out on 24 June 2019, with as many posts
//!   in each province as it will have Navigators, and every contract called,
//!   accepted, drafted and signed through the API (signed 20 November 2019,
//!   as Campania's were).
//! - 100 records per Navigator, written straight into the tables (through
//!   the API they would take hours): 10 classroom attendances, the 8
//!   distance modules (three Navigators in four failed one), 82 on-the-job
//!   logs, one a working day from Campania's operational start (9 December
//!   2019), validated, pending or rejected in a proportion that varies by
//!   Navigator. A log carries its Navigator's CPI, none in Campania, whose
//!   convention is `remote`.
//! - Access tokens minted with the test server's signing key by the
//!   product's own `JwtKeys::issue`, with the claims a login gives: logging
//!   in 3,000 accounts would cost an argon2 hash each and a password
//!   activation first, and the request path (signature, claims, cut-off
//!   check) is the same either way.
//! - Each Navigator's progress made by the product itself: one
//!   `GET /me/training` each with no snapshot stored computes it from the
//!   records and stores it with its tag, and is checked against the hours
//!   written.

use chrono::{Datelike, NaiveDate, Weekday};
use diesel::connection::SimpleConnection;
use futures_util::{stream, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};

use api::auth::tokens::JwtKeys;

use crate::contracts::json_of;
use crate::selection::applicants;
use crate::{TestApp, JWT_SECRET};

pub const NAVIGATORS: usize = 3_000;
pub const CLASSROOM_SESSIONS: usize = 10;
const CLASSROOM_MINUTES: i64 = 240;
/// The modules of the 2019 path; every Navigator has a completion of each.
pub const DISTANCE_MODULES: usize = 8;
pub const OJT_LOGS: usize = 82;
pub const RECORDS_EACH: usize = CLASSROOM_SESSIONS + DISTANCE_MODULES + OJT_LOGS;
/// Rows per INSERT statement when writing the records.
const ROWS_PER_INSERT: usize = 500;
/// Provinces signing their contracts at once.
const SIGNING_LANES: usize = 5;
/// Parallel first reads while the progress snapshots are made.
const WARMING_LANES: usize = 8;

/// "Today" of the benchmarks' server.
pub const TODAY: &str = "2020-06-30";
pub const PUBLISHED: &str = "2019-06-24";
pub const SIGNED_ON: &str = "2019-11-20";
pub const STARTS_ON: &str = "2019-11-21";
/// Campania's convention: the operational start of its Navigators, and the
/// first day of every Navigator's records here.
pub const OPERATIONAL_START: &str = "2019-12-09";

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A Navigator of the programme, and what the fixture wrote for them.
pub struct ProgrammeNavigator {
    pub id: String,
    pub contract_id: String,
    pub province: String,
    pub region: String,
    /// The CPI their on-the-job logs name; `None` in a `remote` Region.
    pub cpi: Option<String>,
    pub validated_minutes: i64,
    pub pending_minutes: i64,
}

/// The on-the-job log `k` of Navigator `i`: its minutes and status. The
/// share validated grows with `i`, a few are rejected, the rest pending.
fn ojt_log(i: usize, k: usize) -> (i64, &'static str) {
    let minutes = 120 + 15 * ((i + 3 * k) % 25) as i64;
    let validated = 20 + i % 55;
    let status = if k % 20 == 19 {
        "rejected"
    } else if k < validated {
        "validated"
    } else {
        "pending"
    };
    (minutes, status)
}

/// The first `n` working days (Monday to Friday) from `from`.
pub fn working_days(from: NaiveDate, n: usize) -> Vec<NaiveDate> {
    from.iter_days()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(n)
        .collect()
}

/// A published selection with, in each province, as many posts as
/// applicants, every one above the pass mark.
pub async fn published_selection(
    app: &TestApp,
    hr: &str,
    per_province: &[(&str, usize)],
) -> String {
    let total: usize = per_province.iter().map(|(_, n)| n).sum();
    let posts: Vec<(&str, i64)> = per_province.iter().map(|(p, n)| (*p, *n as i64)).collect();
    // Round robin over the provinces, each dropped once it has its share.
    let mut order = Vec::with_capacity(total);
    for round in 0.. {
        let before = order.len();
        order.extend(
            per_province
                .iter()
                .filter(|(_, n)| *n > round)
                .map(|(p, _)| *p),
        );
        if order.len() == before {
            break;
        }
    }
    let mut list = applicants(total, &["NA"], 2019, "T");
    for (a, p) in list.iter_mut().zip(&order) {
        a.province = (*p).to_owned();
    }
    let results: Vec<(String, i64, i64)> = list
        .iter()
        .enumerate()
        .map(|(i, a)| (a.application_no.clone(), 60 + (i / 5 % 41) as i64, 0))
        .collect();
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    app.selection_with_results(hr, &posts, &list, &refs, PUBLISHED)
        .await
}

/// Calls, accepts, drafts and signs every contract of the selection, a
/// few provinces at a time; each contract with its province.
pub async fn sign_contracts(
    app: &TestApp,
    hr: &str,
    selection: &str,
    per_province: &[(&str, usize)],
) -> Vec<(String, Value)> {
    let sign = json!({ "signed_on": SIGNED_ON, "start_date": STARTS_ON });
    let sign = &sign;
    stream::iter(per_province)
        .map(|(sigla, n)| async move {
            let mut contracts = Vec::with_capacity(*n);
            for _ in 0..*n {
                let contract = app.signed(hr, selection, sigla, sign).await;
                contracts.push(((*sigla).to_owned(), contract));
            }
            contracts
        })
        .buffer_unordered(SIGNING_LANES)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect()
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Runs the multi-row INSERTs of `rows` (each a parenthesised tuple) into
/// `head` (`INSERT INTO t (cols) VALUES`).
fn insert_rows(conn: &mut persistence::DbConnection, head: &str, rows: &[String]) {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        conn.batch_execute(&format!("{head} {}", chunk.join(",")))
            .unwrap_or_else(|e| panic!("{head}: {e}"));
    }
}

/// Writes the 100 records of every Navigator straight into the tables, in
/// one transaction, and notes on each what their progress must then show.
/// [`analyze`] should follow once everything is written.
pub fn write_records(db: &persistence::Database, navigators: &mut [ProgrammeNavigator]) {
    let mut conn = db.get().unwrap();
    let paths = persistence::training::list_paths(&mut conn).unwrap();
    let modules: Vec<(String, i64)> = paths[0]
        .modules
        .iter()
        .map(|m| (m.id.clone(), m.hours))
        .collect();
    assert_eq!(modules.len(), DISTANCE_MODULES, "the 2019 path's modules");
    let days = working_days(day(OPERATIONAL_START), OJT_LOGS + CLASSROOM_SESSIONS);
    let now = quoted("2020-06-30 09:00:00");
    let uuid = || quoted(&uuid::Uuid::new_v4().to_string());

    let sessions: Vec<(String, NaiveDate)> = (0..CLASSROOM_SESSIONS)
        .map(|s| (uuid::Uuid::new_v4().to_string(), days[s * 8]))
        .collect();
    let mut session_rows = Vec::new();
    for (s, (id, on)) in sessions.iter().enumerate() {
        session_rows.push(format!(
            "({}, {}, {CLASSROOM_MINUTES}, {}, {}, NULL, {now})",
            quoted(id),
            quoted(&on.to_string()),
            quoted("Napoli, via Medina"),
            quoted(&format!("Formatore {s}"))
        ));
    }

    let mut attendance = Vec::new();
    let mut completions = Vec::new();
    let mut logs = Vec::new();
    for (i, nav) in navigators.iter_mut().enumerate() {
        let n = quoted(&nav.id);
        for (session, _) in &sessions {
            attendance.push(format!(
                "({}, {}, {n}, {CLASSROOM_MINUTES}, NULL, {now})",
                uuid(),
                quoted(session)
            ));
        }
        for (m, (module, _)) in modules.iter().enumerate() {
            // Three Navigators in four fail one module's test.
            let passed = i % 4 == 0 || (i + m) % 8 != 0;
            completions.push(format!(
                "({}, {n}, {}, {}, {passed}, NULL, {now})",
                uuid(),
                quoted(module),
                quoted(&days[m * 5 + 1].to_string())
            ));
        }
        let cpi = nav.cpi.as_deref().map_or_else(|| "NULL".to_owned(), quoted);
        let (mut validated_minutes, mut pending_minutes) = (0, 0);
        for (k, on) in days.iter().take(OJT_LOGS).enumerate() {
            let (minutes, status) = ojt_log(i, k);
            let decided = match status {
                "pending" => "NULL, NULL, NULL".to_owned(),
                "rejected" => format!("{}, NULL, {now}", quoted("fuori sede")),
                _ => format!("NULL, NULL, {now}"),
            };
            match status {
                "validated" => validated_minutes += minutes,
                "pending" => pending_minutes += minutes,
                _ => {}
            }
            logs.push(format!(
                "({}, {n}, {}, {}, {minutes}, {}, {cpi}, {}, {}, {decided}, {now})",
                uuid(),
                quoted(&format!("tablet-{k}")),
                quoted(&on.to_string()),
                quoted("accoglienza utenti"),
                quoted(&nav.region),
                quoted(status),
            ));
        }
        nav.validated_minutes = validated_minutes;
        nav.pending_minutes = pending_minutes;
    }
    assert_eq!(
        attendance.len() + completions.len() + logs.len(),
        navigators.len() * RECORDS_EACH
    );
    persistence::write_transaction(&mut conn, |conn| -> Result<(), diesel::result::Error> {
        insert_rows(
            conn,
            "INSERT INTO classroom_sessions (id, day, minutes, place, trainer, created_by, created_at) VALUES",
            &session_rows,
        );
        insert_rows(
            conn,
            "INSERT INTO classroom_attendance (id, session_id, navigator_id, minutes, recorded_by, recorded_at) VALUES",
            &attendance,
        );
        insert_rows(
            conn,
            "INSERT INTO distance_completions (id, navigator_id, module_id, completed_on, test_passed, recorded_by, recorded_at) VALUES",
            &completions,
        );
        insert_rows(
            conn,
            "INSERT INTO ojt_logs (id, navigator_id, client_id, day, minutes, activity, cpi_code, region_code, status, reason, decided_by, decided_at, created_at) VALUES",
            &logs,
        );
        Ok(())
    })
    .unwrap();
}

/// The planner should know the tables' new size, as it would in a database
/// that grew to it.
pub fn analyze(db: &persistence::Database) {
    db.get().unwrap().batch_execute("ANALYZE").unwrap();
}

/// A token for `account` with the claims a login gives.
pub fn mint_token(app: &TestApp, account: &persistence::accounts::Account) -> String {
    let s = &app.settings;
    let keys = JwtKeys::new(
        JWT_SECRET.as_bytes(),
        &s.jwt_issuer,
        &s.jwt_audience,
        chrono::Duration::minutes(s.access_token_minutes),
    );
    keys.issue(
        &account.user.id,
        &account.user.role,
        &account.regions,
        account.user.navigator_id.as_deref(),
        None,
    )
    .unwrap()
}

/// An access token for each Navigator, as a login would issue it.
pub fn mint_tokens(app: &TestApp, navigators: &[ProgrammeNavigator]) -> Vec<String> {
    let mut conn = app.db.get().unwrap();
    navigators
        .iter()
        .map(|n| {
            let account = persistence::accounts::find_by_navigator(&mut conn, &n.id)
                .unwrap()
                .expect("signing made the Navigator's account");
            mint_token(app, &account)
        })
        .collect()
}

/// The first read of each Navigator's progress, which makes and stores it;
/// checked against the fixture. The tags, in the order of `navigators`.
pub async fn first_reads(
    app: &TestApp,
    navigators: &[ProgrammeNavigator],
    tokens: &[String],
) -> Vec<String> {
    let hours = |m: i64| m as f64 / 60.0;
    stream::iter(navigators.iter().zip(tokens))
        .map(|(n, token)| async move {
            let r = app.my_training(token, None).await;
            let tag = r
                .headers()
                .get("etag")
                .map(|t| t.to_str().unwrap().to_owned())
                .expect("an ETag");
            let v: Value = json_of(r, StatusCode::OK).await;
            let ojt = &v["buckets"]["on_the_job"];
            assert_eq!(
                (
                    ojt["validated_hours"].as_f64(),
                    ojt["pending_hours"].as_f64()
                ),
                (
                    Some(hours(n.validated_minutes)),
                    Some(hours(n.pending_minutes))
                ),
                "the progress of {} adds up its logs: {v}",
                n.id
            );
            assert_eq!(v["buckets"]["classroom"]["complete"], true, "{v}");
            tag
        })
        .buffered(WARMING_LANES)
        .collect()
        .await
}
