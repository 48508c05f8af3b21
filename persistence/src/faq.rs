//! The FAQ: entries with their current text, every version, the questions
//! each came from, and the search index of the published ones: the terms
//! the domain's Italian analyser makes, with the counts BM25 ranks by and
//! the folded words a question still being typed is looked up in, and the
//! index's generation, new at every change. A server ranks from a copy of
//! the postings and counts held in memory ([`load_index`]), made again
//! when the generation moved ([`index_generation`]).

use chrono::NaiveDateTime;
use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::upsert::excluded;
use domain::faq::index::{Index, StoredPosting, TopicTotals};
use domain::faq::ranking::IndexedText;
use domain::faq::EntryText;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{
    faq_entries, faq_index_generation, faq_questions, faq_terms, faq_topic_totals, faq_versions,
    faq_words,
};

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
/// on bound values; and keys per `IN` list.
const ROWS_PER_STATEMENT: usize = 500;

/// Adds the entry's text (its current one, filed under `topic`) to the
/// index: its postings, and the counts the ranking reads (entries and
/// lengths per topic, entries per word), and gives the index a new
/// generation. In the transaction that publishes or edits the entry: a
/// statement per 500 distinct terms and one per 500 words, so an entry's
/// write costs a few milliseconds more, and every FAQ write waits for the
/// others' (one row of generation).
pub fn index(conn: &mut DbConnection, id: &str, topic: &str, indexed: &IndexedText) -> Result<()> {
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
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        crate::per_engine!(conn, c => diesel::insert_into(faq_terms::table)
            .values(chunk)
            .execute(c))?;
    }
    add_words(conn, &indexed.words)?;
    let totals = (
        faq_topic_totals::topic.eq(topic),
        faq_topic_totals::entries.eq(1_i64),
        faq_topic_totals::total_length.eq(indexed.length),
    );
    crate::per_engine!(conn, c => diesel::insert_into(faq_topic_totals::table)
        .values(totals)
        .on_conflict(faq_topic_totals::topic)
        .do_update()
        .set((
            faq_topic_totals::entries.eq(faq_topic_totals::entries + 1_i64),
            faq_topic_totals::total_length
                .eq(faq_topic_totals::total_length + excluded(faq_topic_totals::total_length)),
        ))
        .execute(c))?;
    index_changed(conn)
}

