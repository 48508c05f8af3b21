//! The FAQ: entries with their current text, every version, the questions
//! each came from, and the search index of the published ones (the terms
//! the domain's Italian analyser makes, looked up by term on both engines
//! through one primary key).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use domain::faq::ranking::{Corpus, IndexedText, Posting};
use domain::faq::EntryText;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{faq_entries, faq_questions, faq_terms, faq_versions};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = faq_entries)]
pub struct EntryRow {
    pub id: String,
    pub topic: String,
    pub title: String,
    pub answer: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
    pub updated_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
    pub retired_by: Option<String>,
    #[serde(skip)]
    pub search_length: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = faq_versions)]
pub struct VersionRow {
    pub entry_id: String,
    pub version: i64,
    pub topic: String,
    pub title: String,
    pub answer: String,
    pub written_at: NaiveDateTime,
    pub written_by: Option<String>,
}

/// A new entry at version 1, its first version, and its terms in the index.
pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    text: &EntryText,
    indexed: &IndexedText,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(faq_entries::table)
        .values((
            faq_entries::id.eq(id),
            faq_entries::topic.eq(&text.topic),
            faq_entries::title.eq(&text.title),
            faq_entries::answer.eq(&text.answer),
            faq_entries::version.eq(1),
            faq_entries::created_at.eq(at),
            faq_entries::created_by.eq(by),
            faq_entries::updated_at.eq(at),
            faq_entries::search_length.eq(indexed.length),
        ))
        .execute(conn)?;
    insert_version(conn, id, 1, text, by, at)?;
    index(conn, id, &text.topic, indexed)
}

