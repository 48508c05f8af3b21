//! Sign-ins sent to the identity provider and not yet back: each return
//! is accepted once, within the attempt's lifetime.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::sso_attempts;
use crate::time::{from_db, now, to_db};

/// What the return from the identity provider must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub nonce: String,
    pub verifier: String,
    pub created_at: DateTime<Utc>,
}

/// Records an attempt just sent to the identity provider, forgetting those
/// started before `stale_before` on the way.
pub fn insert_attempt(
    conn: &mut DbConnection,
    state_digest: &str,
    nonce: &str,
    verifier: &str,
    stale_before: DateTime<Utc>,
) -> Result<()> {
    diesel::delete(sso_attempts::table.filter(sso_attempts::created_at.lt(to_db(stale_before))))
        .execute(conn)?;
    diesel::insert_into(sso_attempts::table)
        .values((
            sso_attempts::state_digest.eq(state_digest),
            sso_attempts::nonce.eq(nonce),
            sso_attempts::verifier.eq(verifier),
            sso_attempts::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the attempt of `state_digest` away: only the first of two
/// returns with the same state finds it.
pub fn take_attempt(conn: &mut DbConnection, state_digest: &str) -> Result<Option<Attempt>> {
    let row: Option<(String, String, chrono::NaiveDateTime)> = sso_attempts::table
        .select((
            sso_attempts::nonce,
            sso_attempts::verifier,
            sso_attempts::created_at,
        ))
        .filter(sso_attempts::state_digest.eq(state_digest))
        .first(conn)
        .optional()?;
    let Some((nonce, verifier, created_at)) = row else {
        return Ok(None);
    };
    // The delete decides between two returns racing with the same state.
    let taken =
        diesel::delete(sso_attempts::table.filter(sso_attempts::state_digest.eq(state_digest)))
            .execute(conn)?;
    Ok((taken == 1).then(|| Attempt {
        nonce,
        verifier,
        created_at: from_db(created_at),
    }))
}
