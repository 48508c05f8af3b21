//! The mail outbox: written with the change that causes a mail, delivered by
//! a background sender. Each message keeps one Message-ID for life, so a
//! resend after a crash can be recognised as the same mail.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::connection::{write_transaction, DbConnection};
use crate::error::Result;
use crate::schema::mail_outbox;
use crate::time::{new_id, now, to_db};

#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// e.g. `activation`, `password_reset`, `offer`.
    pub kind: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct MailRow {
    pub id: String,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    pub created_at: chrono::NaiveDateTime,
    pub attempts: i64,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<chrono::NaiveDateTime>,
    pub sent_at: Option<chrono::NaiveDateTime>,
    pub failed_at: Option<chrono::NaiveDateTime>,
    pub last_error: Option<String>,
}

/// Queues a mail in the caller's transaction; returns its Message-ID.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: &NewMail<'_>,
    message_domain: &str,
) -> Result<String> {
    let id = new_id();
    let message_id = format!("<{id}@{message_domain}>");
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::id.eq(&id),
            mail_outbox::message_id.eq(&message_id),
            mail_outbox::recipient.eq(mail.recipient),
            mail_outbox::subject.eq(mail.subject),
            mail_outbox::body.eq(mail.body),
            mail_outbox::kind.eq(mail.kind),
            mail_outbox::created_at.eq(now()),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(message_id)
}

/// Claims up to `limit` due mails for `worker` for `lease`. A claim is a
/// conditional update, so with many replicas each mail goes to one sender;
/// a sender that dies leaves a claim that expires, or that its process
/// takes back when it starts again ([`release_claims_of`]).
pub fn claim_due(
    conn: &mut DbConnection,
    worker: &str,
    at: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<MailRow>> {
    let at_db = to_db(at);
    let candidates: Vec<String> = mail_outbox::table
        .select(mail_outbox::id)
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .filter(mail_outbox::next_attempt_at.le(at_db))
        .filter(
            mail_outbox::claimed_until
                .is_null()
                .or(mail_outbox::claimed_until.lt(at_db)),
        )
        .order(mail_outbox::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let row = write_transaction(conn, |conn| -> Result<Option<MailRow>> {
            let n = diesel::update(
                mail_outbox::table
                    .filter(mail_outbox::id.eq(&id))
                    .filter(mail_outbox::sent_at.is_null())
                    .filter(
                        mail_outbox::claimed_until
                            .is_null()
                            .or(mail_outbox::claimed_until.lt(at_db)),
                    ),
            )
            .set((
                mail_outbox::claimed_by.eq(worker),
                mail_outbox::claimed_until.eq(to_db(at + lease)),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            ))
            .execute(conn)?;
            if n == 0 {
                return Ok(None);
            }
            Ok(Some(
                mail_outbox::table
                    .select(MailRow::as_select())
                    .filter(mail_outbox::id.eq(&id))
                    .first(conn)?,
            ))
        })?;
        claimed.extend(row);
    }
    Ok(claimed)
}

/// Takes back the claims `worker` still holds on mails it has not sent:
/// they are due again at once, and the attempt each claim counted is
/// uncounted (the mail never failed, its sender died). Only for a worker
/// known to be gone, as a process restarted after a crash is for its
/// previous life: a live one would deliver them a second time. Returns the
/// mails released.
pub fn release_claims_of(conn: &mut DbConnection, worker: &str) -> Result<usize> {
    Ok(diesel::update(
        mail_outbox::table
            .filter(mail_outbox::claimed_by.eq(worker))
            .filter(mail_outbox::claimed_until.is_not_null())
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::failed_at.is_null())
            .filter(mail_outbox::attempts.gt(0)),
    )
    .set((
        mail_outbox::claimed_by.eq(None::<String>),
        mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        mail_outbox::attempts.eq(mail_outbox::attempts - 1),
    ))
    .execute(conn)?)
}

pub fn mark_sent(conn: &mut DbConnection, id: &str, worker: &str) -> Result<bool> {
    let n = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::claimed_by.eq(worker)),
    )
    .set((
        mail_outbox::sent_at.eq(now()),
        mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        mail_outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failed attempt: retried at `retry_at`, or given up when `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let target = mail_outbox::table
        .filter(mail_outbox::id.eq(id))
        .filter(mail_outbox::claimed_by.eq(worker));
    let release = mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>);
    match retry_at {
        Some(t) => diesel::update(target)
            .set((
                mail_outbox::next_attempt_at.eq(to_db(t)),
                mail_outbox::last_error.eq(error),
                release,
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                mail_outbox::failed_at.eq(now()),
                mail_outbox::last_error.eq(error),
                release,
            ))
            .execute(conn)?,
    };
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<MailRow>> {
    Ok(mail_outbox::table
        .select(MailRow::as_select())
        .filter(mail_outbox::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn list_recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<MailRow>> {
    Ok(mail_outbox::table
        .select(MailRow::as_select())
        .order(mail_outbox::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// The outbox at a glance (for `/metrics`): four index-friendly counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxStatus {
    /// Not sent yet and not given up.
    pub queued: i64,
    pub sent: i64,
    /// Given up after the last attempt.
    pub failed: i64,
    /// When the oldest queued mail was queued.
    pub oldest_queued: Option<chrono::NaiveDateTime>,
}

pub fn status(conn: &mut DbConnection) -> Result<OutboxStatus> {
    let queued = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null());
    Ok(OutboxStatus {
        queued: queued.count().get_result(conn)?,
        oldest_queued: queued
            .select(diesel::dsl::min(mail_outbox::created_at))
            .first(conn)?,
        sent: mail_outbox::table
            .filter(mail_outbox::sent_at.is_not_null())
            .count()
            .get_result(conn)?,
        failed: mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::failed_at.is_not_null())
            .count()
            .get_result(conn)?,
    })
}

/// Mails given up after their last attempt, the latest first.
pub fn list_failed(conn: &mut DbConnection, limit: i64) -> Result<Vec<MailRow>> {
    Ok(mail_outbox::table
        .select(MailRow::as_select())
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_not_null())
        .order((mail_outbox::failed_at.desc(), mail_outbox::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// Puts given-up mails back in the queue, due now with their attempts
/// counted afresh (the last error is kept until the next attempt): `id`, or
/// all of them. Returns the mails queued again.
pub fn retry_failed(conn: &mut DbConnection, id: Option<&str>) -> Result<Vec<MailRow>> {
    let mut query = mail_outbox::table
        .select(MailRow::as_select())
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_not_null())
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(mail_outbox::id.eq(id));
    }
    let rows: Vec<MailRow> = query.order(mail_outbox::id).load(conn)?;
    let mut again = Vec::with_capacity(rows.len());
    for row in rows {
        let n = diesel::update(
            mail_outbox::table
                .filter(mail_outbox::id.eq(&row.id))
                .filter(mail_outbox::sent_at.is_null())
                .filter(mail_outbox::failed_at.is_not_null()),
        )
        .set((
            mail_outbox::failed_at.eq(None::<chrono::NaiveDateTime>),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(now()),
            mail_outbox::claimed_by.eq(None::<String>),
            mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if n == 1 {
            again.push(row);
        }
    }
    Ok(again)
}