fn insert_version(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    text: &EntryText,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(faq_versions::table)
        .values((
            faq_versions::entry_id.eq(id),
            faq_versions::version.eq(version),
            faq_versions::topic.eq(&text.topic),
            faq_versions::title.eq(&text.title),
            faq_versions::answer.eq(&text.answer),
            faq_versions::written_at.eq(at),
            faq_versions::written_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rows per insert: five values each, far below either engine's limit
/// on bound values.
const TERMS_PER_INSERT: usize = 500;

/// The entry's terms in the index, in place of those it had.
fn index(conn: &mut DbConnection, id: &str, topic: &str, indexed: &IndexedText) -> Result<()> {
    unindex(conn, id)?;
    let rows: Vec<_> = indexed
        .weights
        .iter()
        .map(|(term, weight)| {
            (
                faq_terms::term.eq(term),
                faq_terms::entry_id.eq(id),
                faq_terms::topic.eq(topic),
                faq_terms::weight.eq(*weight),
                faq_terms::entry_length.eq(indexed.length),
            )
        })
        .collect();
    for chunk in rows.chunks(TERMS_PER_INSERT) {
        crate::per_engine!(conn, c => diesel::insert_into(faq_terms::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

fn unindex(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::delete(faq_terms::table.filter(faq_terms::entry_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Makes `text` the entry's next version, if the entry is still at
/// `version` and published; false otherwise (someone else edited or
/// retired it first), and nothing changes.
pub fn advance(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    text: &EntryText,
    indexed: &IndexedText,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        faq_entries::table
            .filter(faq_entries::id.eq(id))
            .filter(faq_entries::version.eq(version))
            .filter(faq_entries::retired_at.is_null()),
    )
    .set((
        faq_entries::version.eq(version + 1),
        faq_entries::topic.eq(&text.topic),
        faq_entries::title.eq(&text.title),
        faq_entries::answer.eq(&text.answer),
        faq_entries::updated_at.eq(at),
        faq_entries::search_length.eq(indexed.length),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    insert_version(conn, id, version + 1, text, by, at)?;
    index(conn, id, &text.topic, indexed)?;
    Ok(true)
}

/// Retires a published entry and takes it out of the index; false when it
/// was retired already.
pub fn retire(
    conn: &mut DbConnection,
    id: &str,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        faq_entries::table
            .filter(faq_entries::id.eq(id))
            .filter(faq_entries::retired_at.is_null()),
    )
    .set((
        faq_entries::retired_at.eq(Some(at)),
        faq_entries::retired_by.eq(by),
        faq_entries::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    unindex(conn, id)?;
    Ok(true)
}

/// Links the entry to these questions; a link it has already stays as it is.
pub fn link_questions(
    conn: &mut DbConnection,
    id: &str,
    questions: &[String],
    at: NaiveDateTime,
) -> Result<()> {
    let linked = questions_of(conn, id)?;
    let rows: Vec<_> = questions
        .iter()
        .filter(|q| !linked.contains(q))
        .map(|q| {
            (
                faq_questions::entry_id.eq(id),
                faq_questions::question_id.eq(q),
                faq_questions::linked_at.eq(at),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::per_engine!(conn, c => diesel::insert_into(faq_questions::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// The questions the entry came from, in the order they were linked.
pub fn questions_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>> {
    Ok(faq_questions::table
        .filter(faq_questions::entry_id.eq(id))
        .order((faq_questions::linked_at, faq_questions::question_id))
        .select(faq_questions::question_id)
        .load(conn)?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<EntryRow>> {
    Ok(faq_entries::table
        .filter(faq_entries::id.eq(id))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every version of the entry, the first first.
pub fn versions(conn: &mut DbConnection, id: &str) -> Result<Vec<VersionRow>> {
    Ok(faq_versions::table
        .filter(faq_versions::entry_id.eq(id))
        .order(faq_versions::version)
        .select(VersionRow::as_select())
        .load(conn)?)
}

/// Entries by id, in no particular order.
pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<EntryRow>> {
    Ok(faq_entries::table
        .filter(faq_entries::id.eq_any(ids))
        .select(EntryRow::as_select())
        .load(conn)?)
}

/// Published entries (of one topic, if given) after the id `after`, in id
/// order: the whole FAQ, page by page, for reading it offline.
pub fn list_published(
    conn: &mut DbConnection,
    topic: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<EntryRow>> {
    let mut q = faq_entries::table
        .filter(faq_entries::retired_at.is_null())
        .select(EntryRow::as_select())
        .order(faq_entries::id)
        .limit(limit)
        .into_boxed();
    if let Some(t) = topic {
        q = q.filter(faq_entries::topic.eq(t.to_owned()));
    }
    if let Some(a) = after {
        q = q.filter(faq_entries::id.gt(a.to_owned()));
    }
    Ok(q.load(conn)?)
}

/// Every index row of one of `terms` (of entries of `topic`, if given):
/// what the ranking needs, all of it.
pub fn postings(
    conn: &mut DbConnection,
    terms: &[String],
    topic: Option<&str>,
) -> Result<Vec<Posting<String>>> {
    let mut q = faq_terms::table
        .filter(faq_terms::term.eq_any(terms))
        .select((
            faq_terms::entry_id,
            faq_terms::term,
            faq_terms::weight,
            faq_terms::entry_length,
        ))
        .into_boxed();
    if let Some(t) = topic {
        q = q.filter(faq_terms::topic.eq(t.to_owned()));
    }
    let rows: Vec<(String, String, i64, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(entry, term, weight, length)| Posting {
            entry,
            term,
            weight,
            length,
        })
        .collect())
}

/// How many published entries there are (of `topic`, if given), and their
/// search lengths added up.
pub fn corpus(conn: &mut DbConnection, topic: Option<&str>) -> Result<Corpus> {
    // A sum of BIGINT is NUMERIC on PostgreSQL: cast back, on both engines.
    let totals =
        sql::<(BigInt, BigInt)>("COUNT(*), CAST(COALESCE(SUM(search_length), 0) AS BIGINT)");
    let mut q = faq_entries::table
        .filter(faq_entries::retired_at.is_null())
        .select(totals)
        .into_boxed();
    if let Some(t) = topic {
        q = q.filter(faq_entries::topic.eq(t.to_owned()));
    }
    let (entries, total_length): (i64, i64) = q.first(conn)?;
    Ok(Corpus {
        entries,
        total_length,
    })
}
