//! Users, Region scopes, refresh-token families, one-time tokens and
//! failed-login counters.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::account::{NewAccount, OneTimePurpose, RefreshTokenState, Role};
use domain::throttle::FailureRecord;

use crate::connection::DbConnection;
use crate::error::{stored, PersistenceError, Result};
use crate::schema::{login_failures, one_time_tokens, refresh_tokens, user_regions, users};
use crate::sessions;
use crate::time::{from_db, new_id, now, to_db};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub role: String,
    pub navigator_id: Option<String>,
    pub active: bool,
    pub disabled_from: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
    #[serde(skip)]
    pub password_changed_at: Option<chrono::NaiveDateTime>,
}

impl UserRow {
    pub fn role(&self) -> Result<Role> {
        stored("users.role", &self.role, Role::parse)
    }

    /// Whether the account may log in and refresh on `today`.
    pub fn can_log_in_on(&self, today: NaiveDate) -> bool {
        self.active && self.password_hash.is_some() && self.not_cut_off_on(today)
    }

    /// Whether the account may still act on `today`: it has not been cut
    /// off. A session opened through the identity provider needs no
    /// password on the account, only this.
    pub fn not_cut_off_on(&self, today: NaiveDate) -> bool {
        self.disabled_from.is_none_or(|d| today < d)
    }
}

/// A user with their Region scope.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: UserRow,
    pub regions: Vec<String>,
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Account>> {
    let user: Option<UserRow> = users::table
        .select(UserRow::as_select())
        .filter(users::email.eq(email))
        .first(conn)
        .optional()?;
    with_regions(conn, user)
}

pub fn find_by_navigator(conn: &mut DbConnection, navigator_id: &str) -> Result<Option<Account>> {
    let user: Option<UserRow> = users::table
        .select(UserRow::as_select())
        .filter(users::navigator_id.eq(navigator_id))
        .first(conn)
        .optional()?;
    with_regions(conn, user)
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<Option<Account>> {
    let user: Option<UserRow> = users::table
        .select(UserRow::as_select())
        .filter(users::id.eq(id))
        .first(conn)
        .optional()?;
    with_regions(conn, user)
}

fn with_regions(conn: &mut DbConnection, user: Option<UserRow>) -> Result<Option<Account>> {
    let Some(user) = user else { return Ok(None) };
    let regions = user_regions::table
        .select(user_regions::region_code)
        .filter(user_regions::user_id.eq(&user.id))
        .order(user_regions::region_code)
        .load(conn)?;
    Ok(Some(Account { user, regions }))
}

pub fn count_by_role(conn: &mut DbConnection, role: &str) -> Result<i64> {
    Ok(users::table
        .filter(users::role.eq(role))
        .count()
        .get_result(conn)?)
}

pub fn count_users(conn: &mut DbConnection) -> Result<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Inserts the account; `password_hash` is `None` until the person activates it.
pub fn insert_user(
    conn: &mut DbConnection,
    account: &NewAccount,
    password_hash: Option<&str>,
) -> Result<Account> {
    let id = new_id();
    let ts = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(account.email.as_str()),
            users::password_hash.eq(password_hash),
            users::role.eq(account.role.as_str()),
            users::navigator_id.eq(account.navigator_id.map(|n| n.to_string())),
            users::active.eq(password_hash.is_some()),
            users::created_at.eq(ts),
            users::password_changed_at.eq(password_hash.map(|_| ts)),
        ))
        .execute(conn)?;
    for r in &account.regions {
        diesel::insert_into(user_regions::table)
            .values((
                user_regions::user_id.eq(&id),
                user_regions::region_code.eq(r.as_str()),
            ))
            .execute(conn)?;
    }
    find_by_id(conn, &id)?.ok_or_else(|| PersistenceError::Corrupt(format!("user {id} vanished")))
}

