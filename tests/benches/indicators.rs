//! The monitoring indicators over a programme at full scale, on SQLite and
//! on PostgreSQL: `GET /api/v1/reports/indicators?as_of=2020-06-30&group_by=province`
//! as HR, over 3,000 Navigators with about 100 training records each. Goal:
//! under 100 ms on each engine.
//!
//! The fixture, per engine (the harness's `full_programme`, spread over the
//! country):
//! - the 3,000 Navigators in turn over every province of the 19 Regions
//!   with a convention (105 provinces, 28 or 29 Navigators each), their contracts called, accepted,
//!   drafted and signed through the API;
//! - two CPIs in each province outside Campania, imported through the API,
//!   and every Navigator outside Campania assigned to one of them through
//!   the API (Campania's convention is `remote`: no CPI);
//! - the 100 training records of each Navigator written straight into the
//!   tables, on-the-job logs carrying the Navigator's CPI, and each
//!   Navigator's progress made and stored by one read of their own;
//! - a kit of five items per Navigator, the mailbox missing for one in ten,
//!   received, personalised and assigned through the persistence functions
//!   the equipment endpoints use (through the API: 30,000 requests);
//! - one in fifty Navigators resigning through the API, effective 15 June
//!   2020, still holding their four items on the day measured;
//! - 75,788 further applications imported through the API (another avviso's),
//!   so that the applications table holds 2019's 78,788.
//!
//! Before timing, the answer is checked against what the fixture made
//! (contracted, active, resigned, equipped, CPIs with Navigators, items
//! outstanding after the end, one row per province).
//!
//! The measurement: one request at a time from one client, a few uncounted
//! first, then `SAMPLES` counted; the median, p90 and worst are printed for
//! the goal's request, for the same as CSV, for `group_by=region`, and for a
//! coordinator's own Region, and for the series behind the dashboard's
//! chart (`/reports/indicators/series`, a point a day for a year, and a
//! point a week as CSV); and for the console's pages over the same records,
//! signed in with a console session: the indicators dashboard as HR and as
//! Lazio's coordinator (figures by Region or province, and the chart's
//! year of weeks), and the Region's Navigators page as Lazio's coordinator
//! (goal for both pages: under 100 ms on each engine). `GET /healthz`, timed the same way on the same
//! server in the same run, is the reference: its median and each median's
//! ratio to it are printed too. Timings are printed, never asserted.
//!
//! PostgreSQL comes from `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); when it cannot be reached its
//! part is skipped with a note.
//!
//! Run with `cargo bench -p navigator-e2e --bench indicators`
//! (`BENCH_ENGINE=sqlite` or `BENCH_ENGINE=postgres` for one engine only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::{Duration, Instant};

