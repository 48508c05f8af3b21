//! Selections, their posts, applications and rankings.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::selection::application::NewApplication;
use domain::selection::settings::SelectionSettings;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::{
    applications, contracts, offers, provinces, ranking_entries, rankings, selection_posts,
    selections,
};
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = selections)]
pub struct SelectionRow {
    pub id: String,
    pub code: String,
    pub title: String,
    pub published_on: NaiveDate,
    pub questions: i64,
    pub pass_mark: i64,
    pub wrong_penalty_hundredths: i64,
    pub admission_multiplier: i64,
    pub offer_days: i64,
    pub ranking_valid_months: i64,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_end: NaiveDate,
    pub decline_is_final: bool,
    pub admission_done_at: Option<chrono::NaiveDateTime>,
    pub rankings_published_on: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl SelectionRow {
    pub fn scoring(&self) -> domain::selection::ScoringRules {
        domain::selection::ScoringRules {
            questions: self.questions,
            wrong_penalty: self.wrong_penalty_hundredths,
            pass_mark: self.pass_mark,
        }
    }
}

pub fn insert_selection(conn: &mut DbConnection, s: &SelectionSettings) -> Result<SelectionRow> {
    let id = new_id();
    diesel::insert_into(selections::table)
        .values((
            selections::id.eq(&id),
            selections::code.eq(&s.code),
            selections::title.eq(&s.title),
            selections::published_on.eq(s.published_on),
            selections::questions.eq(s.scoring.questions),
            selections::pass_mark.eq(s.scoring.pass_mark),
            selections::wrong_penalty_hundredths.eq(s.scoring.wrong_penalty),
            selections::admission_multiplier.eq(s.admission_multiplier),
            selections::offer_days.eq(s.offer_days),
            selections::ranking_valid_months.eq(s.ranking_valid_months),
            selections::annual_pay_cents.eq(s.annual_pay_cents),
            selections::monthly_expenses_cents.eq(s.monthly_expenses_cents),
            selections::contract_end.eq(s.contract_end),
            selections::decline_is_final.eq(s.decline_is_final),
            selections::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_selection(conn, &id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("selection {id} vanished")))
}

pub fn get_selection(conn: &mut DbConnection, id: &str) -> Result<Option<SelectionRow>> {
    Ok(selections::table
        .select(SelectionRow::as_select())
        .filter(selections::id.eq(id))
        .first(conn)
        .optional()?)
}

/// Selections newest first (ids grow with time), those before `before_id`.
pub fn list_selections(
    conn: &mut DbConnection,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<SelectionRow>> {
    let mut q = selections::table
        .select(SelectionRow::as_select())
        .into_boxed();
    if let Some(b) = before_id {
        q = q.filter(selections::id.lt(b.to_owned()));
    }
    Ok(q.order(selections::id.desc()).limit(limit).load(conn)?)
}

pub fn mark_admission_done(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(selections::table.filter(selections::id.eq(id)))
        .set(selections::admission_done_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}

pub fn mark_published(conn: &mut DbConnection, id: &str, on: NaiveDate) -> Result<()> {
    diesel::update(selections::table.filter(selections::id.eq(id)))
        .set(selections::rankings_published_on.eq(Some(on)))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = selection_posts)]
pub struct PostsRow {
    pub selection_id: String,
    pub province_sigla: String,
    pub posts: i64,
    pub filled: i64,
    pub pending: i64,
}

/// The posts of every province, with its Region.
pub fn posts(
    conn: &mut DbConnection,
    selection_id: &str,
    region: Option<&str>,
) -> Result<Vec<(PostsRow, String)>> {
    let mut q = selection_posts::table
        .inner_join(provinces::table.on(provinces::sigla.eq(selection_posts::province_sigla)))
        .select((PostsRow::as_select(), provinces::region_code))
        .filter(selection_posts::selection_id.eq(selection_id))
        .into_boxed();
    if let Some(r) = region {
        q = q.filter(provinces::region_code.eq(r.to_owned()));
    }
    Ok(q.order(selection_posts::province_sigla).load(conn)?)
}

/// The accepted offers of a selection whose contract is not signed (not
/// drafted yet, or a draft) and still holds its seat, counted per province
/// as `(province, count)`. They are part of the `filled` counter, which
/// holds every accepted seat.
pub fn accepted_unsigned(
    conn: &mut DbConnection,
    selection_id: &str,
) -> Result<Vec<(String, i64)>> {
    Ok(offers::table
        .left_join(contracts::table.on(contracts::offer_id.eq(offers::id)))
        .filter(offers::selection_id.eq(selection_id))
        .filter(offers::status.eq("accepted"))
        .filter(contracts::signed_on.is_null())
        .filter(contracts::seat_released_on.is_null())
        .group_by(offers::province_sigla)
        .select((offers::province_sigla, diesel::dsl::count_star()))
        .load(conn)?)
}

pub fn posts_of(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
) -> Result<Option<PostsRow>> {
    Ok(selection_posts::table
        .select(PostsRow::as_select())
        .filter(selection_posts::selection_id.eq(selection_id))
        .filter(selection_posts::province_sigla.eq(province))
        .first(conn)
        .optional()?)
}

/// Sets the posts of the listed provinces; the others keep theirs. Lowering
/// posts below the seats already taken fails on the table's check.
pub fn set_posts(
    conn: &mut DbConnection,
    selection_id: &str,
    posts: &[(String, i64)],
) -> Result<()> {
    for (province, n) in posts {
        let updated = diesel::update(
            selection_posts::table
                .filter(selection_posts::selection_id.eq(selection_id))
                .filter(selection_posts::province_sigla.eq(province)),
        )
        .set(selection_posts::posts.eq(n))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(selection_posts::table)
                .values((
                    selection_posts::selection_id.eq(selection_id),
                    selection_posts::province_sigla.eq(province),
                    selection_posts::posts.eq(n),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Moves a province's seat counters; the table's check refuses any move that
/// would break `filled + pending <= posts`.
pub fn move_seats(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
    filled: i64,
    pending: i64,
) -> Result<()> {
    diesel::update(
        selection_posts::table
            .filter(selection_posts::selection_id.eq(selection_id))
            .filter(selection_posts::province_sigla.eq(province)),
    )
    .set((
        selection_posts::filled.eq(selection_posts::filled + filled),
        selection_posts::pending.eq(selection_posts::pending + pending),
    ))
    .execute(conn)?;
    Ok(())
}

/// Holds one vacant seat for a call. `false` when none is vacant: the
/// condition is evaluated by the database on the row it locks, so concurrent
/// calls from any number of processes never overfill a province.
pub fn hold_seat(conn: &mut DbConnection, selection_id: &str, province: &str) -> Result<bool> {
    let n = diesel::update(
        selection_posts::table
            .filter(selection_posts::selection_id.eq(selection_id))
            .filter(selection_posts::province_sigla.eq(province))
            .filter(
                (selection_posts::filled + selection_posts::pending).lt(selection_posts::posts),
            ),
    )
    .set(selection_posts::pending.eq(selection_posts::pending + 1))
    .execute(conn)?;
    Ok(n == 1)
}

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

/// Rows per multi-row insert: SQLite binds at most 32,766 parameters.
const INSERT_CHUNK: usize = 1000;

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

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = rankings)]
pub struct RankingRow {
    pub id: String,
    pub selection_id: String,
    pub province_sigla: String,
    pub version: i64,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub posts: i64,
    pub reason: Option<String>,
    pub created_by: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ranking_entries)]
pub struct EntryRow {
    pub ranking_id: String,
    pub position: i64,
    pub application_id: String,
    pub score_hundredths: i64,
    pub degree_grade: i64,
    pub degree_honours: bool,
    pub birth_date: NaiveDate,
    pub status: String,
    pub decided_by: String,
}

pub struct NewRanking<'a> {
    pub selection_id: &'a str,
    pub province: &'a str,
    pub version: i64,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub posts: i64,
    pub reason: Option<&'a str>,
    pub created_by: Option<&'a str>,
}

pub struct NewEntry {
    pub position: i64,
    pub application_id: String,
    pub score_hundredths: i64,
    pub degree_grade: i64,
    pub degree_honours: bool,
    pub birth_date: NaiveDate,
    pub status: &'static str,
    pub decided_by: &'static str,
}

/// One stored position of a ranking, as it is written.
#[derive(Insertable)]
#[diesel(table_name = ranking_entries)]
#[diesel(treat_none_as_default_value = false)]
struct StoredEntry<'a> {
    ranking_id: &'a str,
    position: i64,
    application_id: &'a str,
    score_hundredths: i64,
    degree_grade: i64,
    degree_honours: bool,
    birth_date: NaiveDate,
    status: &'a str,
    decided_by: &'a str,
}

/// Stores rankings with their entries; the caller's transaction makes it
/// all or nothing.
pub fn insert_rankings(
    conn: &mut DbConnection,
    rankings_with_entries: &[(NewRanking<'_>, Vec<NewEntry>)],
) -> Result<()> {
    let created_at = now();
    let ids: Vec<String> = rankings_with_entries.iter().map(|_| new_id()).collect();
    let heads: Vec<_> = rankings_with_entries
        .iter()
        .zip(&ids)
        .map(|((r, _), id)| {
            (
                rankings::id.eq(id),
                rankings::selection_id.eq(r.selection_id),
                rankings::province_sigla.eq(r.province),
                rankings::version.eq(r.version),
                rankings::published_on.eq(r.published_on),
                rankings::valid_until.eq(r.valid_until),
                rankings::posts.eq(r.posts),
                rankings::reason.eq(r.reason),
                rankings::created_by.eq(r.created_by),
                rankings::created_at.eq(created_at),
            )
        })
        .collect();
    for chunk in heads.chunks(INSERT_CHUNK) {
        crate::per_engine!(conn, c => diesel::insert_into(rankings::table).values(chunk).execute(c))?;
    }
    let rows: Vec<StoredEntry<'_>> = rankings_with_entries
        .iter()
        .zip(&ids)
        .flat_map(|((_, entries), id)| {
            entries.iter().map(move |e| StoredEntry {
                ranking_id: id,
                position: e.position,
                application_id: &e.application_id,
                score_hundredths: e.score_hundredths,
                degree_grade: e.degree_grade,
                degree_honours: e.degree_honours,
                birth_date: e.birth_date,
                status: e.status,
                decided_by: e.decided_by,
            })
        })
        .collect();
    match conn {
        // One binary COPY for every entry of every province: the keys and
        // foreign keys are checked as for an INSERT, without a statement
        // per thousand rows.
        DbConnection::Postgresql(c) => {
            diesel::copy_from(ranking_entries::table)
                .from_insertable(rows)
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            for chunk in rows.chunks(INSERT_CHUNK) {
                diesel::insert_into(ranking_entries::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// The newest version of a province's ranking, or the one asked for.
pub fn ranking(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
    version: Option<i64>,
) -> Result<Option<RankingRow>> {
    let mut q = rankings::table
        .select(RankingRow::as_select())
        .filter(rankings::selection_id.eq(selection_id))
        .filter(rankings::province_sigla.eq(province))
        .into_boxed();
    if let Some(v) = version {
        q = q.filter(rankings::version.eq(v));
    }
    Ok(q.order(rankings::version.desc()).first(conn).optional()?)
}

pub fn ranking_versions(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
) -> Result<Vec<RankingRow>> {
    Ok(rankings::table
        .select(RankingRow::as_select())
        .filter(rankings::selection_id.eq(selection_id))
        .filter(rankings::province_sigla.eq(province))
        .order(rankings::version)
        .load(conn)?)
}

/// The newest version of every province's ranking of a selection.
pub fn current_rankings(conn: &mut DbConnection, selection_id: &str) -> Result<Vec<RankingRow>> {
    let all: Vec<RankingRow> = rankings::table
        .select(RankingRow::as_select())
        .filter(rankings::selection_id.eq(selection_id))
        .order((rankings::province_sigla, rankings::version.desc()))
        .load(conn)?;
    let mut out: Vec<RankingRow> = Vec::new();
    for r in all {
        if out
            .last()
            .is_none_or(|l| l.province_sigla != r.province_sigla)
        {
            out.push(r);
        }
    }
    Ok(out)
}

/// A ranking's entries in order, each with its application.
pub fn entries(
    conn: &mut DbConnection,
    ranking_id: &str,
) -> Result<Vec<(EntryRow, ApplicationRow)>> {
    Ok(ranking_entries::table
        .inner_join(applications::table)
        .select((EntryRow::as_select(), ApplicationRow::as_select()))
        .filter(ranking_entries::ranking_id.eq(ranking_id))
        .order(ranking_entries::position)
        .load(conn)?)
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
