//! The records the retention rules judge, and what a run does to those due
//! (see `domain::retention`). Finding reads the facts of every record not
//! yet erased and lets the domain decide; disposing takes the ids of one
//! batch and is run by the caller in one transaction, so a batch is all
//! or nothing.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::dsl::max;
use diesel::prelude::*;
use domain::retention::{pseudonymise, Category, Facts, RetentionRules};

use crate::audit::AuditRow;
use crate::connection::{Database, DbConnection};
use crate::error::Result;
use crate::schema::{
    applications, contracts, equipment_items, equipment_movements, erasures, login_failures,
    mail_outbox, navigators, offboardings, ojt_logs, question_messages, questions, rankings,
    retention_lease, users,
};

/// What a question's text and its messages hold once pseudonymised.
pub const ERASED_TEXT: &str = "[testo cancellato per decorso dei termini di conservazione]";
/// What an on-the-job log's client id starts with once pseudonymised.
const ERASED_CLIENT: &str = "erased-";
/// What an on-the-job log's activity holds once pseudonymised.
const ERASED_ACTIVITY: &str = "-";
/// Equipment states from which an item never goes back to anyone.
const OUT_OF_SERVICE: [&str; 4] = ["lost", "stolen", "broken", "retired"];

/// Ids handed to one statement's `IN (...)` at most.
const IN_LIST: usize = 500;

/// The day of a stored instant (UTC; a day's shift at midnight does not
/// matter against periods of months and years).
fn day_of(t: NaiveDateTime) -> NaiveDate {
    t.date()
}

