//! Retention of personal data: a run pseudonymises or deletes exactly what
//! the rules say, a dry run changes nothing and counts the same, the
//! indicators of past days and the published rankings stay as they were
//! (names masked), the audit log keeps its lines; and HR rectifies an
//! applicant's contact data, audited.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use domain::retention::Category;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use api::app::retention::RetentionReport;
use persistence::schema::{
    applications, audit_log, contracts, equipment_items, equipment_movements, login_failures,
    mail_outbox, navigators, offboardings, ojt_logs, questions, rankings,
};

const T0: &str = "2020-06-30";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

type Person = (String, String, String, String, Option<String>, NaiveDate);

/// Every application's identity, by id.
fn identities(db: &persistence::Database) -> BTreeMap<String, Person> {
    let mut conn = db.get().unwrap();
    applications::table
        .select((
            applications::id,
            (
                applications::first_name,
                applications::last_name,
                applications::codice_fiscale,
                applications::email,
                applications::phone,
                applications::birth_date,
            ),
        ))
        .load::<(String, Person)>(&mut *conn)
        .unwrap()
        .into_iter()
        .collect()
}

/// An equipment item's serial, IMEI, ICCID, phone number and mailbox.
type Identifiers = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// What the tables hold, row by row, that a run may change.
#[derive(Debug, PartialEq)]
struct Holdings {
    applications: BTreeMap<String, Person>,
    navigators: BTreeMap<String, (String, String, String, String)>,
    ojt_clients: BTreeMap<String, String>,
    devices: BTreeMap<String, Identifiers>,
    mails: BTreeSet<String>,
    throttles: BTreeSet<String>,
    audit: BTreeSet<String>,
}

fn holdings(db: &persistence::Database) -> Holdings {
    let applications = identities(db);
    let mut conn = db.get().unwrap();
    let c = &mut *conn;
    Holdings {
        applications,
        navigators: navigators::table
            .select((
                navigators::id,
                (
                    navigators::first_name,
                    navigators::last_name,
                    navigators::codice_fiscale,
                    navigators::email,
                ),
            ))
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
        ojt_clients: ojt_logs::table
            .select((ojt_logs::id, ojt_logs::client_id))
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
        devices: equipment_items::table
            .select((
                equipment_items::id,
                (
                    equipment_items::serial,
                    equipment_items::imei,
                    equipment_items::iccid,
                    equipment_items::phone_number,
                    equipment_items::mailbox,
                ),
            ))
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
        mails: mail_outbox::table
            .select(mail_outbox::id)
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
        throttles: login_failures::table
            .select(login_failures::throttle_key)
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
        audit: audit_log::table
            .select(audit_log::id)
            .load(c)
            .unwrap()
            .into_iter()
            .collect(),
    }
}

/// Each Navigator's last contract day.
fn last_days(db: &persistence::Database) -> BTreeMap<String, NaiveDate> {
    let mut conn = db.get().unwrap();
    let rows: Vec<(String, NaiveDate, Option<NaiveDate>, Option<NaiveDate>)> = contracts::table
        .select((
            contracts::navigator_id,
            contracts::end_date,
            contracts::end_effective_on,
            contracts::cancelled_on,
        ))
        .load(&mut *conn)
        .unwrap();
    let mut out: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (n, end, early, cancelled) in rows {
        let last = cancelled.or(early).unwrap_or(end);
        let e = out.entry(n).or_insert(last);
        *e = (*e).max(last);
    }
    out
}

