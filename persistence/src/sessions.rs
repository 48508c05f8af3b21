//! Revoked sessions, and the word every process of the service hears when
//! one is revoked, a login is cut off or a Navigator's stored progress is
//! rewritten.
//!
//! A session is a refresh-token family; the access tokens it issued carry
//! its id. Each process keeps the sessions revoked lately in memory and
//! refuses their access tokens on the next request. On PostgreSQL a
//! revocation is announced with `NOTIFY` in its own transaction, so that
//! other processes hear of it as it commits; SQLite serves one process,
//! which updates its memory itself.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::PgConnection;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::{console_sessions, revoked_sessions};
use crate::time::{from_db, now, to_db};

/// The channel of the announcements.
pub const CHANNEL: &str = "navigator_sessions";

/// What an announcement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announcement {
    /// This session was revoked.
    Revoked(String),
    /// Some account's cut-off day changed: read them again.
    Cutoffs,
    /// This Navigator's stored progress was rewritten.
    Progress(String),
}

impl Announcement {
    fn payload(&self) -> String {
        match self {
            Self::Revoked(family) => format!("revoked:{family}"),
            Self::Cutoffs => "cutoffs".to_owned(),
            Self::Progress(navigator_id) => format!("progress:{navigator_id}"),
        }
    }

    pub fn parse(payload: &str) -> Option<Self> {
        match payload.split_once(':') {
            Some(("revoked", family)) if !family.is_empty() => {
                Some(Self::Revoked(family.to_owned()))
            }
            Some(("progress", navigator)) if !navigator.is_empty() => {
                Some(Self::Progress(navigator.to_owned()))
            }
            None if payload == "cutoffs" => Some(Self::Cutoffs),
            _ => None,
        }
    }
}

/// Tells the other processes, when the transaction commits (PostgreSQL);
/// nothing to do on SQLite.
pub fn announce(conn: &mut DbConnection, what: &Announcement) -> Result<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(what.payload())
            .execute(pg)?;
    }
    Ok(())
}

/// How long a revoked session is remembered: longer than any access token
/// it issued can live.
pub fn remembered_for(access_ttl: Duration) -> Duration {
    access_ttl + Duration::minutes(5)
}

/// Records the sessions as revoked and announces them, in the caller's
/// transaction; rows past any token's life are purged on the way.
pub fn record_revoked(conn: &mut DbConnection, families: &[String]) -> Result<()> {
    let at = now();
    for family in families {
        // In a savepoint: a session revoked twice keeps its first record.
        let inserted = conn.transaction(|c| {
            diesel::insert_into(revoked_sessions::table)
                .values((
                    revoked_sessions::family_id.eq(family),
                    revoked_sessions::revoked_at.eq(at),
                ))
                .execute(c)
        });
        match inserted.map_err(PersistenceError::from) {
            Ok(_) => {}
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
        announce(conn, &Announcement::Revoked(family.clone()))?;
    }
    // No access token lives a day.
    diesel::delete(
        revoked_sessions::table.filter(revoked_sessions::revoked_at.lt(at - Duration::days(1))),
    )
    .execute(conn)?;
    Ok(())
}

/// The sessions revoked since `since`, with when.
pub fn revoked_since(
    conn: &mut DbConnection,
    since: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows: Vec<(String, chrono::NaiveDateTime)> = revoked_sessions::table
        .select((revoked_sessions::family_id, revoked_sessions::revoked_at))
        .filter(revoked_sessions::revoked_at.gt(to_db(since)))
        .load(conn)?;
    Ok(rows.into_iter().map(|(f, at)| (f, from_db(at))).collect())
}

/// A console session: when it was signed in and last used.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub user_id: String,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Records a session opened in the console, in the caller's transaction;
/// `single_sign_on` when the identity provider signed the person in.
pub fn open_console_session(
    conn: &mut DbConnection,
    family: &str,
    user_id: &str,
    single_sign_on: bool,
) -> Result<()> {
    let at = now();
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::family_id.eq(family),
            console_sessions::user_id.eq(user_id),
            console_sessions::signed_in_at.eq(at),
            console_sessions::last_seen_at.eq(at),
            console_sessions::single_sign_on.eq(single_sign_on),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the session was opened in the console through the identity
/// provider.
pub fn opened_by_single_sign_on(conn: &mut DbConnection, family: &str) -> Result<bool> {
    let found: Option<bool> = console_sessions::table
        .select(console_sessions::single_sign_on)
        .filter(console_sessions::family_id.eq(family))
        .first(conn)
        .optional()?;
    Ok(found.unwrap_or(false))
}

/// The console session of a refresh-token family, if the console opened it.
pub fn find_console_session(
    conn: &mut DbConnection,
    family: &str,
) -> Result<Option<ConsoleSession>> {
    let row: Option<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)> =
        console_sessions::table
            .select((
                console_sessions::user_id,
                console_sessions::signed_in_at,
                console_sessions::last_seen_at,
            ))
            .filter(console_sessions::family_id.eq(family))
            .first(conn)
            .optional()?;
    Ok(
        row.map(|(user_id, signed_in_at, last_seen_at)| ConsoleSession {
            user_id,
            signed_in_at: from_db(signed_in_at),
            last_seen_at: from_db(last_seen_at),
        }),
    )
}

/// Marks the console session used now.
pub fn touch_console_session(conn: &mut DbConnection, family: &str) -> Result<()> {
    diesel::update(console_sessions::table.filter(console_sessions::family_id.eq(family)))
        .set(console_sessions::last_seen_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Forgets the console sessions signed in before `before`: past the
/// absolute limit, none of them can serve a page again.
pub fn purge_console_sessions(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(
        console_sessions::table.filter(console_sessions::signed_in_at.lt(to_db(before))),
    )
    .execute(conn)?)
}

/// Forgets a console session that ended (it is revoked besides).
pub fn end_console_session(conn: &mut DbConnection, family: &str) -> Result<()> {
    diesel::delete(console_sessions::table.filter(console_sessions::family_id.eq(family)))
        .execute(conn)?;
    Ok(())
}

/// A connection of its own that listens to the announcements (PostgreSQL).
pub struct Listener {
    conn: PgConnection,
}

impl Listener {
    pub fn open(url: &str) -> Result<Self> {
        let mut conn = PgConnection::establish(url)?;
        diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn)?;
        Ok(Self { conn })
    }

    /// The announcements received so far, without waiting; an error when
    /// the connection is lost (then open another and read everything again).
    pub fn received(&mut self) -> Result<Vec<Announcement>> {
        let mut out = Vec::new();
        for n in self.conn.notifications_iter() {
            let n = n?;
            if n.channel == CHANNEL {
                out.extend(Announcement::parse(&n.payload));
            }
        }
        Ok(out)
    }

    /// Whether the connection still answers.
    pub fn ping(&mut self) -> Result<()> {
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_round_trip() {
        for a in [
            Announcement::Revoked("f-1".into()),
            Announcement::Cutoffs,
            Announcement::Progress("n-1".into()),
        ] {
            assert_eq!(Announcement::parse(&a.payload()), Some(a));
        }
        assert_eq!(Announcement::parse("revoked:"), None);
        assert_eq!(Announcement::parse("progress:"), None);
        assert_eq!(Announcement::parse("other"), None);
    }
}