/// Gives the account `role` and exactly `regions` (the identity provider's
/// word at a single sign-on), in the caller's transaction.
pub fn set_role_and_regions(
    conn: &mut DbConnection,
    user_id: &str,
    role: Role,
    regions: &[String],
) -> Result<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::role.eq(role.as_str()))
        .execute(conn)?;
    diesel::delete(user_regions::table.filter(user_regions::user_id.eq(user_id))).execute(conn)?;
    for r in regions {
        diesel::insert_into(user_regions::table)
            .values((
                user_regions::user_id.eq(user_id),
                user_regions::region_code.eq(r.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The first day the account can no longer log in (the day after a
/// Navigator's contract ends); `None` lifts it.
pub fn set_disabled_from(
    conn: &mut DbConnection,
    user_id: &str,
    from: Option<NaiveDate>,
) -> Result<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::disabled_from.eq(from))
        .execute(conn)?;
    sessions::announce(conn, &sessions::Announcement::Cutoffs)?;
    Ok(())
}

/// Every account with a cut-off date.
pub fn cutoffs(conn: &mut DbConnection) -> Result<Vec<(String, NaiveDate)>> {
    let rows: Vec<(String, Option<NaiveDate>)> = users::table
        .select((users::id, users::disabled_from))
        .filter(users::disabled_from.is_not_null())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, d)| d.map(|d| (id, d)))
        .collect())
}

/// Sets a new password and activates the account.
pub fn set_password(conn: &mut DbConnection, user_id: &str, password_hash: &str) -> Result<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((
            users::password_hash.eq(password_hash),
            users::active.eq(true),
            users::password_changed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub issued_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub spent_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

impl RefreshTokenRow {
    pub fn state(&self) -> RefreshTokenState {
        match (self.revoked_at, self.spent_at) {
            (Some(_), _) => RefreshTokenState::Revoked,
            (None, Some(at)) => RefreshTokenState::Spent(from_db(at)),
            (None, None) => RefreshTokenState::Unused,
        }
    }

    pub fn expires_at_utc(&self) -> DateTime<Utc> {
        from_db(self.expires_at)
    }
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::issued_at.eq(now()),
            refresh_tokens::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .select(RefreshTokenRow::as_select())
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .first(conn)
        .optional()?)
}

/// Spends an unused token. `false` when another request spent or revoked it
/// first: two refreshes with one token cannot both succeed.
pub fn spend_refresh_token(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::spent_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(now()))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes the session: its refresh tokens, and (through the revoked
/// sessions every process reads) its access tokens. The number of refresh
/// tokens revoked.
pub fn revoke_family(conn: &mut DbConnection, family_id: &str) -> Result<usize> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    sessions::record_revoked(conn, &[family_id.to_owned()])?;
    Ok(n)
}

/// Revokes every open session of the user; the sessions revoked.
pub fn revoke_all_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<String>> {
    let open = refresh_tokens::table
        .select(refresh_tokens::family_id)
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .distinct();
    let families: Vec<String> = open.load(conn)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    sessions::record_revoked(conn, &families)?;
    Ok(families)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = one_time_tokens)]
pub struct OneTimeTokenRow {
    pub id: String,
    pub user_id: String,
    pub purpose: String,
    pub token_hash: String,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub used_at: Option<chrono::NaiveDateTime>,
}

pub fn insert_one_time_token(
    conn: &mut DbConnection,
    user_id: &str,
    purpose: OneTimePurpose,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::id.eq(new_id()),
            one_time_tokens::user_id.eq(user_id),
            one_time_tokens::purpose.eq(purpose.as_str()),
            one_time_tokens::token_hash.eq(token_hash),
            one_time_tokens::created_at.eq(now()),
            one_time_tokens::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_one_time_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<OneTimeTokenRow>> {
    Ok(one_time_tokens::table
        .select(OneTimeTokenRow::as_select())
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .first(conn)
        .optional()?)
}

/// Uses the token once; `false` if it was already used.
pub fn use_one_time_token(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let n = diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::id.eq(id))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(n == 1)
}

