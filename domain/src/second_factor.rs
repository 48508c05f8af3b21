//! The second factor of staff accounts that sign in with a password: a
//! time-based one-time code (RFC 6238, 30-second steps, six digits) from an
//! authenticator app, or one of the recovery codes handed out at enrolment.
//!
//! The code itself is computed by a TOTP library; the rules of when a code
//! is accepted live here: which steps are tried (the clock skew allowed),
//! that a step once accepted is never accepted again for the account
//! (replay), that a recovery code serves once, and which roles must enrol.

use std::ops::RangeInclusive;

use crate::account::Role;

/// Seconds per step (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECONDS: u64 = 30;

/// Steps of clock skew tolerated either side of the server's step: a code
/// from the step before or after the current one is accepted, none further.
pub const SKEW_STEPS: u64 = 1;

/// Recovery codes handed out at enrolment (shown once).
pub const RECOVERY_CODES: usize = 10;

/// The step of a Unix time.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The steps whose code is accepted at `unix_seconds`: the current one and
/// [`SKEW_STEPS`] either side.
pub fn accepted_steps(unix_seconds: u64) -> RangeInclusive<u64> {
    let now = step_of(unix_seconds);
    now.saturating_sub(SKEW_STEPS)..=now.saturating_add(SKEW_STEPS)
}

/// Why a second factor was refused, or is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactorRefusal {
    /// The account has a second factor and the sign-in gave no code.
    Required,
    /// The code matches no accepted step (wrong, or its clock is too far
    /// off), and no unused recovery code.
    WrongCode,
    /// The code's step is not after the last step accepted for the account:
    /// it was used already (RFC 6238 §5.2).
    Replayed,
    /// The recovery code was used already.
    RecoveryCodeUsed,
    /// The role must enrol before anything else: the session only enrols.
    EnrolmentRequired,
    /// Enrolment asked for an account that has a confirmed second factor.
    AlreadyEnrolled,
    /// Confirmation, or a disabling, asked for an account with no second
    /// factor (or none waiting for confirmation).
    NotEnrolled,
}

/// Whether a code whose step is `matched` (None: it matched no accepted
/// step) is accepted, given the last step accepted for the account. A step
/// at or before the last one is refused: not only the same code twice, but
/// also an older code seen after a newer one.
pub fn accept_step(
    matched: Option<u64>,
    last_accepted: Option<u64>,
) -> Result<u64, SecondFactorRefusal> {
    let step = matched.ok_or(SecondFactorRefusal::WrongCode)?;
    match last_accepted {
        Some(last) if step <= last => Err(SecondFactorRefusal::Replayed),
        _ => Ok(step),
    }
}

/// What the person typed as a second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorInput {
    /// Six digits from the authenticator app.
    Code(String),
    /// A recovery code, normalised (lower case, no separators).
    Recovery(String),
}

/// Reads the second factor typed: six digits (spaces allowed, as apps show
/// them in two groups) are a code; anything else is taken as a recovery
/// code, with case, spaces and dashes ignored.
pub fn read_input(raw: &str) -> Option<SecondFactorInput> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.is_empty() {
        return None;
    }
    if compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit()) {
        return Some(SecondFactorInput::Code(compact));
    }
    Some(SecondFactorInput::Recovery(compact.to_ascii_lowercase()))
}

/// The alphabet of recovery codes: lower-case letters and digits without
/// the look-alikes (0/o, 1/l/i), so that a printed code is read back right.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Characters of a recovery code (two groups of five when shown): 50 bits.
pub const RECOVERY_CODE_LEN: usize = 10;

/// A recovery code as shown: `abcde-fghjk`.
pub fn show_recovery_code(normalised: &str) -> String {
    match normalised.get(..5).zip(normalised.get(5..)) {
        Some((a, b)) => format!("{a}-{b}"),
        None => normalised.to_owned(),
    }
}

/// How a recovery code typed matched the account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryMatch {
    /// One not used yet: this one (its index among the account's).
    Unused(usize),
    /// One used already.
    Used,
    None,
}

/// A recovery code serves once: an unused one is accepted, a used one
/// refused by name, anything else is a wrong code.
pub fn accept_recovery(found: RecoveryMatch) -> Result<usize, SecondFactorRefusal> {
    match found {
        RecoveryMatch::Unused(i) => Ok(i),
        RecoveryMatch::Used => Err(SecondFactorRefusal::RecoveryCodeUsed),
        RecoveryMatch::None => Err(SecondFactorRefusal::WrongCode),
    }
}

/// Who may enrol: staff, who sign in to the console with a password.
/// Navigators use the tablet app, whose device is their second factor.
pub fn may_enrol(role: Role) -> bool {
    Role::STAFF.contains(&role)
}