fn erased(conn: &mut DbConnection, subject: &str) -> Result<HashSet<String>> {
    Ok(erasures::table
        .filter(erasures::subject.eq(subject))
        .select(erasures::subject_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// The ids due in `category` on `today`, in a stable order.
pub fn find_due(
    conn: &mut DbConnection,
    category: Category,
    rules: &RetentionRules,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let due = |facts: &Facts| rules.verdict(facts, today).is_some();
    let mut ids = match category {
        Category::Applications => {
            let done = erased(conn, "application")?;
            let hired: HashSet<String> = navigators::table
                .select(navigators::application_id)
                .load::<String>(conn)?
                .into_iter()
                .collect();
            let valid: HashMap<String, Option<NaiveDate>> = rankings::table
                .group_by(rankings::selection_id)
                .select((rankings::selection_id, max(rankings::valid_until)))
                .load::<(String, Option<NaiveDate>)>(conn)?
                .into_iter()
                .collect();
            applications::table
                .select((
                    applications::id,
                    applications::selection_id,
                    applications::state,
                ))
                .load::<(String, String, String)>(conn)?
                .into_iter()
                .filter(|(id, selection, state)| {
                    !done.contains(id)
                        && due(&Facts::Application {
                            hired: hired.contains(id),
                            in_progress: matches!(state.as_str(), "offered" | "accepted"),
                            rankings_valid_until: valid.get(selection).copied().flatten(),
                        })
                })
                .map(|(id, _, _)| id)
                .collect()
        }
        Category::Navigators => {
            let done = erased(conn, "navigator")?;
            contracts_over(conn)?
                .into_iter()
                .filter(|(id, over)| {
                    !done.contains(id)
                        && due(&Facts::Navigator {
                            contracts_over_on: *over,
                        })
                })
                .map(|(id, _)| id)
                .collect()
        }
        Category::OjtLogs => {
            let navigators: Vec<String> = contracts_over(conn)?
                .into_iter()
                .filter(|(_, over)| {
                    due(&Facts::OjtLog {
                        contracts_over_on: *over,
                    })
                })
                .map(|(id, _)| id)
                .collect();
            let mut ids = Vec::new();
            for chunk in navigators.chunks(IN_LIST) {
                ids.extend(
                    ojt_logs::table
                        .filter(ojt_logs::navigator_id.eq_any(chunk))
                        .filter(ojt_logs::client_id.not_like(format!("{ERASED_CLIENT}%")))
                        .select(ojt_logs::id)
                        .load::<String>(conn)?,
                );
            }
            ids
        }
        Category::DeviceIdentifiers => {
            let items: Vec<String> = equipment_items::table
                .filter(equipment_items::state.eq_any(OUT_OF_SERVICE))
                .filter(
                    equipment_items::serial
                        .is_not_null()
                        .or(equipment_items::imei.is_not_null())
                        .or(equipment_items::iccid.is_not_null())
                        .or(equipment_items::phone_number.is_not_null())
                        .or(equipment_items::mailbox.is_not_null()),
                )
                .select(equipment_items::id)
                .load(conn)?;
            let closed: HashMap<String, Option<NaiveDateTime>> = offboardings::table
                .group_by(offboardings::navigator_id)
                .select((offboardings::navigator_id, max(offboardings::closed_at)))
                .load::<(String, Option<NaiveDateTime>)>(conn)?
                .into_iter()
                .collect();
            let mut last_holder: HashMap<String, String> = HashMap::new();
            for chunk in items.chunks(IN_LIST) {
                let moves: Vec<(String, Option<String>)> = equipment_movements::table
                    .filter(equipment_movements::item_id.eq_any(chunk))
                    .filter(equipment_movements::navigator_id.is_not_null())
                    .order((equipment_movements::at, equipment_movements::id))
                    .select((
                        equipment_movements::item_id,
                        equipment_movements::navigator_id,
                    ))
                    .load(conn)?;
                for (item, navigator) in moves {
                    if let Some(navigator) = navigator {
                        last_holder.insert(item, navigator);
                    }
                }
            }
            items
                .into_iter()
                .filter(|item| {
                    let closed_on = last_holder
                        .get(item)
                        .and_then(|n| closed.get(n).copied().flatten())
                        .map(day_of);
                    due(&Facts::DeviceIdentifiers {
                        out_of_service: true,
                        offboarding_closed_on: closed_on,
                    })
                })
                .collect()
        }
        Category::Questions => questions::table
            .filter(questions::settled_at.is_not_null())
            .filter(questions::text.ne(ERASED_TEXT))
            .select((questions::id, questions::settled_at))
            .load::<(String, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .filter(|(_, settled)| {
                due(&Facts::Question {
                    settled_on: settled.map(day_of),
                })
            })
            .map(|(id, _)| id)
            .collect(),
        Category::SentMail => {
            // Only what could be due is read: the outbox is the largest table.
            let by = rules
                .started_by(category, today)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
                .and_hms_opt(0, 0, 0)
                .unwrap_or(NaiveDateTime::MAX);
            mail_outbox::table
                .filter(
                    mail_outbox::sent_at
                        .lt(by)
                        .or(mail_outbox::failed_at.lt(by)),
                )
                .select((
                    mail_outbox::id,
                    mail_outbox::sent_at,
                    mail_outbox::failed_at,
                ))
                .load::<(String, Option<NaiveDateTime>, Option<NaiveDateTime>)>(conn)?
                .into_iter()
                .filter(|(_, sent, failed)| {
                    due(&Facts::SentMail {
                        done_on: sent.or(*failed).map(day_of),
                    })
                })
                .map(|(id, _, _)| id)
                .collect()
        }
        Category::LoginThrottle => login_failures::table
            .select((
                login_failures::throttle_key,
                login_failures::window_started_at,
                login_failures::locked_until,
            ))
            .load::<(String, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .filter(|(_, window, locked)| {
                due(&Facts::LoginThrottle {
                    quiet_since: day_of((*window).max(locked.unwrap_or(*window))),
                })
            })
            .map(|(key, _, _)| key)
            .collect(),
    };
    ids.sort();
    Ok(ids)
}

/// Every Navigator with the last day of their last contract (`None`
/// without a contract).
fn contracts_over(conn: &mut DbConnection) -> Result<Vec<(String, Option<NaiveDate>)>> {
    let mut over: HashMap<String, Option<NaiveDate>> = navigators::table
        .select(navigators::id)
        .load::<String>(conn)?
        .into_iter()
        .map(|id| (id, None))
        .collect();
    let rows: Vec<(String, NaiveDate, Option<NaiveDate>, Option<NaiveDate>)> = contracts::table
        .select((
            contracts::navigator_id,
            contracts::end_date,
            contracts::end_effective_on,
            contracts::cancelled_on,
        ))
        .load(conn)?;
    for (navigator, end, early, cancelled) in rows {
        let last = cancelled.or(early).unwrap_or(end);
        let slot = over.entry(navigator).or_insert(None);
        *slot = Some(slot.map_or(last, |d| d.max(last)));
    }
    Ok(over.into_iter().collect())
}

/// Pseudonymises or deletes the records `ids` of `category`; run it in a
/// transaction. Records already done are skipped. Returns how many changed.
pub fn dispose(
    conn: &mut DbConnection,
    category: Category,
    ids: &[String],
    today: NaiveDate,
    rules: &RetentionRules,
) -> Result<usize> {
    let mut changed = 0;
    for chunk in ids.chunks(IN_LIST) {
        changed += match category {
            Category::Applications => pseudonymise_applications(conn, chunk, today)?,
            Category::Navigators => pseudonymise_navigators(conn, chunk, today)?,
            Category::OjtLogs => diesel::update(
                ojt_logs::table
                    .filter(ojt_logs::id.eq_any(chunk))
                    .filter(ojt_logs::client_id.not_like(format!("{ERASED_CLIENT}%"))),
            )
            .set((
                ojt_logs::client_id.eq(diesel::dsl::sql::<diesel::sql_types::Text>(&format!(
                    "'{ERASED_CLIENT}' || id"
                ))),
                ojt_logs::activity.eq(ERASED_ACTIVITY),
            ))
            .execute(conn)?,
            Category::DeviceIdentifiers => diesel::update(
                equipment_items::table
                    .filter(equipment_items::id.eq_any(chunk))
                    .filter(equipment_items::state.eq_any(OUT_OF_SERVICE)),
            )
            .set((
                equipment_items::serial.eq(None::<String>),
                equipment_items::imei.eq(None::<String>),
                equipment_items::iccid.eq(None::<String>),
                equipment_items::phone_number.eq(None::<String>),
                equipment_items::mailbox.eq(None::<String>),
            ))
            .execute(conn)?,
            Category::Questions => {
                diesel::update(
                    question_messages::table.filter(question_messages::question_id.eq_any(chunk)),
                )
                .set(question_messages::body.eq(ERASED_TEXT))
                .execute(conn)?;
                diesel::update(
                    questions::table
                        .filter(questions::id.eq_any(chunk))
                        .filter(questions::settled_at.is_not_null()),
                )
                .set(questions::text.eq(ERASED_TEXT))
                .execute(conn)?
            }
            Category::SentMail => diesel::delete(
                mail_outbox::table
                    .filter(mail_outbox::id.eq_any(chunk))
                    .filter(
                        mail_outbox::sent_at
                            .is_not_null()
                            .or(mail_outbox::failed_at.is_not_null()),
                    ),
            )
            .execute(conn)?,
            Category::LoginThrottle => {
                // A failure since the records were found keeps its record.
                let by = rules
                    .started_by(category, today)
                    .succ_opt()
                    .unwrap_or(NaiveDate::MAX)
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or(NaiveDateTime::MAX);
                diesel::delete(
                    login_failures::table
                        .filter(login_failures::throttle_key.eq_any(chunk))
                        .filter(login_failures::window_started_at.lt(by))
                        .filter(
                            login_failures::locked_until
                                .is_null()
                                .or(login_failures::locked_until.lt(by)),
                        ),
                )
                .execute(conn)?
            }
        };
    }
    Ok(changed)
}

fn record_erasure(
    conn: &mut DbConnection,
    subject: &str,
    id: &str,
    alias: &str,
    category: Category,
    today: NaiveDate,
) -> Result<()> {
    let there = erasures::table
        .filter(erasures::subject.eq(subject))
        .filter(erasures::subject_id.eq(id))
        .count()
        .get_result::<i64>(conn)?;
    if there > 0 {
        return Ok(());
    }
    diesel::insert_into(erasures::table)
        .values((
            erasures::subject.eq(subject),
            erasures::subject_id.eq(id),
            erasures::pseudonym.eq(alias),
            erasures::category.eq(category.as_str()),
            erasures::erased_on.eq(today),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the identity an application holds; `alias_of` is the id the
/// pseudonym comes from (the application's own: one person, one pseudonym).
fn pseudonymise_application(
    conn: &mut DbConnection,
    id: &str,
    category: Category,
    today: NaiveDate,
) -> Result<Option<String>> {
    let row: Option<(String, String, NaiveDate)> = applications::table
        .filter(applications::id.eq(id))
        .select((
            applications::first_name,
            applications::last_name,
            applications::birth_date,
        ))
        .first(conn)
        .optional()?;
    let Some((first, last, birth)) = row else {
        return Ok(None);
    };
    let p = pseudonymise(id, &first, &last, Some(birth));
    diesel::update(applications::table.filter(applications::id.eq(id)))
        .set((
            applications::first_name.eq(&p.first_name),
            applications::last_name.eq(&p.last_name),
            applications::codice_fiscale.eq(&p.codice_fiscale),
            applications::email.eq(&p.email),
            applications::phone.eq(None::<String>),
            applications::birth_date.eq(p.birth_date.unwrap_or(birth)),
        ))
        .execute(conn)?;
    let alias = label(&p.first_name, &p.last_name, &p.codice_fiscale);
    record_erasure(conn, "application", id, &alias, category, today)?;
    Ok(Some(alias))
}

/// What the audit view shows for an erased person: initials and pseudonym.
fn label(first: &str, last: &str, alias: &str) -> String {
    format!("{first} {last} ({alias})")
}

fn pseudonymise_applications(
    conn: &mut DbConnection,
    ids: &[String],
    today: NaiveDate,
) -> Result<usize> {
    let done = erasures::table
        .filter(erasures::subject.eq("application"))
        .filter(erasures::subject_id.eq_any(ids))
        .select(erasures::subject_id)
        .load::<String>(conn)?;
    let mut n = 0;
    for id in ids.iter().filter(|id| !done.contains(id)) {
        if pseudonymise_application(conn, id, Category::Applications, today)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

fn pseudonymise_navigators(
    conn: &mut DbConnection,
    ids: &[String],
    today: NaiveDate,
) -> Result<usize> {
    let done = erasures::table
        .filter(erasures::subject.eq("navigator"))
        .filter(erasures::subject_id.eq_any(ids))
        .select(erasures::subject_id)
        .load::<String>(conn)?;
    let rows: Vec<(String, String)> = navigators::table
        .filter(navigators::id.eq_any(ids))
        .select((navigators::id, navigators::application_id))
        .load(conn)?;
    let category = Category::Navigators;
    let mut n = 0;
    for (id, application) in rows.into_iter().filter(|(id, _)| !done.contains(id)) {
        let Some(alias) = pseudonymise_application(conn, &application, category, today)? else {
            continue;
        };
        let p: (String, String, String, String) = applications::table
            .filter(applications::id.eq(&application))
            .select((
                applications::first_name,
                applications::last_name,
                applications::codice_fiscale,
                applications::email,
            ))
            .first(conn)?;
        diesel::update(navigators::table.filter(navigators::id.eq(&id)))
            .set((
                navigators::first_name.eq(&p.0),
                navigators::last_name.eq(&p.1),
                navigators::codice_fiscale.eq(&p.2),
                navigators::email.eq(&p.3),
            ))
            .execute(conn)?;
        record_erasure(conn, "navigator", &id, &alias, category, today)?;
        let accounts: Vec<String> = users::table
            .filter(users::navigator_id.eq(&id))
            .select(users::id)
            .load(conn)?;
        for user in accounts {
            // The account cannot be used again: no password, not active.
            diesel::update(users::table.filter(users::id.eq(&user)))
                .set((
                    users::email.eq(format!(
                        "{}@erased.invalid",
                        domain::retention::pseudonym(&user).to_ascii_lowercase()
                    )),
                    users::password_hash.eq(None::<String>),
                    users::active.eq(false),
                ))
                .execute(conn)?;
            record_erasure(conn, "user", &user, &alias, category, today)?;
        }
        n += 1;
    }
    Ok(n)
}

/// The keys of an audit line's states that may name a person.
const PERSONAL_KEYS: [&str; 16] = [
    "first_name",
    "last_name",
    "full_name",
    "codice_fiscale",
    "email",
    "phone",
    "birth_date",
    "address",
    "recipient",
    "client_id",
    "activity",
    "mailbox",
    "imei",
    "iccid",
    "serial",
    "phone_number",
];

/// Masks, in audit lines that concern an erased person (the line's entity,
/// or any id its states hold), what their states say of a person: the
/// audit log is append-only, so its display hides what the records no
/// longer show.
pub fn mask_erased(conn: &mut DbConnection, mut rows: Vec<AuditRow>) -> Result<Vec<AuditRow>> {
    let parsed: Vec<[Option<serde_json::Value>; 2]> = rows
        .iter()
        .map(|r| {
            [&r.before_json, &r.after_json]
                .map(|j| j.as_deref().and_then(|j| serde_json::from_str(j).ok()))
        })
        .collect();
    let mut named: HashSet<String> = rows.iter().map(|r| r.entity_id.clone()).collect();
    for states in &parsed {
        for state in states.iter().flatten() {
            strings(state, &mut named);
        }
    }
    // Only UUIDs can be the ids of persons.
    let named: Vec<String> = named
        .into_iter()
        .filter(|s| uuid::Uuid::parse_str(s).is_ok())
        .collect();
    let mut aliases: HashMap<String, String> = HashMap::new();
    for chunk in named.chunks(IN_LIST) {
        aliases.extend(
            erasures::table
                .filter(erasures::subject_id.eq_any(chunk))
                .select((erasures::subject_id, erasures::pseudonym))
                .load::<(String, String)>(conn)?,
        );
    }
    if aliases.is_empty() {
        return Ok(rows);
    }
    for (row, states) in rows.iter_mut().zip(parsed) {
        let mut found = aliases.get(&row.entity_id).cloned();
        if found.is_none() {
            let mut inside = HashSet::new();
            for state in states.iter().flatten() {
                strings(state, &mut inside);
            }
            found = inside.iter().find_map(|s| aliases.get(s).cloned());
        }
        let Some(alias) = found else { continue };
        let [before, after] = states;
        for (slot, state) in [(&mut row.before_json, before), (&mut row.after_json, after)] {
            if let Some(mut state) = state {
                mask(&mut state, &alias);
                *slot = Some(state.to_string());
            }
        }
    }
    Ok(rows)
}

fn strings(value: &serde_json::Value, out: &mut HashSet<String>) {
    match value {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn mask(value: &mut serde_json::Value, alias: &str) {
    match value {
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mask(v, alias)),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if PERSONAL_KEYS.contains(&key.as_str()) && !v.is_null() {
                    *v = serde_json::Value::String(alias.to_owned());
                } else {
                    mask(v, alias);
                }
            }
        }
        _ => {}
    }
}

/// Takes the day's turn to run the retention in the background: true for
/// the one replica whose update moved the lease on, once `every` has
/// passed since the last run started.
pub fn take_turn(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    every: chrono::Duration,
) -> Result<bool> {
    let taken = diesel::update(
        retention_lease::table
            .filter(retention_lease::name.eq("daily"))
            .filter(retention_lease::started_at.le(now - every)),
    )
    .set(retention_lease::started_at.eq(now))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Any constant will do, as long as every replica uses the same one.
const RETENTION_LOCK: i64 = 0x4e41_5649_5245;

/// Runs `f` unless another process is running a retention (PostgreSQL: a
/// session advisory lock on a connection held meanwhile; SQLite serves one
/// process, whose runs the caller keeps apart). `None`: one is running.
pub fn exclusively<T>(db: &Database, f: impl FnOnce() -> T) -> Result<Option<T>> {
    let mut conn = db.get()?;
    match &mut *conn {
        DbConnection::Postgresql(c) => {
            let got: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "pg_try_advisory_lock({RETENTION_LOCK})"
            )))
            .get_result(c)?;
            if !got {
                return Ok(None);
            }
            let out = f();
            c.batch_execute(&format!("SELECT pg_advisory_unlock({RETENTION_LOCK})"))?;
            Ok(Some(out))
        }
        DbConnection::Sqlite(_) => Ok(Some(f())),
    }
}