/// A new password voids every other link still in the mail.
pub fn void_one_time_tokens_of_user(conn: &mut DbConnection, user_id: &str) -> Result<usize> {
    Ok(diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now()))
    .execute(conn)?)
}

pub fn failure_record(conn: &mut DbConnection, key: &str) -> Result<Option<FailureRecord>> {
    let row: Option<(i64, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        login_failures::table
            .select((
                login_failures::failures,
                login_failures::window_started_at,
                login_failures::locked_until,
            ))
            .filter(login_failures::throttle_key.eq(key))
            .first(conn)
            .optional()?;
    Ok(row.map(|(failures, start, locked)| FailureRecord {
        failures,
        window_started_at: from_db(start),
        locked_until: locked.map(from_db),
    }))
}

/// The record of `key`, locked until the transaction ends (created empty
/// if missing), so that concurrent attempts on one key take turns and none
/// is lost: the no-op update takes the row lock on PostgreSQL, and on
/// SQLite the write transaction (`BEGIN IMMEDIATE`) already holds the one
/// writer lock. Call it inside a write transaction, keys in one order.
pub fn lock_failure_record(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<FailureRecord> {
    // Records are never deleted (a right password resets one in place), so
    // the row seen here is still there once locked; the loop only guards a
    // row removed by hand.
    for _ in 0..3 {
        // In a savepoint, so that losing the race to a concurrent first
        // attempt does not abort the surrounding transaction.
        let inserted = conn.transaction(|c| {
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::throttle_key.eq(key),
                    login_failures::failures.eq(0_i64),
                    login_failures::window_started_at.eq(to_db(now)),
                    login_failures::locked_until.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c)
        });
        match inserted.map_err(PersistenceError::from) {
            Ok(_) => {}
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
        let locked =
            diesel::update(login_failures::table.filter(login_failures::throttle_key.eq(key)))
                .set(login_failures::failures.eq(login_failures::failures))
                .execute(conn)?;
        if locked > 0 {
            if let Some(record) = failure_record(conn, key)? {
                return Ok(record);
            }
        }
    }
    Err(PersistenceError::Corrupt(format!(
        "throttle record {key} deleted three times while being locked"
    )))
}

/// Stores the record of `key`, locked by [`lock_failure_record`].
pub fn store_failure_record(conn: &mut DbConnection, key: &str, rec: &FailureRecord) -> Result<()> {
    diesel::update(login_failures::table.filter(login_failures::throttle_key.eq(key)))
        .set((
            login_failures::failures.eq(rec.failures),
            login_failures::window_started_at.eq(to_db(rec.window_started_at)),
            login_failures::locked_until.eq(rec.locked_until.map(to_db)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn clear_failures(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> Result<()> {
    // Reset in place rather than deleted: a concurrent attempt waiting to
    // lock the row would otherwise find it gone, again and again while
    // right passwords keep arriving.
    diesel::update(login_failures::table.filter(login_failures::throttle_key.eq(key)))
        .set((
            login_failures::failures.eq(0_i64),
            login_failures::window_started_at.eq(to_db(now)),
            login_failures::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Accounts in creation order after the cursor (an account id).
pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<Account>> {
    let mut q = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(a) = after {
        q = q.filter(users::id.gt(a.to_owned()));
    }
    let rows: Vec<UserRow> = q.order(users::id).limit(limit).load(conn)?;
    let ids: Vec<String> = rows.iter().map(|u| u.id.clone()).collect();
    let scopes: Vec<(String, String)> = user_regions::table
        .select((user_regions::user_id, user_regions::region_code))
        .filter(user_regions::user_id.eq_any(&ids))
        .order(user_regions::region_code)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|user| {
            let regions = scopes
                .iter()
                .filter(|(u, _)| *u == user.id)
                .map(|(_, r)| r.clone())
                .collect();
            Account { user, regions }
        })
        .collect())
}

/// The email of each of `ids` that is an account, by id.
pub fn emails_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    Ok(users::table
        .select((users::id, users::email))
        .filter(users::id.eq_any(ids))
        .load(conn)?)
}