/// Reads the roles that must have a second factor, from configuration
/// (`admin,hr`): comma-separated role names, blanks ignored. A Navigator
/// cannot enrol, so requiring it would lock every Navigator out: refused.
pub fn parse_required_roles(raw: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let role = Role::parse(&name.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown role {name:?}"))?;
        if !may_enrol(role) {
            return Err(format!("role {name:?} cannot enrol a second factor"));
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// What a right password opens for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSignIn {
    /// A full session, nothing more asked.
    Session,
    /// The account has a second factor: its code is asked too.
    CodeAsked,
    /// The role must have a second factor and the account has none: a
    /// session that only enrols one.
    EnrolmentOnly,
}

/// What a right password opens, by role, the roles required to have a
/// second factor, and whether the account has a confirmed one.
pub fn password_sign_in(role: Role, required: &[Role], enrolled: bool) -> PasswordSignIn {
    if enrolled {
        PasswordSignIn::CodeAsked
    } else if required.contains(&role) && may_enrol(role) {
        PasswordSignIn::EnrolmentOnly
    } else {
        PasswordSignIn::Session
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_step_of_skew_either_side_and_no_more() {
        // 1_000_000_000 s is step 33_333_333 (plus 10 s).
        let t = 1_000_000_000;
        assert_eq!(step_of(t), 33_333_333);
        assert_eq!(accepted_steps(t), 33_333_332..=33_333_334);
        assert!(!accepted_steps(t).contains(&33_333_331));
        assert!(!accepted_steps(t).contains(&33_333_335));
        // At the epoch there is no step before.
        assert_eq!(accepted_steps(0), 0..=1);
    }

    #[test]
    fn a_step_is_accepted_once_and_never_an_older_one() {
        assert_eq!(accept_step(Some(10), None), Ok(10));
        assert_eq!(accept_step(Some(11), Some(10)), Ok(11));
        assert_eq!(
            accept_step(Some(10), Some(10)),
            Err(SecondFactorRefusal::Replayed)
        );
        assert_eq!(
            accept_step(Some(9), Some(10)),
            Err(SecondFactorRefusal::Replayed)
        );
        assert_eq!(
            accept_step(None, Some(10)),
            Err(SecondFactorRefusal::WrongCode)
        );
    }

    #[test]
    fn six_digits_are_a_code_anything_else_a_recovery_code() {
        assert_eq!(
            read_input(" 123 456 "),
            Some(SecondFactorInput::Code("123456".into()))
        );
        assert_eq!(
            read_input("ABCDE-fghjk"),
            Some(SecondFactorInput::Recovery("abcdefghjk".into()))
        );
        assert_eq!(
            read_input("12345"),
            Some(SecondFactorInput::Recovery("12345".into()))
        );
        assert_eq!(read_input("  - "), None);
    }

    #[test]
    fn a_recovery_code_serves_once() {
        assert_eq!(accept_recovery(RecoveryMatch::Unused(3)), Ok(3));
        assert_eq!(
            accept_recovery(RecoveryMatch::Used),
            Err(SecondFactorRefusal::RecoveryCodeUsed)
        );
        assert_eq!(
            accept_recovery(RecoveryMatch::None),
            Err(SecondFactorRefusal::WrongCode)
        );
        assert_eq!(show_recovery_code("abcdefghjk"), "abcde-fghjk");
    }

    #[test]
    fn recovery_codes_avoid_look_alike_characters() {
        for c in b"01ilo" {
            assert!(!RECOVERY_ALPHABET.contains(c), "{}", *c as char);
        }
    }

    #[test]
    fn required_roles_are_read_from_configuration() {
        assert_eq!(parse_required_roles(""), Ok(vec![]));
        assert_eq!(
            parse_required_roles(" admin, HR ,admin"),
            Ok(vec![Role::Admin, Role::Hr])
        );
        assert!(parse_required_roles("admin,boss").is_err());
        assert!(parse_required_roles("navigator").is_err());
    }

    #[test]
    fn a_required_role_without_a_second_factor_only_enrols() {
        let required = [Role::Admin, Role::Hr];
        assert_eq!(
            password_sign_in(Role::Hr, &required, false),
            PasswordSignIn::EnrolmentOnly
        );
        assert_eq!(
            password_sign_in(Role::Hr, &required, true),
            PasswordSignIn::CodeAsked
        );
        // Not required, but enrolled of their own will: asked all the same.
        assert_eq!(
            password_sign_in(Role::Trainer, &required, true),
            PasswordSignIn::CodeAsked
        );
        assert_eq!(
            password_sign_in(Role::Coordinator, &required, false),
            PasswordSignIn::Session
        );
        assert_eq!(
            password_sign_in(Role::Navigator, &[Role::Navigator], false),
            PasswordSignIn::Session
        );
        assert!(!may_enrol(Role::Navigator));
        assert!(Role::STAFF.iter().all(|r| may_enrol(*r)));
    }
}