/// Counts the entry's words (folded, each with its term) once more.
fn add_words(conn: &mut DbConnection, words: &BTreeMap<String, String>) -> Result<()> {
    let rows: Vec<_> = words
        .iter()
        .map(|(word, term)| {
            (
                faq_words::word.eq(word),
                faq_words::term.eq(term),
                faq_words::entries.eq(1_i64),
            )
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        crate::per_engine!(conn, c => diesel::insert_into(faq_words::table)
            .values(chunk)
            .on_conflict(faq_words::word)
            .do_update()
            .set(faq_words::entries.eq(faq_words::entries + excluded(faq_words::entries)))
            .execute(c))?;
    }
    Ok(())
}

/// Takes out of the index the text the entry was indexed with (`indexed`,
/// filed under `topic`): the reverse of [`index`]. A word's count that
/// falls to zero loses its row.
pub fn unindex(
    conn: &mut DbConnection,
    id: &str,
    topic: &str,
    indexed: &IndexedText,
) -> Result<()> {
    diesel::delete(faq_terms::table.filter(faq_terms::entry_id.eq(id))).execute(conn)?;
    let words: Vec<&String> = indexed.words.keys().collect();
    for chunk in words.chunks(ROWS_PER_STATEMENT) {
        let of_entry = faq_words::word.eq_any(chunk);
        diesel::delete(
            faq_words::table
                .filter(of_entry.clone())
                .filter(faq_words::entries.le(1)),
        )
        .execute(conn)?;
        diesel::update(faq_words::table.filter(of_entry))
            .set(faq_words::entries.eq(faq_words::entries - 1))
            .execute(conn)?;
    }
    diesel::update(faq_topic_totals::table.filter(faq_topic_totals::topic.eq(topic)))
        .set((
            faq_topic_totals::entries.eq(faq_topic_totals::entries - 1),
            faq_topic_totals::total_length.eq(faq_topic_totals::total_length - indexed.length),
        ))
        .execute(conn)?;
    index_changed(conn)
}

/// Gives the index a new generation: in the transaction that changes its
/// postings or counts, so that every copy held in memory, on any server,
/// is found stale by the next search that sees the change.
fn index_changed(conn: &mut DbConnection) -> Result<()> {
    diesel::update(faq_index_generation::table)
        .set(faq_index_generation::generation.eq(uuid::Uuid::new_v4().to_string()))
        .execute(conn)?;
    Ok(())
}

/// The index's generation as the caller's transaction sees it.
pub fn index_generation(conn: &mut DbConnection) -> Result<String> {
    Ok(faq_index_generation::table
        .select(faq_index_generation::generation)
        .first(conn)?)
}

/// The whole index, every posting and each topic's totals, for a copy held
/// in memory: in the transaction its generation was read in.
pub fn load_index(conn: &mut DbConnection) -> Result<Index> {
    let totals = faq_topic_totals::table
        .select((
            faq_topic_totals::topic,
            faq_topic_totals::entries,
            faq_topic_totals::total_length,
        ))
        .load::<(String, i64, i64)>(conn)?
        .into_iter()
        .map(|(topic, entries, total_length)| {
            (
                topic,
                TopicTotals {
                    entries,
                    total_length,
                },
            )
        })
        .collect();
    let postings = faq_terms::table
        .select((
            faq_terms::term,
            faq_terms::entry_id,
            faq_terms::topic,
            faq_terms::weight,
            faq_terms::entry_length,
        ))
        .load::<(String, String, String, i64, i64)>(conn)?
        .into_iter()
        .map(|(term, entry, topic, weight, length)| StoredPosting {
            term,
            entry,
            topic,
            weight,
            length,
        })
        .collect();
    Ok(Index::new(postings, totals))
}

/// Makes `text` the entry's next version, if the entry is still at
/// `version` and published; false otherwise (someone else edited or
/// retired it first), and nothing changes. The index is the caller's:
/// [`unindex`] the text of `version`, [`index`] the new one.
pub fn advance(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    text: &EntryText,
    length: i64,
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
        faq_entries::search_length.eq(length),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    insert_version(conn, id, version + 1, text, by, at)?;
    Ok(true)
}

/// Retires a published entry; false when it was retired already. The
/// caller takes its text out of the index ([`unindex`]).
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
    Ok(changed > 0)
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

/// The version `version` of the entry.
pub fn version(conn: &mut DbConnection, id: &str, version: i64) -> Result<Option<VersionRow>> {
    Ok(faq_versions::table
        .filter(faq_versions::entry_id.eq(id))
        .filter(faq_versions::version.eq(version))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The terms of the `limit` indexed words that begin with `prefix` (folded)
/// and that the most published entries have.
pub fn terms_of_words_beginning(
    conn: &mut DbConnection,
    prefix: &str,
    limit: i64,
) -> Result<BTreeSet<String>> {
    let mut q = faq_words::table
        .filter(faq_words::word.ge(prefix.to_owned()))
        .select(faq_words::term)
        .order((faq_words::entries.desc(), faq_words::word))
        .limit(limit)
        .into_boxed();
    // Words are compared as bytes on both engines, where UTF-8 keeps the
    // order of the characters: the words that begin with the prefix lie
    // below the prefix with its last character's successor.
    if let Some(end) = after_prefix(prefix) {
        q = q.filter(faq_words::word.lt(end));
    }
    Ok(q.load::<String>(conn)?.into_iter().collect())
}

/// The first string after every string that begins with `prefix`: its last
/// character replaced by the next one (None when there is none).
fn after_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Whether the word list lacks the published entries: they were indexed
/// before it existed.
pub fn words_missing(conn: &mut DbConnection) -> Result<bool> {
    let any_word: Option<String> = faq_words::table
        .select(faq_words::word)
        .first(conn)
        .optional()?;
    if any_word.is_some() {
        return Ok(false);
    }
    let any_entry: Option<String> = faq_entries::table
        .filter(faq_entries::retired_at.is_null())
        .select(faq_entries::id)
        .first(conn)
        .optional()?;
    Ok(any_entry.is_some())
}

/// Every published entry, for filling the word list.
pub fn published(conn: &mut DbConnection) -> Result<Vec<EntryRow>> {
    Ok(faq_entries::table
        .filter(faq_entries::retired_at.is_null())
        .select(EntryRow::as_select())
        .load(conn)?)
}

/// Counts the words of an entry already indexed (see [`words_missing`]).
pub fn index_words(conn: &mut DbConnection, indexed: &IndexedText) -> Result<()> {
    add_words(conn, &indexed.words)
}
