//! The `navigator` command as an operator runs it, on SQLite and (with
//! `TEST_DATABASE_URL`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use diesel::connection::SimpleConnection;
use diesel::Connection;

/// A fresh database URL per engine available; the folder keeps SQLite files.
fn databases(dir: &std::path::Path) -> Vec<String> {
    let mut urls = vec![format!("sqlite://{}", dir.join("navigator.db").display())];
    if let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let name = format!("navigator_test_{secs}_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap();
        conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let base = admin_url.split('?').next().unwrap();
        let prefix = &base[..base.rfind('/').unwrap()];
        urls.push(format!("{prefix}/{name}"));
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "TEST_DATABASE_URL must be set under CI"
        );
    }
    urls
}

fn navigator(dir: &std::path::Path, url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_navigator"))
        .args(args)
        .current_dir(dir)
        .env("NAVIGATOR_DATABASE_URL", url)
        .env("NAVIGATOR_MAIL_TRANSPORT", "log")
        .env_remove("NAVIGATOR_ADMIN_EMAIL")
        .env_remove("NAVIGATOR_ADMIN_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_first_start_creates_one_admin_and_shows_the_password_once() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()) {
        let first = stdout(&navigator(dir.path(), &url, &["seed"], None));
        assert!(
            first.contains("First administrator created: admin@navigator.local"),
            "{first}"
        );
        let password = first
            .lines()
            .find_map(|l| l.strip_prefix("One-time password (shown only now): "))
            .expect("the password is printed");
        assert_eq!(password.len(), 20);
        let second = stdout(&navigator(dir.path(), &url, &["seed"], None));
        assert!(!second.contains("One-time password"), "{second}");
        assert!(!second.contains(password));
    }
}

#[test]
fn user_create_reads_the_password_from_stdin_and_checks_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()) {
        let args = [
            "user",
            "create",
            "--email",
            "Coord.Lazio@anpalservizi.it",
            "--role",
            "coordinator",
            "--region",
            "12",
            "--password-stdin",
        ];
        let out = stdout(&navigator(
            dir.path(),
            &url,
            &args,
            Some("una password abbastanza lunga\n"),
        ));
        assert!(
            out.contains("created coord.lazio@anpalservizi.it (coordinator)"),
            "{out}"
        );

        // The same email again, a coordinator without a Region, a short password: refused.
        let again = navigator(
            dir.path(),
            &url,
            &args,
            Some("una password abbastanza lunga\n"),
        );
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("email-taken"));
        let no_region = navigator(
            dir.path(),
            &url,
            &[
                "user",
                "create",
                "--email",
                "c2@anpalservizi.it",
                "--role",
                "coordinator",
                "--password-stdin",
            ],
            Some("una password abbastanza lunga"),
        );
        assert!(String::from_utf8_lossy(&no_region.stderr).contains("coordinator-needs-region"));
        let short = navigator(
            dir.path(),
            &url,
            &[
                "user",
                "create",
                "--email",
                "h@anpalservizi.it",
                "--role",
                "hr",
                "--password-stdin",
            ],
            Some("corta"),
        );
        assert!(String::from_utf8_lossy(&short.stderr).contains("password-too-short"));

        // Without a password an activation link is queued.
        let out = stdout(&navigator(
            dir.path(),
            &url,
            &[
                "user",
                "create",
                "--email",
                "t@anpalservizi.it",
                "--role",
                "trainer",
            ],
            None,
        ));
        assert!(out.contains("activation link is queued"), "{out}");
    }
}

#[test]
fn user_create_follows_the_same_rules_as_the_api() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()) {
        // A Navigator account for a Navigator that does not exist: refused,
        // as the API refuses it.
        let unknown = navigator(
            dir.path(),
            &url,
            &[
                "user",
                "create",
                "--email",
                "nav@anpalservizi.it",
                "--role",
                "navigator",
                "--navigator-id",
                "7f1c1a52-2d7a-4c1e-9d8e-0a0b0c0d0e0f",
                "--password-stdin",
            ],
            Some("una password abbastanza lunga"),
        );
        assert!(!unknown.status.success());
        assert!(
            String::from_utf8_lossy(&unknown.stderr).contains("unknown-navigator"),
            "{}",
            String::from_utf8_lossy(&unknown.stderr)
        );
    }
}

