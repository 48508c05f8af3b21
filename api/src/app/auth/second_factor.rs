//! The second factor (TOTP) of staff accounts: enrolling it (a secret the
//! server makes, confirmed by a first code, then recovery codes shown
//! once), checking it at sign-in, and removing it (by its owner with a
//! code, or by an administrator, audited).

use chrono::{DateTime, Utc};
use domain::account::Role;
use domain::second_factor::{
    accept_recovery, accept_step, read_input, show_recovery_code, RecoveryMatch, SecondFactorInput,
    SecondFactorRefusal, RECOVERY_CODES,
};
use persistence::second_factor::{self as store, TotpFactor};
use persistence::{accounts, audit, write_transaction, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::auth::password;
use crate::auth::second_factor::{
    matching_step, new_recovery_code, new_secret, otpauth_uri, unix_now,
};
use crate::error::{ApiError, ApiResult};

fn refused(r: SecondFactorRefusal) -> ApiError {
    ApiError::SecondFactor(r)
}

/// Which second factor served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorUsed {
    Code,
    RecoveryCode,
}

impl FactorUsed {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "totp",
            Self::RecoveryCode => "recovery-code",
        }
    }
}

/// Accepts a code's step for the account once: the step is recorded in a
/// statement of its own, so of two requests with one code only one passes.
fn use_step(
    conn: &mut DbConnection,
    factor: &TotpFactor,
    email: &str,
    code: &str,
    now: DateTime<Utc>,
) -> ApiResult<u64> {
    let matched = matching_step(&factor.secret, email, code, unix_now(now))?;
    let step = accept_step(matched, factor.last_step()).map_err(refused)?;
    let won = write_transaction(conn, |c| -> ApiResult<bool> {
        Ok(store::accept_step(c, &factor.user_id, step)?)
    })?;
    if won {
        Ok(step)
    } else {
        Err(refused(SecondFactorRefusal::Replayed))
    }
}

/// Checks what was typed against the account's confirmed factor: a code,
/// or a recovery code (spent). Each use is recorded in a short
/// transaction of its own; the recovery codes' hashes are checked outside
/// any (argon2 takes tens of milliseconds each).
pub(crate) fn verify_second_factor(
    conn: &mut DbConnection,
    ctx: &audit::AuditContext,
    factor: &TotpFactor,
    email: &str,
    typed: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<FactorUsed> {
    let input = typed
        .and_then(read_input)
        .ok_or(refused(SecondFactorRefusal::Required))?;
    match input {
        SecondFactorInput::Code(code) => {
            use_step(conn, factor, email, &code, now)?;
            Ok(FactorUsed::Code)
        }
        SecondFactorInput::Recovery(code) => {
            // Unused ones first: a right code stops the search early.
            let codes = store::recovery_codes(conn, &factor.user_id)?;
            let found = codes
                .iter()
                .position(|c| password::verify(&code, Some(&c.code_hash)));
            let matched = match found.and_then(|i| codes.get(i).map(|c| (i, c))) {
                Some((i, c)) if c.used_at.is_none() => RecoveryMatch::Unused(i),
                Some(_) => RecoveryMatch::Used,
                None => RecoveryMatch::None,
            };
            let i = accept_recovery(matched).map_err(refused)?;
            let spent = codes
                .get(i)
                .ok_or(refused(SecondFactorRefusal::WrongCode))?;
            let won = write_transaction(conn, |c| -> ApiResult<bool> {
                let won = store::spend_recovery_code(c, &spent.id)?;
                if won {
                    audit::append::<(), ()>(
                        c,
                        ctx,
                        "totp.recovery-code-used",
                        "user",
                        &factor.user_id,
                        None,
                        None,
                    )?;
                }
                Ok(won)
            })?;
            if won {
                Ok(FactorUsed::RecoveryCode)
            } else {
                Err(refused(SecondFactorRefusal::RecoveryCodeUsed))
            }
        }
    }
}

/// The account's confirmed factor, if any.
pub(crate) fn confirmed_factor(
    conn: &mut DbConnection,
    user_id: &str,
) -> ApiResult<Option<TotpFactor>> {
    Ok(store::find_factor(conn, user_id)?.filter(TotpFactor::confirmed))
}

/// Whether a session of `account` may only enrol: its role must have a
/// second factor and it has none confirmed.
pub(crate) fn enrolment_only(
    conn: &mut DbConnection,
    act: &Act,
    account: &accounts::Account,
) -> ApiResult<bool> {
    let role = account.user.role()?;
    if !act.settings.totp_required_roles.contains(&role) {
        return Ok(false);
    }
    Ok(!store::is_enrolled(conn, &account.user.id)?)
}

/// The caller's account and id.
fn own_account(conn: &mut DbConnection, act: &Act) -> ApiResult<accounts::Account> {
    let caller = act.caller.as_ref().ok_or(ApiError::Forbidden)?;
    accounts::find_by_id(conn, &caller.user_id)?.ok_or(ApiError::NotFound { entity: "user" })
}

/// Starts enrolment: a fresh secret replaces any enrolment not confirmed.
#[derive(Clone)]
pub struct StartEnrolment;

/// The secret made, shown once.
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
}

impl UseCase for StartEnrolment {
    type Outcome = Enrolment;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::STAFF;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Enrolment> {
        let account = own_account(conn, act)?;
        if store::is_enrolled(conn, &account.user.id)? {
            return Err(refused(SecondFactorRefusal::AlreadyEnrolled));
        }
        let secret = new_secret();
        let otpauth_uri = otpauth_uri(&secret, &account.user.email)?;
        store::start_enrolment(conn, &account.user.id, &secret)?;
        audit::append::<(), ()>(
            conn,
            &act.audit(),
            "totp.enrolment-started",
            "user",
            &account.user.id,
            None,
            None,
        )?;
        Ok(Enrolment {
            secret,
            otpauth_uri,
        })
    }
}

