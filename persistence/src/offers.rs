//! Offers made by scorrimento.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use domain::selection::scorrimento::OfferStatus;

use crate::error::{stored, PersistenceError, Result};
use crate::schema::{applications, offers};
use crate::time::{new_id, now, to_db};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    pub id: String,
    pub selection_id: String,
    pub application_id: String,
    pub province_sigla: String,
    pub status: String,
    pub deadline: chrono::NaiveDateTime,
    #[serde(skip)]
    pub token_hash: String,
    #[serde(skip)]
    pub token_used_at: Option<chrono::NaiveDateTime>,
    pub fallback: bool,
    pub reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub outcome_reason: Option<String>,
}

impl OfferRow {
    pub fn status(&self) -> Result<OfferStatus> {
        stored("offers.status", &self.status, OfferStatus::parse)
    }
}

pub struct NewOffer<'a> {
    pub selection_id: &'a str,
    pub application_id: &'a str,
    pub province: &'a str,
    pub deadline: DateTime<Utc>,
    pub token_hash: &'a str,
    pub fallback: bool,
    pub reason: Option<&'a str>,
    pub created_by: Option<&'a str>,
    /// The programme's day of the call.
    pub called_on: chrono::NaiveDate,
}

pub fn insert_offer(conn: &mut DbConnection, o: &NewOffer<'_>) -> Result<OfferRow> {
    let id = new_id();
    diesel::insert_into(offers::table)
        .values((
            offers::id.eq(&id),
            offers::selection_id.eq(o.selection_id),
            offers::application_id.eq(o.application_id),
            offers::province_sigla.eq(o.province),
            offers::status.eq("pending"),
            offers::deadline.eq(to_db(o.deadline)),
            offers::token_hash.eq(o.token_hash),
            offers::fallback.eq(o.fallback),
            offers::reason.eq(o.reason),
            offers::created_by.eq(o.created_by),
            offers::created_at.eq(now()),
            offers::called_on.eq(Some(o.called_on)),
        ))
        .execute(conn)?;
    get_offer(conn, &id)?.ok_or_else(|| PersistenceError::Corrupt(format!("offer {id} vanished")))
}

pub fn get_offer(conn: &mut DbConnection, id: &str) -> Result<Option<OfferRow>> {
    Ok(offers::table
        .select(OfferRow::as_select())
        .filter(offers::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn offer_by_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<OfferRow>> {
    Ok(offers::table
        .select(OfferRow::as_select())
        .filter(offers::token_hash.eq(token_hash))
        .first(conn)
        .optional()?)
}

/// Uses an offer's response token once; `false` when it was used already.
pub fn use_token(conn: &mut DbConnection, offer_id: &str) -> Result<bool> {
    let n = diesel::update(
        offers::table
            .filter(offers::id.eq(offer_id))
            .filter(offers::token_used_at.is_null()),
    )
    .set(offers::token_used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves an offer from `from` to `to` on the programme's day `on`; `false`
/// when another request moved it first.
pub fn change_status(
    conn: &mut DbConnection,
    offer_id: &str,
    from: &str,
    to: &str,
    reason: Option<&str>,
    on: chrono::NaiveDate,
) -> Result<bool> {
    let n = diesel::update(
        offers::table
            .filter(offers::id.eq(offer_id))
            .filter(offers::status.eq(from)),
    )
    .set((
        offers::status.eq(to),
        offers::decided_at.eq(Some(now())),
        offers::outcome_reason.eq(reason),
        offers::decided_on.eq(Some(on)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves an accepted offer whose draft contract was cancelled to `to`;
/// `false` when it was not accepted. The day and time of the decision stay
/// those of the acceptance: the seat was filled from then until the
/// cancellation.
pub fn close_accepted(
    conn: &mut DbConnection,
    offer_id: &str,
    to: &str,
    reason: &str,
) -> Result<bool> {
    let n = diesel::update(
        offers::table
            .filter(offers::id.eq(offer_id))
            .filter(offers::status.eq("accepted")),
    )
    .set((
        offers::status.eq(to),
        offers::outcome_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Pending offers whose deadline has passed.
pub fn overdue(conn: &mut DbConnection, at: DateTime<Utc>) -> Result<Vec<OfferRow>> {
    Ok(offers::table
        .select(OfferRow::as_select())
        .filter(offers::status.eq("pending"))
        .filter(offers::deadline.le(to_db(at)))
        .order(offers::deadline)
        .load(conn)?)
}

/// The candidate's pending or accepted offer, if any.
pub fn open_offer_of(conn: &mut DbConnection, application_id: &str) -> Result<Option<OfferRow>> {
    Ok(offers::table
        .select(OfferRow::as_select())
        .filter(offers::application_id.eq(application_id))
        .filter(offers::status.eq_any(["pending", "accepted"]))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub selection_id: Option<String>,
    pub status: Option<String>,
    pub province: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Offers with the candidate's application number, oldest first.
pub fn list(conn: &mut DbConnection, f: &OfferFilter) -> Result<Vec<(OfferRow, String)>> {
    let mut q = offers::table
        .inner_join(applications::table)
        .select((OfferRow::as_select(), applications::application_no))
        .into_boxed();
    if let Some(s) = &f.selection_id {
        q = q.filter(offers::selection_id.eq(s.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(offers::status.eq(s.clone()));
    }
    if let Some(p) = &f.province {
        q = q.filter(offers::province_sigla.eq(p.clone()));
    }
    if let Some(a) = &f.after_id {
        q = q.filter(offers::id.gt(a.clone()));
    }
    Ok(q.order(offers::id).limit(f.limit).load(conn)?)
}