#[test]
fn seed_demo_adds_labelled_demo_data_once() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()) {
        let out = stdout(&navigator(dir.path(), &url, &["seed", "--demo"], None));
        // Two demo CPIs per province of the 19 Regions with a convention.
        assert!(out.contains("demo data: 210 demo CPIs added"), "{out}");
        assert_eq!(out.matches("demo account").count(), 7, "{out}");
        assert!(
            out.contains("demo account  demo.esperto@navigator-demo.it ")
                && out.contains("role expert "),
            "{out}"
        );
        // The programme, made through the API: the same every time.
        assert!(
            out.contains("demo programme: 2380 applications, 84 Navigators under contract, 3 offers declined and 3 lapsed, 3 resignations"),
            "{out}"
        );
        // One Navigator to try the tablet app as, the account active.
        assert!(
            out.contains("demo Navigator  demo.candidato300@navigator-demo.it "),
            "{out}"
        );
        // Work left open for the console's steps.
        assert!(
            out.contains("left open for the console: selection DEMO-PROVA with its posts (files to import in seed/demo/), 1 offer pending, 2 accepted offers to draft, 1 contract to sign, 10 equipment items in stock"),
            "{out}"
        );
        let again = stdout(&navigator(dir.path(), &url, &["seed", "--demo"], None));
        assert!(again.contains("demo data: 0 demo CPIs added"), "{again}");
        assert_eq!(again.matches("demo account").count(), 0);
        assert!(again.contains("demo programme: already there"), "{again}");
        assert!(!again.contains("left open"), "{again}");
        the_console_steps_work_on_the_demo(&url);
    }
}

