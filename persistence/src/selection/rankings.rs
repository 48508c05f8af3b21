//! Rankings per province and their entries.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::selection::merit::DegreeGrade;
use domain::selection::{DecidedBy, RankingStatus};

use super::{stored_grade, ApplicationRow, INSERT_CHUNK};
use crate::connection::DbConnection;
use crate::error::{stored, Result};
use crate::schema::{applications, ranking_entries, rankings};
use crate::time::{new_id, now};

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

impl EntryRow {
    pub fn status(&self) -> Result<RankingStatus> {
        stored("ranking_entries.status", &self.status, RankingStatus::parse)
    }

    pub fn decided_by(&self) -> Result<DecidedBy> {
        stored(
            "ranking_entries.decided_by",
            &self.decided_by,
            DecidedBy::parse,
        )
    }

    pub fn degree_grade(&self) -> Result<DegreeGrade> {
        stored_grade(
            "ranking_entries.degree_grade",
            self.degree_grade,
            self.degree_honours,
        )
    }
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
