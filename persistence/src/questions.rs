//! Question RdC: topics, questions with their threads, and the record of
//! who used the service on which day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{question_messages, question_service_uses, question_topics, questions, users};
use crate::time::{new_id, to_db};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = question_topics)]
pub struct TopicRow {
    pub code: String,
    pub label_it: String,
    pub label_en: String,
    pub position: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = questions)]
pub struct QuestionRow {
    pub id: String,
    pub author_id: String,
    pub topic: String,
    pub text: String,
    pub status: String,
    pub taken_by: Option<String>,
    pub taken_at: Option<NaiveDateTime>,
    pub awaiting_detail: bool,
    pub first_answered_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    pub merged_into: Option<String>,
    pub unread_by_author: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = question_messages)]
pub struct MessageRow {
    pub id: String,
    pub question_id: String,
    pub author_id: String,
    pub kind: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The topics, in their order.
pub fn topics(conn: &mut DbConnection) -> Result<Vec<TopicRow>> {
    Ok(question_topics::table
        .select(TopicRow::as_select())
        .order((question_topics::position, question_topics::code))
        .load(conn)?)
}

pub fn topic_exists(conn: &mut DbConnection, code: &str) -> Result<bool> {
    Ok(question_topics::table
        .filter(question_topics::code.eq(code))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Stores a new open question.
pub fn insert(
    conn: &mut DbConnection,
    author_id: &str,
    topic: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    diesel::insert_into(questions::table)
        .values((
            questions::id.eq(&id),
            questions::author_id.eq(author_id),
            questions::topic.eq(topic),
            questions::text.eq(text),
            questions::status.eq("open"),
            questions::awaiting_detail.eq(false),
            questions::unread_by_author.eq(false),
            questions::created_at.eq(to_db(at)),
            questions::updated_at.eq(to_db(at)),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<QuestionRow>> {
    Ok(questions::table
        .select(QuestionRow::as_select())
        .filter(questions::id.eq(id))
        .first(conn)
        .optional()?)
}

/// Makes `expert` the owner of an open question nobody has taken. A
/// conditional update: of experts taking it at once, exactly one changes
/// the row; the others find `false` and read who won.
pub fn take(conn: &mut DbConnection, id: &str, expert: &str, at: DateTime<Utc>) -> Result<bool> {
    let n = diesel::update(
        questions::table
            .filter(questions::id.eq(id))
            .filter(questions::status.eq("open"))
            .filter(questions::taken_by.is_null()),
    )
    .set((
        questions::taken_by.eq(expert),
        questions::taken_at.eq(to_db(at)),
        questions::updated_at.eq(to_db(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Hands the question back to the desk, if `expert` still holds it and it
/// is still open (`false`: someone moved it meanwhile).
pub fn release(conn: &mut DbConnection, id: &str, expert: &str, at: DateTime<Utc>) -> Result<bool> {
    let n = diesel::update(
        questions::table
            .filter(questions::id.eq(id))
            .filter(questions::status.eq("open"))
            .filter(questions::taken_by.eq(expert)),
    )
    .set((
        questions::taken_by.eq(None::<String>),
        questions::taken_at.eq(None::<NaiveDateTime>),
        questions::updated_at.eq(to_db(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A question's new state after a move.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub status: &'a str,
    pub awaiting_detail: bool,
    pub first_answered_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    pub merged_into: Option<&'a str>,
    pub unread_by_author: bool,
    pub at: DateTime<Utc>,
}

/// Applies `change` to the question as `before` read it: a conditional
/// update, so that a move made meanwhile by someone else is not
/// overwritten (`false`: run the move again on what is there now).
pub fn apply(conn: &mut DbConnection, before: &QuestionRow, change: &Change<'_>) -> Result<bool> {
    let n = diesel::update(
        questions::table
            .filter(questions::id.eq(&before.id))
            .filter(questions::status.eq(&before.status))
            .filter(questions::updated_at.eq(before.updated_at)),
    )
    .set((
        questions::status.eq(change.status),
        questions::awaiting_detail.eq(change.awaiting_detail),
        questions::first_answered_at.eq(change.first_answered_at),
        questions::settled_at.eq(change.settled_at),
        questions::merged_into.eq(change.merged_into),
        questions::unread_by_author.eq(change.unread_by_author),
        questions::updated_at.eq(to_db(change.at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The author has opened their question: no news is left unread.
pub fn mark_read(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(
        questions::table
            .filter(questions::id.eq(id))
            .filter(questions::unread_by_author.eq(true)),
    )
    .set(questions::unread_by_author.eq(false))
    .execute(conn)?;
    Ok(())
}

pub fn add_message(
    conn: &mut DbConnection,
    question_id: &str,
    author_id: &str,
    kind: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(question_messages::table)
        .values((
            question_messages::id.eq(new_id()),
            question_messages::question_id.eq(question_id),
            question_messages::author_id.eq(author_id),
            question_messages::kind.eq(kind),
            question_messages::body.eq(body),
            question_messages::created_at.eq(to_db(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A question's thread, in order.
pub fn messages(conn: &mut DbConnection, question_id: &str) -> Result<Vec<MessageRow>> {
    Ok(question_messages::table
        .select(MessageRow::as_select())
        .filter(question_messages::question_id.eq(question_id))
        .order(question_messages::id)
        .load(conn)?)
}

/// Which questions a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this author's (a Navigator's own list).
    pub author: Option<String>,
    pub status: Option<String>,
    pub topic: Option<String>,
    /// Only those an expert has taken (`true`) or nobody has (`false`).
    pub taken: Option<bool>,
    /// Only those this expert has taken.
    pub taken_by: Option<String>,
}

/// Questions oldest first (ids are time-ordered), after the cursor.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<QuestionRow>> {
    let mut q = questions::table
        .select(QuestionRow::as_select())
        .into_boxed();
    if let Some(a) = &filter.author {
        q = q.filter(questions::author_id.eq(a.clone()));
    }
    if let Some(s) = &filter.status {
        q = q.filter(questions::status.eq(s.clone()));
    }
    if let Some(t) = &filter.topic {
        q = q.filter(questions::topic.eq(t.clone()));
    }
    match filter.taken {
        Some(true) => q = q.filter(questions::taken_by.is_not_null()),
        Some(false) => q = q.filter(questions::taken_by.is_null()),
        None => {}
    }
    if let Some(e) = &filter.taken_by {
        q = q.filter(questions::taken_by.eq(e.clone()));
    }
    if let Some(a) = after {
        q = q.filter(questions::id.gt(a.to_owned()));
    }
    Ok(q.order(questions::id).limit(limit).load(conn)?)
}

/// Records that `user_id` used the service on `day`: one row per person
/// per day, a second call the same day changing nothing. Both engines
/// write "insert unless there" with the same `ON CONFLICT DO NOTHING`;
/// only the placeholders differ.
pub fn record_use(conn: &mut DbConnection, user_id: &str, day: NaiveDate) -> Result<()> {
    const SQL: &str = "INSERT INTO question_service_uses (user_id, day) VALUES ($1, $2) \
                       ON CONFLICT (user_id, day) DO NOTHING";
    match conn {
        DbConnection::Postgresql(c) => {
            diesel::sql_query(SQL)
                .bind::<Text, _>(user_id)
                .bind::<Date, _>(day)
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::sql_query(SQL.replace("$1", "?").replace("$2", "?"))
                .bind::<Text, _>(user_id)
                .bind::<Date, _>(day)
                .execute(c)?;
        }
    }
    Ok(())
}

/// The people who used the service between two days (both included), each
/// once, with their role.
pub fn users_in_period(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String)>> {
    Ok(question_service_uses::table
        .inner_join(users::table.on(users::id.eq(question_service_uses::user_id)))
        .filter(question_service_uses::day.ge(from))
        .filter(question_service_uses::day.le(to))
        .select((users::id, users::role))
        .distinct()
        .load(conn)?)
}

/// Questions asked in `[from, to)`.
pub fn asked_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64> {
    Ok(questions::table
        .filter(questions::created_at.ge(to_db(from)))
        .filter(questions::created_at.lt(to_db(to)))
        .count()
        .get_result(conn)?)
}

/// When each question first answered in `[from, to)` was asked and answered.
pub fn first_answers_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(NaiveDateTime, NaiveDateTime)>> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = questions::table
        .filter(questions::first_answered_at.ge(to_db(from)))
        .filter(questions::first_answered_at.lt(to_db(to)))
        .select((questions::created_at, questions::first_answered_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(asked, answered)| answered.map(|a| (asked, a)))
        .collect())
}

/// When each question still open at `at` was asked: asked before it, and
/// neither answered nor settled by then.
pub fn open_at(conn: &mut DbConnection, at: DateTime<Utc>) -> Result<Vec<NaiveDateTime>> {
    let at = to_db(at);
    Ok(questions::table
        .filter(questions::created_at.lt(at))
        .filter(
            questions::first_answered_at
                .is_null()
                .or(questions::first_answered_at.ge(at)),
        )
        .filter(
            questions::settled_at
                .is_null()
                .or(questions::settled_at.ge(at)),
        )
        .select(questions::created_at)
        .load(conn)?)
}

/// FAQ entries created in `[from, to)`.
pub fn faq_entries_created(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64> {
    use crate::schema::faq_entries;
    Ok(faq_entries::table
        .filter(faq_entries::created_at.ge(from.naive_utc()))
        .filter(faq_entries::created_at.lt(to.naive_utc()))
        .count()
        .get_result(conn)?)
}