/// Runs `case` as the demo account with this email, as the console would.
fn as_demo<U: api::app::UseCase>(
    db: &persistence::Database,
    email: &str,
    case: U,
) -> Result<U::Outcome, api::error::ApiError> {
    let mut conn = db.get().unwrap();
    let account = persistence::accounts::find_by_email(&mut conn, email)
        .unwrap()
        .unwrap();
    drop(conn);
    let caller = api::auth::Caller {
        user_id: account.user.id,
        role: domain::account::Role::parse(&account.user.role).unwrap(),
        regions: account.regions,
        navigator_id: None,
        session: None,
        enrolment_only: false,
    };
    let settings = std::sync::Arc::new(api::config::Settings::defaults_only().unwrap());
    let act = api::app::Act::by(caller, "demo-check".to_owned(), settings);
    api::app::UseCases::new(db.clone()).run_blocking(&act, case)
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../seed/demo/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// What the README's console section has HR, the trainer and the Lazio
/// coordinator do with the demo, with its sample files.
fn the_console_steps_work_on_the_demo(url: &str) {
    use api::app::contracts::{DraftContract, ListUndrafted, SignContract};
    use api::app::equipment::{ImportBatch, ListItems};
    use api::app::navigators::{AssignNavigator, ListNavigators};
    use api::app::selection::{
        ComputeAdmission, ImportApplications, ImportResults, ListSelections, PublishRankings,
    };
    use api::app::training::{
        completions_of_file, register_of_file, CreateSession, RecordAttendance, RecordCompletions,
    };
    use api::csv_import::RowAt;
    use domain::ids::{ContractId, NavigatorId, OfferId, SelectionId, TrainingSessionId};

    const HR: &str = "demo.hr@navigator-demo.it";
    let db = persistence::Database::connect(url, 2).unwrap();
    let today = api::clock::today();

    // Selezioni: the open selection takes the sample files, bad rows listed.
    let selections = as_demo(
        &db,
        HR,
        ListSelections {
            cursor: None,
            limit: 500,
        },
    )
    .unwrap();
    let trial = selections
        .items
        .iter()
        .find(|s| s.selection.code == "DEMO-PROVA")
        .expect("the open selection");
    let sel = || SelectionId::from_stored(trial.selection.id.clone());
    let refused = as_demo(
        &db,
        HR,
        ImportApplications {
            selection_id: sel(),
            csv: sample("domande-con-errori.csv"),
        },
    )
    .unwrap_err();
    let api::error::ApiError::FileRejected(bad) = refused else {
        panic!("{refused:?}")
    };
    let lines: Vec<_> = bad.0.iter().map(|v| (v.field.as_str(), v.line)).collect();
    assert_eq!(
        lines,
        [("degree_grade", Some(4)), ("codice_fiscale", Some(10))],
        "{bad:?}"
    );
    let imported = as_demo(
        &db,
        HR,
        ImportApplications {
            selection_id: sel(),
            csv: sample("domande.csv"),
        },
    )
    .unwrap();
    assert_eq!(imported, 12);
    as_demo(
        &db,
        HR,
        ComputeAdmission {
            selection_id: sel(),
        },
    )
    .unwrap();
    as_demo(
        &db,
        HR,
        ImportResults {
            selection_id: sel(),
            csv: sample("risultati.csv"),
        },
    )
    .unwrap();
    as_demo(
        &db,
        HR,
        PublishRankings {
            selection_id: sel(),
            published_on: today,
        },
    )
    .unwrap();

    // Contratti: two accepted offers to draft, one draft to sign.
    let undrafted = as_demo(
        &db,
        HR,
        ListUndrafted {
            cursor: None,
            limit: 100,
        },
    )
    .unwrap();
    assert_eq!(undrafted.items.len(), 2);
    let offer = undrafted.items[0].offer.id.clone();
    let draft = as_demo(
        &db,
        HR,
        DraftContract::new(OfferId::from_stored(offer), true).unwrap(),
    )
    .unwrap();
    as_demo(
        &db,
        HR,
        SignContract {
            id: ContractId::from_stored(draft.contract.id),
            signed_on: today,
            start_date: today,
            end_date: None,
        },
    )
    .unwrap();

    // Dotazioni: the batch in stock, and the sample delivery file.
    let in_stock = || {
        as_demo(
            &db,
            HR,
            ListItems {
                filter: persistence::equipment::ItemFilter {
                    kind: None,
                    state: Some("in_stock".to_owned()),
                    holder_id: None,
                    batch: None,
                    after_id: None,
                    limit: 500,
                },
            },
        )
        .unwrap()
        .items
        .len()
    };
    assert_eq!(in_stock(), 10);
    as_demo(
        &db,
        HR,
        ImportBatch::from_csv(&sample("lotto.csv")).unwrap(),
    )
    .unwrap();
    assert_eq!(in_stock(), 18);

    // Formazione: the sample register and distance completions are of
    // demo Navigators.
    let session = domain::training::classroom::NewSession::parse(
        &domain::training::classroom::SessionInput {
            day: today,
            hours: 8.0,
            place: "Aula di prova",
            trainer: "Formatore demo",
        },
    )
    .unwrap();
    let session = as_demo(
        &db,
        "demo.formatore@navigator-demo.it",
        CreateSession { session },
    )
    .unwrap();
    let (rows, rejected) = register_of_file(&sample("registro.csv"));
    assert!(rejected.0.is_empty(), "{rejected:?}");
    as_demo(
        &db,
        "demo.formatore@navigator-demo.it",
        RecordAttendance {
            session_id: TrainingSessionId::from_stored(session.id),
            rows,
            rejected,
            kind: RowAt::Line(1),
        },
    )
    .unwrap();
    let (rows, rejected) = completions_of_file(&sample("fad.csv"));
    assert!(rejected.0.is_empty(), "{rejected:?}");
    as_demo(
        &db,
        HR,
        RecordCompletions {
            rows,
            rejected,
            kind: RowAt::Line(1),
        },
    )
    .unwrap();

    // Navigator della Regione: Roma 1 is full, a move into it is refused.
    const LAZIO: &str = "demo.coordinatore.lazio@navigator-demo.it";
    let in_rome_2 = as_demo(
        &db,
        LAZIO,
        ListNavigators {
            region: None,
            filter: persistence::assignments::NavigatorFilter {
                cpi: Some("DEMO-RM-02".to_owned()),
                limit: 1,
                ..Default::default()
            },
            status: None,
        },
    )
    .unwrap();
    let moved = as_demo(
        &db,
        LAZIO,
        AssignNavigator {
            id: NavigatorId::from_stored(in_rome_2.items[0].navigator.id.clone()),
            cpi_code: "DEMO-RM-01".to_owned(),
            from: today,
        },
    )
    .unwrap_err();
    assert!(format!("{moved:?}").contains("CpiAtCapacity"), "{moved:?}");
}

#[test]
fn migrate_and_openapi() {
    let dir = tempfile::tempdir().unwrap();
    // Every migration folder, on either engine (they are kept in step).
    let folders = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    for url in databases(dir.path()) {
        let out = stdout(&navigator(dir.path(), &url, &["migrate"], None));
        assert!(
            out.contains(&format!("{folders} migration(s) applied")),
            "{out}"
        );
        assert!(stdout(&navigator(dir.path(), &url, &["migrate"], None))
            .contains("0 migration(s) applied"));
    }
    let doc: serde_json::Value = serde_json::from_str(&stdout(&navigator(
        dir.path(),
        "sqlite://unused.db",
        &["openapi"],
        None,
    )))
    .unwrap();
    assert_eq!(doc["info"]["title"], "Navigator Ops");
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
}

/// Runs `navigator` with extra settings in the environment.
fn navigator_with(dir: &std::path::Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navigator"))
        .args(args)
        .current_dir(dir)
        .env("NAVIGATOR_DATABASE_URL", url)
        .env("NAVIGATOR_MAIL_TRANSPORT", "log")
        .env_remove("NAVIGATOR_ADMIN_EMAIL")
        .env_remove("NAVIGATOR_ADMIN_PASSWORD")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The words of the line of `category` in a retention run's output.
fn retention_line(out: &str, category: &str) -> String {
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(category))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| panic!("no {category} in {out}"))
}