/// Confirms the enrolment with a first code; hands out the recovery codes.
#[derive(Clone)]
pub struct ConfirmEnrolment {
    pub code: String,
}

impl UseCase for ConfirmEnrolment {
    /// The recovery codes, as shown (`abcde-fghjk`).
    type Outcome = Vec<String>;
    // The recovery codes are hashed (slow) outside any transaction.
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &Role::STAFF;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<String>> {
        let account = own_account(conn, act)?;
        let pending = store::find_factor(conn, &account.user.id)?
            .filter(|f| !f.confirmed())
            .ok_or(refused(SecondFactorRefusal::NotEnrolled))?;
        // Only a code confirms: there are no recovery codes yet.
        let Some(SecondFactorInput::Code(code)) = read_input(&self.code) else {
            return Err(refused(SecondFactorRefusal::WrongCode));
        };
        let matched = matching_step(
            &pending.secret,
            &account.user.email,
            &code,
            unix_now(act.now),
        )?;
        let step = accept_step(matched, pending.last_step()).map_err(refused)?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes = codes
            .iter()
            .map(|c| password::hash(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                tracing::error!(error = %e, "cannot hash a recovery code");
                ApiError::Internal
            })?;
        write_transaction(conn, |c| -> ApiResult<()> {
            // The enrolment may have been started again meanwhile: only the
            // secret the code was checked against is confirmed.
            let still = store::find_factor(c, &account.user.id)?
                .filter(|f| !f.confirmed() && f.secret == pending.secret)
                .ok_or(refused(SecondFactorRefusal::NotEnrolled))?;
            if !store::accept_step(c, &still.user_id, step)? {
                return Err(refused(SecondFactorRefusal::Replayed));
            }
            store::confirm(c, &still.user_id, &hashes)?;
            audit::append::<(), _>(
                c,
                &act.audit(),
                "totp.enrolled",
                "user",
                &still.user_id,
                None,
                Some(&serde_json::json!({ "recovery_codes": hashes.len() })),
            )?;
            Ok(())
        })?;
        Ok(codes.iter().map(|c| show_recovery_code(c)).collect())
    }
}

/// The caller removes their own second factor, proving it with a code or a
/// recovery code (to move to another phone: remove, then enrol again).
#[derive(Clone)]
pub struct DisableOwnFactor {
    pub code: String,
}

impl UseCase for DisableOwnFactor {
    type Outcome = ();
    const ACCESS: Access = Access::Steps;
    const ROLES: &'static [Role] = &Role::STAFF;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
        let account = own_account(conn, act)?;
        let factor = confirmed_factor(conn, &account.user.id)?
            .ok_or(refused(SecondFactorRefusal::NotEnrolled))?;
        let used = verify_second_factor(
            conn,
            &act.audit(),
            &factor,
            &account.user.email,
            Some(&self.code),
            act.now,
        )?;
        write_transaction(conn, |c| -> ApiResult<()> {
            store::remove_factor(c, &account.user.id)?;
            audit::append::<(), _>(
                c,
                &act.audit(),
                "totp.disabled",
                "user",
                &account.user.id,
                None,
                Some(&serde_json::json!({ "by": "self", "proof": used.as_str() })),
            )?;
            Ok(())
        })
    }
}

/// An administrator removes another account's second factor (a lost
/// phone and no recovery code left); the account enrols again at its next
/// sign-in if its role requires one. Its open sessions end with the
/// factor: a lost phone may have gone with a device still signed in.
#[derive(Clone)]
pub struct ResetFactor {
    pub user_id: String,
}

impl UseCase for ResetFactor {
    /// The sessions ended.
    type Outcome = Vec<String>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<String>> {
        let account = accounts::find_by_id(conn, &self.user_id)?
            .ok_or(ApiError::NotFound { entity: "user" })?;
        if !store::remove_factor(conn, &account.user.id)? {
            return Err(refused(SecondFactorRefusal::NotEnrolled));
        }
        let ended = accounts::revoke_all_of_user(conn, &account.user.id)?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "totp.reset",
            "user",
            &account.user.id,
            None,
            Some(&serde_json::json!({ "by": "admin", "sessions_ended": ended.len() })),
        )?;
        Ok(ended)
    }
}

/// Where the caller's second factor stands.
#[derive(Clone)]
pub struct ReadFactorStatus;

pub struct FactorStatus {
    pub enrolled: bool,
    pub pending: bool,
    pub required: bool,
    pub recovery_codes_left: u32,
}

impl UseCase for ReadFactorStatus {
    type Outcome = FactorStatus;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &Role::STAFF;
    const ENROLMENT: bool = true;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<FactorStatus> {
        let account = own_account(conn, act)?;
        let factor = store::find_factor(conn, &account.user.id)?;
        let left = store::recovery_codes(conn, &account.user.id)?
            .iter()
            .filter(|c| c.used_at.is_none())
            .count();
        Ok(FactorStatus {
            enrolled: factor.as_ref().is_some_and(TotpFactor::confirmed),
            pending: factor.as_ref().is_some_and(|f| !f.confirmed()),
            required: act
                .settings
                .totp_required_roles
                .contains(&account.user.role()?),
            recovery_codes_left: u32::try_from(left).unwrap_or(u32::MAX),
        })
    }
}
