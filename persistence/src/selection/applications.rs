//! Applications: their import, admission, results and state.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::selection::application::NewApplication;
use domain::selection::merit::DegreeGrade;
use domain::selection::scorrimento::CandidateState;

use super::{stored_grade, INSERT_CHUNK};
use crate::connection::DbConnection;
use crate::error::{stored, Result};
use crate::schema::applications;
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: String,
    pub selection_id: String,
    pub application_no: String,
    pub codice_fiscale: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: String,
    pub phone: Option<String>,
    pub province_sigla: String,
    pub degree_class: String,
    pub degree_grade: i64,
    pub degree_honours: bool,
    pub admitted: bool,
    pub answers_right: Option<i64>,
    pub answers_wrong: Option<i64>,
    pub answers_blank: Option<i64>,
    pub score_hundredths: Option<i64>,
    pub state: String,
    pub state_reason: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl ApplicationRow {
    pub fn state(&self) -> Result<CandidateState> {
        stored("applications.state", &self.state, CandidateState::parse)
    }

    pub fn degree_grade(&self) -> Result<DegreeGrade> {
        stored_grade(
            "applications.degree_grade",
            self.degree_grade,
            self.degree_honours,
        )
    }
}

/// The codici fiscali and application numbers a selection already holds.
pub fn application_identities(
    conn: &mut DbConnection,
    selection_id: &str,
) -> Result<(HashSet<String>, HashSet<String>)> {
    let rows: Vec<(String, String)> = applications::table
        .select((applications::codice_fiscale, applications::application_no))
        .filter(applications::selection_id.eq(selection_id))
        .load(conn)?;
    Ok(rows.into_iter().unzip())
}

/// One row of `applications` as an import writes it; the columns left out
/// (admission, results, state) take their defaults.
#[derive(Insertable)]
#[diesel(table_name = applications)]
// `COPY` has no DEFAULT for a missing value: an absent phone is a NULL.
#[diesel(treat_none_as_default_value = false)]
struct ImportedApplication<'a> {
    id: String,
    selection_id: &'a str,
    application_no: &'a str,
    codice_fiscale: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    birth_date: NaiveDate,
    email: &'a str,
    phone: Option<&'a str>,
    province_sigla: &'a str,
    degree_class: &'a str,
    degree_grade: i64,
    degree_honours: bool,
    created_at: NaiveDateTime,
}