async fn hr_token(app: &TestApp, accounts: &[api::demo::DemoAccount]) -> String {
    let hr = accounts
        .iter()
        .find(|a| a.email == "demo.hr@navigator-demo.it")
        .unwrap();
    let pair = app.login_ok(&hr.email, &hr.password).await;
    pair["access_token"].as_str().unwrap().to_owned()
}

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn a_run_erases_what_the_rules_say_and_nothing_else(app: TestApp) {
    let (db, settings) = (app.db.clone(), app.settings.clone());
    let accounts = blocking(move || {
        let demo = api::demo::seed_demo(&db, &settings).unwrap();
        api::demo::programme::seed_programme(&db, &settings, d(T0))
            .unwrap()
            .unwrap();
        demo.accounts
    })
    .await;
    let hr = hr_token(&app, &accounts).await;
    // A mail given up long ago, and a throttle record as old; a recent one
    // of each (the mails the demo queued, a failed login now) stays.
    let old_mail = app.given_up_mail("candidato@example.it").await;
    let db = app.db.clone();
    blocking(move || {
        db.get()
            .unwrap()
            .batch_execute(
                "INSERT INTO login_failures (throttle_key, failures, window_started_at, locked_until) \
                 VALUES ('email:vecchio@example.it', 3, '2019-05-01 10:00:00', NULL)",
            )
            .unwrap();
    })
    .await;
    let refused = app
        .login("demo.hr@navigator-demo.it", "not the password")
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // The day the demo's applications fall due: a year after the last day
    // its rankings are valid.
    let db = app.db.clone();
    let valid_until: NaiveDate = blocking(move || {
        rankings::table
            .select(diesel::dsl::max(rankings::valid_until))
            .first::<Option<NaiveDate>>(&mut *db.get().unwrap())
            .unwrap()
            .unwrap()
    })
    .await;
    let t1 = valid_until + Days::new(1 + 365);
    // Navigators: a period that makes those whose contracts ended first due
    // on t1, and no one else.
    let db = app.db.clone();
    let last = blocking(move || last_days(&db)).await;
    let first_over = *last.values().min().unwrap();
    let nav_days = (t1 - first_over).num_days() - 1;
    let periods = move |s: &mut api::config::Settings| {
        s.retention_navigators_days = nav_days;
        s.retention_ojt_logs_days = nav_days;
    };
    let due_navigators: BTreeSet<String> = last
        .iter()
        .filter(|(_, l)| **l == first_over)
        .map(|(n, _)| n.clone())
        .collect();
    assert!(!due_navigators.is_empty() && due_navigators.len() < last.len());

    // What the rules say is due, worked out here from the records.
    let db = app.db.clone();
    let due_navs = due_navigators.clone();
    let (due_applications, navigator_applications, due_logs) = blocking(move || {
        let mut conn = db.get().unwrap();
        let c = &mut *conn;
        let hired: BTreeMap<String, String> = navigators::table
            .select((navigators::application_id, navigators::id))
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let ranked: BTreeSet<String> = rankings::table
            .select(rankings::selection_id)
            .load::<String>(c)
            .unwrap()
            .into_iter()
            .collect();
        let apps: Vec<(String, String, String)> = applications::table
            .select((
                applications::id,
                applications::selection_id,
                applications::state,
            ))
            .load(c)
            .unwrap();
        let due: BTreeSet<String> = apps
            .iter()
            .filter(|(id, sel, state)| {
                !hired.contains_key(id)
                    && ranked.contains(sel)
                    && !matches!(state.as_str(), "offered" | "accepted")
            })
            .map(|(id, _, _)| id.clone())
            .collect();
        let of_navigators: BTreeSet<String> = hired
            .iter()
            .filter(|(_, n)| due_navs.contains(*n))
            .map(|(a, _)| a.clone())
            .collect();
        let logs: BTreeSet<String> = ojt_logs::table
            .filter(ojt_logs::navigator_id.eq_any(due_navs.iter().cloned().collect::<Vec<_>>()))
            .select(ojt_logs::id)
            .load::<String>(c)
            .unwrap()
            .into_iter()
            .collect();
        (due, of_navigators, logs)
    })
    .await;
    assert!(due_applications.len() > 2000, "{}", due_applications.len());

    // The figures of past days, and a published ranking, before.
    let days = ["2020-01-15", "2020-03-31", T0];
    let mut figures = Vec::new();
    for day in days {
        figures.push(
            json_of(
                app.get(
                    &format!("/reports/indicators?as_of={day}&group_by=province"),
                    Some(&hr),
                )
                .await,
            )
            .await,
        );
    }
    let selection = {
        let list = json_of(app.get("/selections", Some(&hr)).await).await;
        let items = list["items"]
            .as_array()
            .or(list.as_array())
            .unwrap()
            .clone();
        items
            .iter()
            .find(|s| s["code"] == api::demo::programme::SELECTION_CODE)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ranking_before = json_of(app.ranking(&hr, &selection, "RM", "").await).await;

    // One day before the threshold nothing of the applications is due.
    let before_t1 = t1.pred_opt().unwrap();
    let early = run_with(&app, before_t1, periods, true).await;
    assert_eq!(early.records(Category::Applications), 0);
    assert_eq!(early.records(Category::Navigators), 0);

    // Questions: one settled long before t1 (due), one settled lately and
    // one still open (neither due).
    app.questions_at(&["question-settled-long-ago"], "closed");
    app.questions_at(&["question-settled-lately"], "closed");
    app.questions_at(&["question-still-open"], "open");
    let settled = |id: &str, day: NaiveDate| {
        let db = app.db.clone();
        let (id, at) = (id.to_owned(), day.and_hms_opt(12, 0, 0).unwrap());
        blocking(move || {
            diesel::update(questions::table.filter(questions::id.eq(id)))
                .set(questions::settled_at.eq(Some(at)))
                .execute(&mut *db.get().unwrap())
                .unwrap();
        })
    };
    settled("question-settled-long-ago", t1 - Days::new(800)).await;
    settled("question-settled-lately", t1 - Days::new(100)).await;
    let texts = |db: persistence::Database| {
        blocking(move || {
            questions::table
                .select((questions::id, questions::text))
                .order(questions::id)
                .load::<(String, String)>(&mut *db.get().unwrap())
                .unwrap()
        })
    };
    let texts_before = texts(app.db.clone()).await;

    // Device identifiers: three Navigators whose offboarding was opened,
    // each the last holder of kit. Of the first, closed long before t1, a
    // retired item is due and an item still in service is not; of the
    // second, closed lately, a lost item is not; of the third, still open,
    // a stolen item is not.
    let db = app.db.clone();
    let (due_device, kept_devices) = blocking(move || {
        let mut conn = db.get().unwrap();
        let c = &mut *conn;
        let leavers: Vec<String> = offboardings::table
            .select(offboardings::navigator_id)
            .order(offboardings::navigator_id)
            .load(c)
            .unwrap();
        let mut held_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let moves: Vec<(String, String)> = equipment_movements::table
            .filter(equipment_movements::navigator_id.is_not_null())
            .order((equipment_movements::at, equipment_movements::id))
            .select((
                equipment_movements::item_id,
                equipment_movements::navigator_id.assume_not_null(),
            ))
            .load(c)
            .unwrap();
        let mut last_holder: BTreeMap<String, String> = BTreeMap::new();
        for (item, navigator) in moves {
            last_holder.insert(item, navigator);
        }
        let identified: BTreeSet<String> = equipment_items::table
            .filter(
                equipment_items::serial
                    .is_not_null()
                    .or(equipment_items::imei.is_not_null())
                    .or(equipment_items::iccid.is_not_null())
                    .or(equipment_items::mailbox.is_not_null()),
            )
            .select(equipment_items::id)
            .load::<String>(c)
            .unwrap()
            .into_iter()
            .collect();
        for (item, navigator) in last_holder {
            if identified.contains(&item) {
                held_by.entry(navigator).or_default().push(item);
            }
        }
        let kit: Vec<(String, Vec<String>)> = leavers
            .into_iter()
            .filter_map(|n| held_by.get(&n).map(|items| (n, items.clone())))
            .filter(|(_, items)| items.len() >= 2)
            .take(3)
            .collect();
        assert_eq!(kit.len(), 3, "three leavers with identified kit");
        let close = |c: &mut persistence::DbConnection, navigator: &str, day: Option<NaiveDate>| {
            diesel::update(offboardings::table.filter(offboardings::navigator_id.eq(navigator)))
                .set(offboardings::closed_at.eq(day.and_then(|d| d.and_hms_opt(9, 0, 0))))
                .execute(c)
                .unwrap();
        };
        let state = |c: &mut persistence::DbConnection, item: &str, state: &str| {
            diesel::update(equipment_items::table.find(item))
                .set(equipment_items::state.eq(state))
                .execute(c)
                .unwrap();
        };
        close(c, &kit[0].0, Some(t1 - Days::new(400)));
        state(c, &kit[0].1[0], "retired");
        close(c, &kit[1].0, Some(t1 - Days::new(100)));
        state(c, &kit[1].1[0], "lost");
        close(c, &kit[2].0, None);
        state(c, &kit[2].1[0], "stolen");
        (
            kit[0].1[0].clone(),
            [
                kit[0].1[1].clone(),
                kit[1].1[0].clone(),
                kit[2].1[0].clone(),
            ],
        )
    })
    .await;

    // A dry run on t1 counts and changes nothing.
    let db = app.db.clone();
    let held = blocking(move || holdings(&db)).await;
    let dry = run_with(&app, t1, periods, true).await;
    let db = app.db.clone();
    assert_eq!(
        blocking(move || holdings(&db)).await,
        held,
        "a dry run changes nothing"
    );
    assert_eq!(dry.records(Category::Applications), due_applications.len());
    assert_eq!(dry.records(Category::Navigators), due_navigators.len());
    assert_eq!(dry.records(Category::OjtLogs), due_logs.len());
    assert_eq!(dry.records(Category::SentMail), 1);
    assert_eq!(dry.records(Category::LoginThrottle), 1);
    assert_eq!(dry.records(Category::DeviceIdentifiers), 1);
    assert_eq!(dry.records(Category::Questions), 1);

    // The run on t1.
    let done = run_with(&app, t1, periods, false).await;
    assert_eq!(
        done.counts, dry.counts,
        "the run does what the dry run counted"
    );
    let db = app.db.clone();
    let after = blocking(move || holdings(&db)).await;

    // Exactly the due applications (and the due Navigators' own) changed.
    let changed: BTreeSet<String> = held
        .applications
        .iter()
        .filter(|(id, p)| after.applications[*id] != **p)
        .map(|(id, _)| id.clone())
        .collect();
    let expected: BTreeSet<String> = due_applications
        .union(&navigator_applications)
        .cloned()
        .collect();
    assert_eq!(changed, expected);
    assert_eq!(after.applications.len(), held.applications.len());
    for id in &changed {
        let (first, last, cf, email, phone, born) = &after.applications[id];
        let (f0, l0, _, _, _, b0) = &held.applications[id];
        assert_eq!(first, &domain::selection::extract::initials(f0, ""));
        assert_eq!(last, &domain::selection::extract::initials("", l0));
        assert_eq!(cf, &domain::retention::pseudonym(id));
        assert!(email.ends_with("@erased.invalid"), "{email}");
        assert_eq!(phone, &None);
        assert_eq!(
            born,
            &NaiveDate::from_ymd_opt(chrono::Datelike::year(b0), 1, 1).unwrap()
        );
    }
    let navs_changed: BTreeSet<String> = held
        .navigators
        .iter()
        .filter(|(id, n)| after.navigators[*id] != **n)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(navs_changed, due_navigators);
    let logs_changed: BTreeSet<String> = held
        .ojt_clients
        .iter()
        .filter(|(id, c)| after.ojt_clients[*id] != **c)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(logs_changed, due_logs);
    assert_eq!(after.ojt_clients.len(), held.ojt_clients.len());
    // Only the retired item of the long-closed offboarding lost its
    // identifiers; the record of the item stays.
    let devices_changed: Vec<&String> = held
        .devices
        .iter()
        .filter(|(id, i)| after.devices[*id] != **i)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(devices_changed, [&due_device]);
    assert_eq!(after.devices[&due_device], (None, None, None, None, None));
    for kept in &kept_devices {
        assert_eq!(after.devices[kept], held.devices[kept], "{kept} kept");
        assert_ne!(after.devices[kept], (None, None, None, None, None));
    }
    assert_eq!(after.devices.len(), held.devices.len());
    let gone: BTreeSet<String> = held.mails.difference(&after.mails).cloned().collect();
    assert_eq!(gone, BTreeSet::from([old_mail]));
    let gone: Vec<String> = held
        .throttles
        .difference(&after.throttles)
        .cloned()
        .collect();
    assert_eq!(gone, ["email:vecchio@example.it"]);
    // Only the question settled long ago lost its text.
    let texts_after = texts(app.db.clone()).await;
    let erased: Vec<&str> = texts_before
        .iter()
        .zip(&texts_after)
        .filter(|(b, a)| b != a)
        .map(|(_, (id, text))| {
            assert_eq!(text, persistence::retention::ERASED_TEXT);
            id.as_str()
        })
        .collect();
    assert_eq!(erased, ["question-settled-long-ago"]);
    // The audit log keeps every line, and one more per batch.
    assert!(after.audit.is_superset(&held.audit));
    assert_eq!(after.audit.len(), held.audit.len() + done.batches);

    // The figures of past days are the same.
    for (day, before) in days.iter().zip(&figures) {
        let now = json_of(
            app.get(
                &format!("/reports/indicators?as_of={day}&group_by=province"),
                Some(&hr),
            )
            .await,
        )
        .await;
        assert_eq!(&now, before, "indicators as of {day}");
    }
    // The ranking lists the same positions and scores, names masked.
    let ranking_after = json_of(app.ranking(&hr, &selection, "RM", "").await).await;
    let (b, a) = (
        ranking_before["entries"].as_array().unwrap(),
        ranking_after["entries"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    let mut masked = 0;
    for (x, y) in b.iter().zip(a) {
        for key in [
            "position",
            "candidate_id",
            "application_no",
            "score",
            "status",
            "decided_by",
        ] {
            assert_eq!(x[key], y[key], "{key}");
        }
        let id = x["candidate_id"].as_str().unwrap();
        if expected.contains(id) {
            let name = x["full_name"].as_str().unwrap();
            let (first, last) = name.split_once(' ').unwrap();
            let initials = domain::selection::extract::initials(first, last);
            assert_eq!(y["full_name"].as_str().unwrap(), initials, "{name}");
            masked += 1;
        } else {
            assert_eq!(x["full_name"], y["full_name"]);
        }
    }
    assert!(masked > 0);

    // Run again: nothing more is due.
    let again = run_with(&app, t1, periods, false).await;
    assert!(again.counts.iter().all(|c| c.records == 0), "{again:?}");
}
both_engines!(
    a_run_erases_what_the_rules_say_and_nothing_else,
    |s: &mut api::config::Settings| s.today = Some(d(T0))
);

async fn hr_rectifies_contact_data_audited_and_masked_once_erased(app: TestApp) {
    let (db, settings) = (app.db.clone(), app.settings.clone());
    let accounts = blocking(move || {
        let demo = api::demo::seed_demo(&db, &settings).unwrap();
        api::demo::programme::seed_programme(&db, &settings, d(T0))
            .unwrap()
            .unwrap();
        demo.accounts
    })
    .await;
    let hr = hr_token(&app, &accounts).await;
    let admin = app.admin_token().await;
    let db = app.db.clone();
    let (id, before) = blocking(move || {
        let mut conn = db.get().unwrap();
        applications::table
            .filter(applications::state.eq("waiting"))
            .select((applications::id, applications::email))
            .first::<(String, String)>(&mut *conn)
            .unwrap()
    })
    .await;
    let path = format!("/applications/{id}/contact");
    let bad = app
        .client
        .patch(app.api(&path))
        .bearer_auth(&hr)
        .json(&json!({ "email": "non-una-mail", "phone": "12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await.unwrap();
    let text = body.to_string();
    assert!(
        text.contains("invalid-email") && text.contains("invalid-phone"),
        "{text}"
    );
    let ok = app
        .client
        .patch(app.api(&path))
        .bearer_auth(&hr)
        .json(&json!({ "email": "Nuovo.Indirizzo@Example.it", "phone": "+39 333 7654321" }))
        .send()
        .await
        .unwrap();
    let view = json_of(ok).await;
    assert_eq!(view["email"], "nuovo.indirizzo@example.it");
    assert_eq!(view["phone"], "+39 333 7654321");
    assert_eq!(view["changed"], json!(["email", "phone"]));
    let log = json_of(
        app.get(
            &format!("/audit?entity=application&entity_id={id}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    let lines = log["items"].as_array().or(log.as_array()).unwrap().clone();
    let line = lines
        .iter()
        .find(|l| l["action"] == "application.contact_rectified")
        .unwrap_or_else(|| panic!("{log}"));
    let text = line.to_string();
    assert!(
        text.contains(&before) && text.contains("nuovo.indirizzo@example.it"),
        "{text}"
    );

    // Once erased, the audit view no longer shows the addresses.
    let db = app.db.clone();
    let valid_until: NaiveDate = blocking(move || {
        rankings::table
            .select(diesel::dsl::max(rankings::valid_until))
            .first::<Option<NaiveDate>>(&mut *db.get().unwrap())
            .unwrap()
            .unwrap()
    })
    .await;
    let report = run_blocking(&app, valid_until + Days::new(366)).await;
    assert!(report.records(Category::Applications) > 0);
    let log = json_of(
        app.get(
            &format!("/audit?entity=application&entity_id={id}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    let text = log.to_string();
    assert!(text.contains("contact_rectified"), "{text}");
    assert!(
        !text.contains(&before) && !text.contains("nuovo.indirizzo"),
        "{text}"
    );
    assert!(text.contains(&domain::retention::pseudonym(&id)), "{text}");
    // And an erased application can no longer be rectified.
    let gone = app
        .client
        .patch(app.api(&path))
        .bearer_auth(&hr)
        .json(&json!({ "phone": "+39 333 1111111" }))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
both_engines!(
    hr_rectifies_contact_data_audited_and_masked_once_erased,
    |s: &mut api::config::Settings| s.today = Some(d(T0))
);

async fn run_blocking(app: &TestApp, today: NaiveDate) -> RetentionReport {
    run_with(app, today, |_| {}, false).await
}

/// A retention run (or a dry run) as of `today`, with `periods` set.
async fn run_with(
    app: &TestApp,
    today: NaiveDate,
    periods: impl FnOnce(&mut api::config::Settings) + Send + 'static,
    dry: bool,
) -> RetentionReport {
    let (mut s, db) = (app.settings.clone(), app.db.clone());
    blocking(move || {
        s.today = Some(today);
        periods(&mut s);
        api::app::retention::run(&db, Arc::new(s), dry)
            .unwrap()
            .unwrap()
    })
    .await
}

async fn the_service_runs_the_retention_itself_on_one_replica(app: TestApp) {
    let replica = app.replica().await;
    let db = app.db.clone();
    blocking(move || {
        db.get()
            .unwrap()
            .batch_execute(
                "INSERT INTO login_failures (throttle_key, failures, window_started_at, locked_until) \
                 VALUES ('email:vecchio@example.it', 3, '2019-05-01 10:00:00', NULL)",
            )
            .unwrap();
    })
    .await;
    let mut left = 1;
    for _ in 0..100 {
        let db = app.db.clone();
        left = blocking(move || {
            login_failures::table
                .count()
                .get_result::<i64>(&mut *db.get().unwrap())
                .unwrap()
        })
        .await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "the background run deleted the old record");
    // Both replicas check every second: the record went in one batch, once.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let db = app.db.clone();
    let lines = blocking(move || {
        audit_log::table
            .filter(audit_log::action.eq("retention.delete"))
            .filter(audit_log::entity_id.eq("login_throttle"))
            .count()
            .get_result::<i64>(&mut *db.get().unwrap())
            .unwrap()
    })
    .await;
    assert_eq!(lines, 1);
    drop(replica);
}
both_engines!(
    the_service_runs_the_retention_itself_on_one_replica,
    |s: &mut api::config::Settings| {
        s.today = Some(d("2021-01-01"));
        s.retention_every_seconds = 1;
    }
);