#[test]
fn retention_run_counts_dry_then_erases_and_names_a_bad_period() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()) {
        stdout(&navigator(dir.path(), &url, &["migrate"], None));
        let insert = "INSERT INTO mail_outbox (id, message_id, recipient, subject, body, kind, created_at, attempts, next_attempt_at, sent_at) \
             VALUES ('0190f5b2-7c1e-7a3b-9d4e-1234567890ab', '<m@navigator.example.it>', 'candidato@example.it', 'Prova', 'Testo', 'password_reset', '2019-04-18 08:00:00', 1, '2019-04-18 08:00:00', '2019-04-18 08:01:00')";
        if url.starts_with("sqlite") {
            let path = url.trim_start_matches("sqlite://");
            diesel::SqliteConnection::establish(path)
                .unwrap()
                .batch_execute(insert)
                .unwrap();
        } else {
            diesel::PgConnection::establish(&url)
                .unwrap()
                .batch_execute(insert)
                .unwrap();
        }
        let today = [("NAVIGATOR_TODAY", "2019-07-17")];
        let dry = stdout(&navigator_with(
            dir.path(),
            &url,
            &["retention", "run", "--dry-run"],
            &today,
        ));
        assert!(
            dry.contains("retention run (dry run: nothing changed) on 2019-07-17"),
            "{dry}"
        );
        assert_eq!(
            retention_line(&dry, "sent_mail"),
            "sent_mail 1 due, to delete"
        );
        assert_eq!(
            retention_line(&dry, "applications"),
            "applications 0 due, to pseudonymise"
        );
        // One day before the 90 days are over nothing is due.
        let early = [("NAVIGATOR_TODAY", "2019-07-16")];
        let before = stdout(&navigator_with(
            dir.path(),
            &url,
            &["retention", "run"],
            &early,
        ));
        assert_eq!(retention_line(&before, "sent_mail"), "sent_mail 0 deleted");
        let run = stdout(&navigator_with(
            dir.path(),
            &url,
            &["retention", "run"],
            &today,
        ));
        assert_eq!(retention_line(&run, "sent_mail"), "sent_mail 1 deleted");
        let again = stdout(&navigator_with(
            dir.path(),
            &url,
            &["retention", "run"],
            &today,
        ));
        assert_eq!(retention_line(&again, "sent_mail"), "sent_mail 0 deleted");

        let bad = navigator_with(
            dir.path(),
            &url,
            &["retention", "run"],
            &[("NAVIGATOR_RETENTION_QUESTIONS_DAYS", "0")],
        );
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains("retention_questions_days"), "{err}");
    }
}