/// Inserts checked applications; the caller's transaction makes it all or
/// nothing.
pub fn insert_applications(
    conn: &mut DbConnection,
    selection_id: &str,
    apps: &[NewApplication],
) -> Result<usize> {
    let ts = now();
    let rows = apps.iter().map(|a| ImportedApplication {
        id: new_id(),
        selection_id,
        application_no: &a.application_no,
        codice_fiscale: a.codice_fiscale.as_str(),
        first_name: &a.first_name,
        last_name: &a.last_name,
        birth_date: a.birth_date,
        email: a.email.as_str(),
        phone: a.phone.as_deref(),
        province_sigla: a.province.as_str(),
        degree_class: &a.degree_class,
        degree_grade: a.degree.grade(),
        degree_honours: a.degree.honours(),
        created_at: ts,
    });
    match conn {
        // COPY FROM STDIN in the binary format: no statement to parse or
        // plan per batch, and no text conversion of the values; the table's
        // keys, checks and foreign keys hold exactly as for an INSERT.
        DbConnection::Postgresql(c) => Ok(diesel::copy_from(applications::table)
            .from_insertable(rows.collect::<Vec<_>>())
            .execute(c)?),
        // SQLite has no bulk path: multi-row statements, as many rows as
        // its bound-parameter limit allows (a cached single-row statement
        // measured slower).
        DbConnection::Sqlite(c) => {
            let rows: Vec<_> = rows.collect();
            let mut inserted = 0;
            for chunk in rows.chunks(INSERT_CHUNK) {
                inserted += diesel::insert_into(applications::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(inserted)
        }
    }
}

/// A selection's applications, of one province or of all.
pub fn list_applications(
    conn: &mut DbConnection,
    selection_id: &str,
    province: Option<&str>,
) -> Result<Vec<ApplicationRow>> {
    let mut q = applications::table
        .select(ApplicationRow::as_select())
        .filter(applications::selection_id.eq(selection_id))
        .into_boxed();
    if let Some(p) = province {
        q = q.filter(applications::province_sigla.eq(p));
    }
    Ok(q.load(conn)?)
}

/// What a ranking needs of an application.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub struct RankedCandidate {
    pub id: String,
    pub application_no: String,
    pub province_sigla: String,
    pub birth_date: NaiveDate,
    pub degree_grade: i64,
    pub degree_honours: bool,
    pub score_hundredths: Option<i64>,
}

impl RankedCandidate {
    pub fn degree_grade(&self) -> Result<DegreeGrade> {
        stored_grade(
            "applications.degree_grade",
            self.degree_grade,
            self.degree_honours,
        )
    }
}

/// A selection's admitted applications with a result, of one province or
/// of all: the candidates its rankings order.
pub fn ranked_candidates(
    conn: &mut DbConnection,
    selection_id: &str,
    province: Option<&str>,
) -> Result<Vec<RankedCandidate>> {
    let mut q = applications::table
        .select(RankedCandidate::as_select())
        .filter(applications::selection_id.eq(selection_id))
        .filter(applications::admitted.eq(true))
        .filter(applications::score_hundredths.is_not_null())
        .into_boxed();
    if let Some(p) = province {
        q = q.filter(applications::province_sigla.eq(p));
    }
    Ok(q.load(conn)?)
}

pub fn get_application(conn: &mut DbConnection, id: &str) -> Result<Option<ApplicationRow>> {
    Ok(applications::table
        .select(ApplicationRow::as_select())
        .filter(applications::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn set_admitted(
    conn: &mut DbConnection,
    selection_id: &str,
    admitted_ids: &[String],
) -> Result<()> {
    // Only rows that change: every needless row version slows the ranking
    // insert's key checks on PostgreSQL.
    diesel::update(
        applications::table
            .filter(applications::selection_id.eq(selection_id))
            .filter(applications::admitted.eq(true)),
    )
    .set(applications::admitted.eq(false))
    .execute(conn)?;
    for chunk in admitted_ids.chunks(INSERT_CHUNK) {
        diesel::update(applications::table.filter(applications::id.eq_any(chunk)))
            .set(applications::admitted.eq(true))
            .execute(conn)?;
    }
    Ok(())
}

pub struct ResultUpdate {
    pub id: String,
    pub right: i64,
    pub wrong: i64,
    pub blank: i64,
    pub score_hundredths: i64,
}

// Where results wait on PostgreSQL before one `UPDATE ... FROM` applies
// them; created and dropped inside the caller's transaction.
diesel::table! {
    result_updates (id) {
        id -> Text,
        answers_right -> BigInt,
        answers_wrong -> BigInt,
        answers_blank -> BigInt,
        score_hundredths -> BigInt,
    }
}

#[derive(Insertable)]
#[diesel(table_name = result_updates)]
#[diesel(treat_none_as_default_value = false)]
struct PendingResult<'a> {
    id: &'a str,
    answers_right: i64,
    answers_wrong: i64,
    answers_blank: i64,
    score_hundredths: i64,
}

pub fn set_results(conn: &mut DbConnection, results: &[ResultUpdate]) -> Result<()> {
    match conn {
        // One statement per result is a round trip each (20,000 results took
        // about 10 s); the results are copied into a temporary table and
        // applied by one join.
        DbConnection::Postgresql(c) => {
            diesel::sql_query(
                "CREATE TEMPORARY TABLE result_updates (id TEXT PRIMARY KEY, \
                 answers_right BIGINT NOT NULL, answers_wrong BIGINT NOT NULL, \
                 answers_blank BIGINT NOT NULL, score_hundredths BIGINT NOT NULL) \
                 ON COMMIT DROP",
            )
            .execute(c)?;
            diesel::copy_from(result_updates::table)
                .from_insertable(
                    results
                        .iter()
                        .map(|r| PendingResult {
                            id: &r.id,
                            answers_right: r.right,
                            answers_wrong: r.wrong,
                            answers_blank: r.blank,
                            score_hundredths: r.score_hundredths,
                        })
                        .collect::<Vec<_>>(),
                )
                .execute(c)?;
            diesel::sql_query(
                "UPDATE applications SET answers_right = r.answers_right, \
                 answers_wrong = r.answers_wrong, answers_blank = r.answers_blank, \
                 score_hundredths = r.score_hundredths \
                 FROM result_updates r WHERE applications.id = r.id",
            )
            .execute(c)?;
            diesel::sql_query("DROP TABLE result_updates").execute(c)?;
        }
        // In-process, a cached single-row statement costs no round trip.
        DbConnection::Sqlite(c) => {
            for r in results {
                diesel::update(applications::table.filter(applications::id.eq(&r.id)))
                    .set((
                        applications::answers_right.eq(Some(r.right)),
                        applications::answers_wrong.eq(Some(r.wrong)),
                        applications::answers_blank.eq(Some(r.blank)),
                        applications::score_hundredths.eq(Some(r.score_hundredths)),
                    ))
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Moves a candidate from `from` to `to`; `false` when they were not in
/// `from` any more (another request changed them first).
pub fn change_candidate_state(
    conn: &mut DbConnection,
    application_id: &str,
    from: &str,
    to: &str,
    reason: Option<&str>,
) -> Result<bool> {
    let n = diesel::update(
        applications::table
            .filter(applications::id.eq(application_id))
            .filter(applications::state.eq(from)),
    )
    .set((
        applications::state.eq(to),
        applications::state_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn list_applications_by_no(
    conn: &mut DbConnection,
    selection_id: &str,
    application_no: &str,
) -> Result<Option<ApplicationRow>> {
    Ok(applications::table
        .select(ApplicationRow::as_select())
        .filter(applications::selection_id.eq(selection_id))
        .filter(applications::application_no.eq(application_no))
        .first(conn)
        .optional()?)
}

/// A province's applications of a selection, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationCounts {
    pub applications: i64,
    pub admitted: i64,
    pub with_result: i64,
}

/// How many applications each province of a selection holds, how many were
/// admitted to the test and how many have a result; by province sigla.
pub fn application_counts(
    conn: &mut DbConnection,
    selection_id: &str,
) -> Result<std::collections::BTreeMap<String, ApplicationCounts>> {
    let of = applications::table
        .filter(applications::selection_id.eq(selection_id))
        .group_by(applications::province_sigla)
        .select((applications::province_sigla, diesel::dsl::count_star()));
    let all: Vec<(String, i64)> = of.load(conn)?;
    let admitted: Vec<(String, i64)> = of.filter(applications::admitted.eq(true)).load(conn)?;
    let with_result: Vec<(String, i64)> = of
        .filter(applications::score_hundredths.is_not_null())
        .load(conn)?;
    let mut out: std::collections::BTreeMap<String, ApplicationCounts> = all
        .into_iter()
        .map(|(p, n)| {
            let c = ApplicationCounts {
                applications: n,
                ..ApplicationCounts::default()
            };
            (p, c)
        })
        .collect();
    for (p, n) in admitted {
        out.entry(p).or_default().admitted = n;
    }
    for (p, n) in with_result {
        out.entry(p).or_default().with_result = n;
    }
    Ok(out)
}
