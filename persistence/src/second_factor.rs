//! The second factor of an account: its TOTP secret, the last step
//! accepted, and its recovery codes (argon2 hashes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{totp_factors, totp_recovery_codes};
use crate::time::{new_id, now};

/// An account's TOTP factor, confirmed or waiting for its first code.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = totp_factors)]
pub struct TotpFactor {
    pub user_id: String,
    /// Base32, as the authenticator app holds it.
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_step: Option<i64>,
}

impl TotpFactor {
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }

    pub fn last_step(&self) -> Option<u64> {
        self.last_step.and_then(|s| u64::try_from(s).ok())
    }
}

pub fn find_factor(conn: &mut DbConnection, user_id: &str) -> Result<Option<TotpFactor>> {
    Ok(totp_factors::table
        .select(TotpFactor::as_select())
        .filter(totp_factors::user_id.eq(user_id))
        .first(conn)
        .optional()?)
}

/// Whether the account has a confirmed second factor.
pub fn is_enrolled(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    Ok(find_factor(conn, user_id)?.is_some_and(|f| f.confirmed()))
}

/// Starts an enrolment with `secret`, replacing one that waits for its
/// first code (the caller checked there is no confirmed one).
pub fn start_enrolment(conn: &mut DbConnection, user_id: &str, secret: &str) -> Result<()> {
    remove_factor(conn, user_id)?;
    diesel::insert_into(totp_factors::table)
        .values((
            totp_factors::user_id.eq(user_id),
            totp_factors::secret.eq(secret),
            totp_factors::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks `step` accepted for the account if it is after the last one
/// accepted: false when another request accepted this step (or a later
/// one) first. One statement, so two requests with the same code cannot
/// both pass.
pub fn accept_step(conn: &mut DbConnection, user_id: &str, step: u64) -> Result<bool> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let n = diesel::update(
        totp_factors::table
            .filter(totp_factors::user_id.eq(user_id))
            .filter(
                totp_factors::last_step
                    .is_null()
                    .or(totp_factors::last_step.lt(step)),
            ),
    )
    .set(totp_factors::last_step.eq(step))
    .execute(conn)?;
    Ok(n == 1)
}

/// Confirms the pending enrolment and stores its recovery codes' hashes,
/// replacing any earlier ones.
pub fn confirm(conn: &mut DbConnection, user_id: &str, recovery_hashes: &[String]) -> Result<()> {
    diesel::update(totp_factors::table.filter(totp_factors::user_id.eq(user_id)))
        .set(totp_factors::confirmed_at.eq(Some(now())))
        .execute(conn)?;
    diesel::delete(totp_recovery_codes::table.filter(totp_recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    for hash in recovery_hashes {
        diesel::insert_into(totp_recovery_codes::table)
            .values((
                totp_recovery_codes::id.eq(new_id()),
                totp_recovery_codes::user_id.eq(user_id),
                totp_recovery_codes::code_hash.eq(hash),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the account's factor and recovery codes; whether there was one.
pub fn remove_factor(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    diesel::delete(totp_recovery_codes::table.filter(totp_recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let n = diesel::delete(totp_factors::table.filter(totp_factors::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(n > 0)
}

/// A recovery code of an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = totp_recovery_codes)]
pub struct RecoveryCode {
    pub id: String,
    pub code_hash: String,
    pub used_at: Option<NaiveDateTime>,
}

/// The account's recovery codes, unused ones first.
pub fn recovery_codes(conn: &mut DbConnection, user_id: &str) -> Result<Vec<RecoveryCode>> {
    let mut codes: Vec<RecoveryCode> = totp_recovery_codes::table
        .select(RecoveryCode::as_select())
        .filter(totp_recovery_codes::user_id.eq(user_id))
        .order(totp_recovery_codes::id)
        .load(conn)?;
    codes.sort_by_key(|c| c.used_at.is_some());
    Ok(codes)
}

/// Spends a recovery code: false when another request spent it first.
pub fn spend_recovery_code(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let n = diesel::update(
        totp_recovery_codes::table
            .filter(totp_recovery_codes::id.eq(id))
            .filter(totp_recovery_codes::used_at.is_null()),
    )
    .set(totp_recovery_codes::used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}