use domain::equipment::{ItemKind, KitPart, NewItem, Plan};
use futures_util::{stream, StreamExt};
use navigator_e2e::bench::{
    default_log_level, default_postgres, engine_name, engines, goal, ms, stop,
};
use navigator_e2e::contracts::json_of;
use navigator_e2e::equipment::{iccid, imei};
use navigator_e2e::full_programme::{
    analyze, day, first_reads, mint_tokens, published_selection, sign_contracts, write_records,
    ProgrammeNavigator, NAVIGATORS, RECORDS_EACH, STARTS_ON, TODAY,
};
use navigator_e2e::selection::{applicants, applications_csv};
use navigator_e2e::{spawn, Engine, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::Value;

/// The Region whose coordinator's view is timed too.
const LAZIO: &str = "12";
/// One Navigator in `RESIGNING_EVERY` resigns; one in `UNEQUIPPED_EVERY`
/// has no mailbox. Resigning ones are among those without a mailbox, so
/// their mailbox's end-of-contract deprovisioning cannot change the count
/// of the equipped.
const RESIGNING_EVERY: usize = 50;
const UNEQUIPPED_EVERY: usize = 10;
const RESIGNS_ON: &str = "2020-06-15";
const KIT_RECEIVED: &str = "2019-11-25";
const KIT_ASSIGNED: &str = "2019-11-28";
/// Parallel callers while assigning and resigning.
const LANES: usize = 8;

/// Applications of 2019 beyond the ones of the fixture's selection.
const OTHER_APPLICATIONS: usize = 78_788 - NAVIGATORS;

const WARM_UP: usize = 3;
const SAMPLES: usize = 25;
const GOAL: Duration = Duration::from_millis(100);

// ------------------------------------------------------------------ fixture

/// The provinces of the Regions with a convention, by sigla, with their
/// Region and whether it is `remote`.
fn provinces(app: &TestApp) -> Vec<(String, String, bool)> {
    let mut conn = app.db.get().unwrap();
    let regions = persistence::reference::list_regions(&mut conn).unwrap();
    let mut out: Vec<(String, String, bool)> =
        persistence::reference::list_provinces(&mut conn, None)
            .unwrap()
            .into_iter()
            .filter_map(|p| {
                let region = regions.iter().find(|r| r.region.code == p.region_code)?;
                let convention = region.convention.as_ref()?;
                Some((p.sigla, p.region_code, convention.mode == "remote"))
            })
            .collect();
    out.sort();
    out
}

/// Two CPIs in each province outside a `remote` Region, imported through
/// the API; their codes by province.
async fn import_cpis(app: &TestApp, provinces: &[(String, String, bool)]) -> usize {
    let admin = app.admin_token().await;
    let mut csv = String::from("code,name,province_sigla,address,capacity\n");
    let mut n = 0;
    for (sigla, _, remote) in provinces {
        if !remote {
            for k in 1..=2 {
                csv.push_str(&format!("{sigla}{k:02},CPI {sigla} {k},{sigla},,\n"));
                n += 1;
            }
        }
    }
    json_of(app.import_cpis(&admin, &csv).await, StatusCode::CREATED).await;
    n
}

/// Assigns every Navigator with a CPI to it through the API.
async fn assign(app: &TestApp, hr: &str, navigators: &[ProgrammeNavigator]) {
    stream::iter(navigators.iter().filter(|n| n.cpi.is_some()))
        .map(|n| async move {
            let cpi = n.cpi.as_deref().unwrap();
            json_of(
                app.assign(hr, &n.id, cpi, STARTS_ON).await,
                StatusCode::CREATED,
            )
            .await;
        })
        .buffer_unordered(LANES)
        .collect::<Vec<()>>()
        .await;
}

/// The kit of Navigator `i`: the five items, less the mailbox for one in
/// `UNEQUIPPED_EVERY`.
fn kit(i: usize) -> Vec<NewItem> {
    let n = i as u32;
    let item = |kind, kit_part| NewItem {
        kind,
        kit_part,
        model: None,
        serial: None,
        imei: None,
        iccid: None,
        phone_number: None,
        plan: None,
        mailbox: None,
        batch: Some("Consip 2019/1".to_owned()),
    };
    let mut items = vec![
        NewItem {
            model: Some("Samsung Galaxy A40 Enterprise Edition".to_owned()),
            imei: Some(imei(2 * n)),
            ..item(ItemKind::Smartphone, KitPart::Smartphone)
        },
        NewItem {
            iccid: Some(iccid(2 * n)),
            phone_number: Some(format!("347{n:07}")),
            plan: Some(Plan::VoiceData),
            ..item(ItemKind::Sim, KitPart::VoiceDataSim)
        },
        NewItem {
            model: Some("Samsung Galaxy Tab A".to_owned()),
            serial: Some(format!("R52M{n:06}")),
            imei: Some(imei(2 * n + 1)),
            ..item(ItemKind::Tablet, KitPart::Tablet)
        },
        NewItem {
            iccid: Some(iccid(2 * n + 1)),
            plan: Some(Plan::Data),
            ..item(ItemKind::Sim, KitPart::DataSim)
        },
    ];
    if i % UNEQUIPPED_EVERY != UNEQUIPPED_EVERY - 1 {
        items.push(NewItem {
            mailbox: Some(format!("navigator.{n}@navigator.example.it")),
            ..item(ItemKind::Mailbox, KitPart::Mailbox)
        });
    }
    items
}

/// Every kit received, personalised and assigned, in one transaction; the
/// number of items.
fn equip(db: &persistence::Database, navigators: &[ProgrammeNavigator]) -> usize {
    use persistence::equipment::{insert_items, move_item, must_get, MovementDetail};
    let mut conn = db.get().unwrap();
    let (received, assigned) = (day(KIT_RECEIVED), day(KIT_ASSIGNED));
    let moved = persistence::write_transaction(
        &mut conn,
        |conn| -> Result<usize, persistence::PersistenceError> {
            let mut moved = 0;
            for (i, n) in navigators.iter().enumerate() {
                for id in insert_items(conn, &kit(i), received, None)? {
                    let item = must_get(conn, &id)?;
                    assert!(move_item(
                        conn,
                        &item,
                        "personalise",
                        "personalised",
                        received,
                        &MovementDetail::default(),
                        None
                    )?);
                    let item = must_get(conn, &id)?;
                    let to = MovementDetail {
                        holder_id: Some(&n.id),
                        ..MovementDetail::default()
                    };
                    assert!(move_item(
                        conn, &item, "assign", "assigned", assigned, &to, None
                    )?);
                    moved += 1;
                }
            }
            Ok(moved)
        },
    )
    .unwrap();
    moved
}

/// One in `RESIGNING_EVERY` Navigators resigns through the API; how many.
async fn resign(app: &TestApp, hr: &str, navigators: &[ProgrammeNavigator]) -> usize {
    let leaving: Vec<&ProgrammeNavigator> = navigators
        .iter()
        .enumerate()
        .filter(|(i, _)| i % RESIGNING_EVERY == RESIGNING_EVERY - 1)
        .map(|(_, n)| n)
        .collect();
    stream::iter(&leaving)
        .map(|n| async move {
            json_of(
                app.register_resignation(hr, &n.contract_id, "2020-06-01", RESIGNS_ON)
                    .await,
                StatusCode::OK,
            )
            .await;
        })
        .buffer_unordered(LANES)
        .collect::<Vec<()>>()
        .await;
    leaving.len()
}

/// What the fixture must show on `TODAY`.
struct Expected {
    provinces: usize,
    cpis: usize,
    resigned: usize,
    equipped: usize,
}

async fn build(app: &TestApp) -> Expected {
    let started = Instant::now();
    let hr = app.user_with_role("hr", &[]).await;
    let places = tokio::task::block_in_place(|| provinces(app));
    let share = |k: usize| NAVIGATORS / places.len() + usize::from(k < NAVIGATORS % places.len());
    let per_province: Vec<(&str, usize)> = places
        .iter()
        .enumerate()
        .map(|(k, (sigla, _, _))| (sigla.as_str(), share(k)))
        .collect();
    let selection = published_selection(app, &hr, &per_province).await;
    let contracts = sign_contracts(app, &hr, &selection, &per_province).await;
    assert_eq!(contracts.len(), NAVIGATORS);
    println!(
        "  fixture: selection and {NAVIGATORS} signed contracts over {} provinces through the API: {:>6.1} s",
        places.len(),
        started.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let cpis = import_cpis(app, &places).await;
    let mut turn = 0;
    let mut navigators: Vec<ProgrammeNavigator> = contracts
        .into_iter()
        .map(|(province, c)| {
            let (_, region, remote) = places.iter().find(|(s, _, _)| *s == province).unwrap();
            turn += 1;
            ProgrammeNavigator {
                id: c["navigator_id"].as_str().unwrap().to_owned(),
                contract_id: c["id"].as_str().unwrap().to_owned(),
                cpi: (!remote).then(|| format!("{province}{:02}", 1 + turn % 2)),
                province,
                region: region.clone(),
                validated_minutes: 0,
                pending_minutes: 0,
            }
        })
        .collect();
    assign(app, &hr, &navigators).await;
    println!(
        "  fixture: {cpis} CPIs and {} assignments through the API:     {:>6.1} s",
        navigators.iter().filter(|n| n.cpi.is_some()).count(),
        at.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let db = app.db.clone();
    let (navigators, items) = tokio::task::spawn_blocking(move || {
        write_records(&db, &mut navigators);
        let items = equip(&db, &navigators);
        analyze(&db);
        (navigators, items)
    })
    .await
    .unwrap();
    println!(
        "  fixture: {} records and {items} kit items written:          {:>6.1} s",
        navigators.len() * RECORDS_EACH,
        at.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let other = app.selection_id_with(&hr, &serde_json::json!({})).await;
    let posts = [("NA", 1), ("RM", 1), ("MI", 1), ("PA", 1)];
    json_of(app.put_posts(&hr, &other, &posts).await, StatusCode::OK).await;
    let list = applicants(OTHER_APPLICATIONS, &["NA", "RM", "MI", "PA"], 78, "U");
    json_of(
        app.import_applications(&hr, &other, &applications_csv(&list))
            .await,
        StatusCode::CREATED,
    )
    .await;
    println!(
        "  fixture: {OTHER_APPLICATIONS} more applications through the API: {:>6.1} s",
        at.elapsed().as_secs_f64()
    );

    let at = Instant::now();
    let tokens = tokio::task::block_in_place(|| mint_tokens(app, &navigators));
    first_reads(app, &navigators, &tokens).await;
    let resigned = resign(app, &hr, &navigators).await;
    println!(
        "  fixture: {NAVIGATORS} progress snapshots made, {resigned} resignations: {:>6.1} s",
        at.elapsed().as_secs_f64()
    );
    println!(
        "  fixture built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Expected {
        provinces: places.len(),
        cpis,
        resigned,
        equipped: (0..NAVIGATORS)
            .filter(|i| i % UNEQUIPPED_EVERY != UNEQUIPPED_EVERY - 1)
            .count(),
    }
}

// ------------------------------------------------------------- measuring

/// The answer to the goal's request, checked against the fixture.
fn check(v: &Value, expected: &Expected) {
    let total = &v["total"];
    let number = |k: &str| total[k].as_i64().unwrap() as usize;
    assert_eq!(number("contracted"), NAVIGATORS, "{total}");
    assert_eq!(number("resigned"), expected.resigned, "{total}");
    assert_eq!(number("active"), NAVIGATORS - expected.resigned, "{total}");
    assert_eq!(number("equipped"), expected.equipped, "{total}");
    assert_eq!(number("cpis_with_navigators"), expected.cpis, "{total}");
    assert_eq!(number("cpis_with_on_the_job"), expected.cpis, "{total}");
    assert_eq!(
        number("items_outstanding_after_end"),
        4 * expected.resigned,
        "{total}"
    );
    assert!(number("path_completed") > 0, "{total}");
    assert_eq!(
        v["rows"].as_array().map(Vec::len),
        Some(expected.provinces),
        "one row per province"
    );
}

struct Timing {
    what: String,
    median: Duration,
    p90: Duration,
    worst: Duration,
}

/// Who asks: nobody, a bearer token, or a console session's cookies.
#[derive(Clone, Copy)]
enum Asker<'a> {
    Nobody,
    Token(&'a str),
    Console(&'a str),
}

/// `SAMPLES` requests one after another, after `WARM_UP` uncounted.
async fn time(app: &TestApp, what: &str, path: &str, asker: Asker<'_>, csv: bool) -> Timing {
    let mut samples = Vec::with_capacity(SAMPLES);
    for k in 0..WARM_UP + SAMPLES {
        let mut request = app.client.get(format!("{}{path}", app.address));
        match asker {
            Asker::Nobody => {}
            Asker::Token(t) => request = request.bearer_auth(t),
            Asker::Console(c) => request = request.header("cookie", c),
        }
        if csv {
            request = request.header("accept", "text/csv");
        }
        let started = Instant::now();
        let r = request.send().await.unwrap();
        let status = r.status();
        let body = r.bytes().await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(status, StatusCode::OK, "{path}: {body:?}");
        if k >= WARM_UP {
            samples.push(elapsed);
        }
    }
    samples.sort();
    Timing {
        what: what.to_owned(),
        median: samples[SAMPLES / 2],
        p90: samples[SAMPLES * 9 / 10],
        worst: samples[SAMPLES - 1],
    }
}

struct Figures {
    engine: Engine,
    healthz: Timing,
    timings: Vec<Timing>,
    /// The console's pages; the first two are the goal's.
    console: Vec<Timing>,
}

/// A console session of a new staff account of `role`: its cookies.
async fn console_session(app: &TestApp, role: &str, regions: &[&str]) -> String {
    let admin = app.admin_token().await;
    let email = format!("{role}.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    json_of(
        app.create_user(
            &admin,
            &serde_json::json!({ "email": email, "role": role, "regions": regions, "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookies = |r: &reqwest::Response| -> Vec<(String, String)> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| {
                let pair = v.to_str().ok()?.split(';').next()?;
                let (k, v) = pair.split_once('=')?;
                Some((k.to_owned(), v.to_owned()))
            })
            .collect()
    };
    let form = client
        .get(format!("{}/console/accedi", app.address))
        .send()
        .await
        .unwrap();
    let mut jar = cookies(&form);
    let csrf = jar
        .iter()
        .find(|(k, _)| k == "navigator_csrf")
        .map(|(_, v)| v.clone())
        .unwrap();
    let header = |jar: &[(String, String)]| {
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let signed = client
        .post(format!("{}/console/accedi", app.address))
        .header("cookie", header(&jar))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", &email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    jar.extend(cookies(&signed));
    header(&jar)
}

/// Lazio's dashboard shows Lazio's figures as the API counts them.
async fn check_dashboard(app: &TestApp, cookies: &str, national: &Value) {
    let page = app
        .client
        .get(format!("{}/console/indicatori?data={TODAY}", app.address))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let lazio: i64 = national["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ["RM", "LT", "FR", "RI", "VT"].contains(&r["province"].as_str().unwrap()))
        .map(|r| r["contracted"].as_i64().unwrap())
        .sum();
    let shown = format!(
        "id=\"evidenza-contracted\">{}<",
        api::pages::charts::number(lazio, api::i18n::Lang::It)
    );
    assert!(page.contains(&shown), "{shown} not in the dashboard");
}

async fn run(engine: Engine) -> Option<Figures> {
    println!("{}:", engine_name(engine));
    let mut app = spawn(engine, |s| {
        s.today = Some(day(TODAY));
        // The service's defaults, not the harness's.
        let defaults = api::Settings::defaults_only().unwrap();
        s.workers = defaults.workers;
        s.database_pool_size = defaults.database_pool_size;
        s.mail_poll_millis = defaults.mail_poll_millis;
    })
    .await?;
    app.client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let expected = build(&app).await;

    let hr = app.user_with_role("hr", &[]).await;
    let coordinator = app.user_with_role("coordinator", &[LAZIO]).await;
    let by_province = format!("/reports/indicators?as_of={TODAY}&group_by=province");
    let goal_path = format!("/api/v1{by_province}");
    let answer = json_of(app.get(&by_province, Some(&hr)).await, StatusCode::OK).await;
    check(&answer, &expected);

    // The series behind the dashboard's chart: a point a day for a year
    // up to the day measured, whose last point is that day's figures.
    let series_path = format!("/reports/indicators/series?from=2019-07-01&to={TODAY}&step=day");
    let series = json_of(app.get(&series_path, Some(&hr)).await, StatusCode::OK).await;
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 366);
    let last = points.last().unwrap();
    for k in ["contracted", "active", "path_completed"] {
        assert_eq!(last[k], answer["total"][k], "{k}");
    }

    let hr_console = console_session(&app, "hr", &[]).await;
    let lazio_console = console_session(&app, "coordinator", &[LAZIO]).await;
    // The pages show what the API counts.
    check_dashboard(&app, &lazio_console, &answer).await;

    let healthz = time(&app, "GET /healthz", "/healthz", Asker::Nobody, false).await;
    let timings = vec![
        time(
            &app,
            "by province, JSON (the goal)",
            &goal_path,
            Asker::Token(&hr),
            false,
        )
        .await,
        time(
            &app,
            "by province, CSV",
            &goal_path,
            Asker::Token(&hr),
            true,
        )
        .await,
        time(
            &app,
            "by Region, JSON",
            &format!("/api/v1/reports/indicators?as_of={TODAY}&group_by=region"),
            Asker::Token(&hr),
            false,
        )
        .await,
        time(
            &app,
            "Lazio's coordinator, by province",
            &goal_path,
            Asker::Token(&coordinator),
            false,
        )
        .await,
        time(
            &app,
            "series, 366 days, JSON",
            &format!("/api/v1{series_path}"),
            Asker::Token(&hr),
            false,
        )
        .await,
        time(
            &app,
            "series, 53 weeks, CSV",
            &format!("/api/v1/reports/indicators/series?to={TODAY}&step=week"),
            Asker::Token(&hr),
            true,
        )
        .await,
    ];
    let console = vec![
        time(
            &app,
            "console: dashboard, HR, by Region",
            &format!("/console/indicatori?data={TODAY}"),
            Asker::Console(&hr_console),
            false,
        )
        .await,
        time(
            &app,
            "console: dashboard, Lazio, by province",
            &format!("/console/indicatori?data={TODAY}"),
            Asker::Console(&lazio_console),
            false,
        )
        .await,
        time(
            &app,
            "console: Lazio's Navigators",
            "/console/navigator",
            Asker::Console(&lazio_console),
            false,
        )
        .await,
        time(
            &app,
            "console: Navigators, all Regions, HR",
            "/console/navigator",
            Asker::Console(&hr_console),
            false,
        )
        .await,
    ];
    for t in std::iter::once(&healthz).chain(&timings).chain(&console) {
        println!(
            "  {:<36} median {:>7.2} ms  p90 {:>7.2} ms  worst {:>7.2} ms",
            t.what,
            ms(t.median),
            ms(t.p90),
            ms(t.worst)
        );
    }

    stop(app).await;
    Some(Figures {
        engine,
        healthz,
        timings,
        console,
    })
}

async fn bench() {
    api::telemetry::init(api::config::LogFormat::Text);
    let mut figures = Vec::new();
    for engine in engines().await {
        figures.extend(run(engine).await);
    }

    println!();
    println!(
        "summary ({NAVIGATORS} Navigators x {RECORDS_EACH} records, {SAMPLES} requests each, one at a time, as of {TODAY}):"
    );
    for f in &figures {
        let reference = f.healthz.median.max(Duration::from_nanos(1));
        println!(
            "  {:<10} GET /healthz median {:.3} ms (the reference)",
            engine_name(f.engine),
            ms(f.healthz.median)
        );
        for t in &f.timings {
            println!(
                "  {:<10} {:<36} median {:>7.2} ms  p90 {:>7.2} ms  ({:.0}x /healthz)",
                engine_name(f.engine),
                t.what,
                ms(t.median),
                ms(t.p90),
                t.median.as_secs_f64() / reference.as_secs_f64()
            );
        }
        for t in &f.console {
            println!(
                "  {:<10} {:<36} median {:>7.2} ms  p90 {:>7.2} ms  ({:.0}x /healthz)",
                engine_name(f.engine),
                t.what,
                ms(t.median),
                ms(t.p90),
                t.median.as_secs_f64() / reference.as_secs_f64()
            );
        }
        let pages = f.console[..3].iter().all(|t| t.median < GOAL);
        println!(
            "  {:<10} goal: dashboard and the Region's Navigators page under {} ms: {}",
            engine_name(f.engine),
            GOAL.as_millis(),
            goal(pages)
        );
        let headline = &f.timings[0];
        println!(
            "  {:<10} goal: by province under {} ms: {}",
            engine_name(f.engine),
            GOAL.as_millis(),
            goal(headline.median < GOAL)
        );
    }
}

fn main() {
    default_postgres();
    default_log_level();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
