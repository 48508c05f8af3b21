//! People and rights (DOMAIN.md §10): roles, Region scopes, credentials and
//! the life of refresh and one-time tokens.

use crate::RuleCode;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::reference::RegionCode;
use crate::violation::{Violation, Violations};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Self only: own profile, contract, kit, assignment, training.
    Navigator,
    /// Own Region(s): Navigators and CPIs of the Region, assignments, validation.
    Coordinator,
    /// Classroom sessions and attendance.
    Trainer,
    /// National: selections, rankings, offers, contracts, equipment, reports.
    Hr,
    /// National: users, roles, reference data, conventions, training paths.
    Admin,
    /// National, for the questions service: ANPAL Servizi specialists who
    /// take and answer the Navigators' questions.
    Expert,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::Navigator,
        Self::Coordinator,
        Self::Trainer,
        Self::Hr,
        Self::Admin,
        Self::Expert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Navigator => "navigator",
            Self::Coordinator => "coordinator",
            Self::Trainer => "trainer",
            Self::Hr => "hr",
            Self::Admin => "admin",
            Self::Expert => "expert",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// Roles whose scope is the whole country. An expert answers
    /// questions from every Region; what else each role may open is the
    /// role's own list of operations.
    pub fn is_national(self) -> bool {
        matches!(self, Self::Hr | Self::Admin | Self::Expert)
    }

    /// Whether this role may create and deactivate accounts of `role`:
    /// administrators any account, HR only the experts' (HR staffs the
    /// questions service but must not hand out HR or admin rights).
    pub fn manages_accounts_of(self, role: Role) -> bool {
        match self {
            Self::Admin => true,
            Self::Hr => role == Self::Expert,
            Self::Navigator | Self::Coordinator | Self::Trainer | Self::Expert => false,
        }
    }

    /// The staff roles, who work in the back-office console (the experts
    /// answer the Navigators' questions there).
    pub const STAFF: [Role; 5] = [
        Self::Admin,
        Self::Hr,
        Self::Coordinator,
        Self::Trainer,
        Self::Expert,
    ];
}

/// Where a console session stands: the back office ends a session left
/// idle, and any session some hours after its sign-in however busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleSessionState {
    Live,
    /// Nothing asked of it for longer than the idle limit.
    Idle,
    /// Older than the absolute limit since its sign-in.
    Expired,
}

/// The state of a console session signed in at `signed_in_at` and last
/// used at `last_seen_at`, at `now`.
pub fn console_session_state(
    signed_in_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
    idle: Duration,
    absolute: Duration,
) -> ConsoleSessionState {
    if now - signed_in_at >= absolute {
        ConsoleSessionState::Expired
    } else if now - last_seen_at >= idle {
        ConsoleSessionState::Idle
    } else {
        ConsoleSessionState::Live
    }
}

/// An e-mail address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    /// A pragmatic check: one `@`, a non-empty local part, a dotted domain,
    /// no spaces or control characters. Delivery is the real proof.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let e = raw.trim().to_lowercase();
        let valid = e.len() <= Self::MAX_LEN
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && match e.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                        && domain
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                }
                None => false,
            };
        if valid {
            Ok(Self(e))
        } else {
            Err(Violation::new(field, RuleCode::InvalidEmail))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Passwords: long rather than complex (NIST SP 800-63B).
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

pub fn check_password(field: &str, password: &str, email: Option<&Email>) -> Result<(), Violation> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(
            Violation::new(field, RuleCode::PasswordTooShort).with_detail(PASSWORD_MIN_CHARS)
        );
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(
            Violation::new(field, RuleCode::PasswordTooLong).with_detail(PASSWORD_MAX_CHARS)
        );
    }
    if email.is_some_and(|e| password.trim().eq_ignore_ascii_case(e.as_str())) {
        return Err(Violation::new(field, RuleCode::PasswordIsEmail));
    }
    if crate::common_passwords::is_common(password) {
        return Err(Violation::new(field, RuleCode::PasswordTooCommon));
    }
    Ok(())
}

/// An account ready to be stored: role and scope consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: Email,
    pub role: Role,
    pub regions: Vec<RegionCode>,
    pub navigator_id: Option<Uuid>,
}

impl NewAccount {
    /// Coordinators act within one or more Regions; nobody else carries a
    /// Region scope. A Navigator account belongs to one Navigator record.
    pub fn parse(
        email: &str,
        role: Role,
        regions: &[String],
        navigator_id: Option<Uuid>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let email = Email::parse("email", email).map_err(|e| v.push(e)).ok();
        let mut codes = Vec::new();
        for (i, r) in regions.iter().enumerate() {
            match RegionCode::parse(&format!("regions[{i}]"), r) {
                Ok(c) if !codes.contains(&c) => codes.push(c),
                Ok(_) => v.push(
                    Violation::new(format!("regions[{i}]"), RuleCode::Duplicate).with_detail(r),
                ),
                Err(e) => v.push(e),
            }
        }
        match role {
            Role::Coordinator if regions.is_empty() => {
                v.push(Violation::new("regions", RuleCode::CoordinatorNeedsRegion))
            }
            Role::Coordinator => {}
            _ if !regions.is_empty() => v.push(Violation::new(
                "regions",
                RuleCode::RegionScopeOnlyForCoordinators,
            )),
            _ => {}
        }
        match (role, navigator_id) {
            (Role::Navigator, None) => v.push(Violation::new(
                "navigator_id",
                RuleCode::NavigatorAccountNeedsNavigator,
            )),
            (Role::Navigator, Some(_)) | (_, None) => {}
            (_, Some(_)) => v.push(Violation::new(
                "navigator_id",
                RuleCode::NavigatorIdOnlyForNavigators,
            )),
        }
        match (v.is_empty(), email) {
            (true, Some(email)) => Ok(Self {
                email,
                role,
                regions: codes,
                navigator_id,
            }),
            _ => Err(v),
        }
    }
}

/// What a presented refresh token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshTokenState {
    Unused,
    /// Already exchanged for a newer pair, at that moment.
    Spent(DateTime<Utc>),
    /// Revoked by logout, reuse detection or account disablement.
    Revoked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Issue a new pair in the same family and spend this token.
    Rotate,
    /// The token was spent moments ago: a retry of the same refresh (or one
    /// of several sent at once), not a stolen copy. Issue another pair in
    /// the same family.
    RotateAgain,
    /// A spent token came back: someone holds a copy. Revoke the whole family.
    RevokeFamily,
    /// Refuse without side effects.
    Refuse,
}

/// How long a spent refresh token may come back without being taken for a
/// stolen copy. A tablet on a flaky network loses the answer to a refresh
/// and retries it, or sends several at once; revoking the family then would
/// log the tablet out. Half a minute covers retries with backoff, while a
/// copy replayed later still revokes the family (OAuth 2.0 Security BCP
/// §4.14.2 allows such a grace period).
pub const REFRESH_REUSE_GRACE_SECONDS: i64 = 30;

/// Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP §4.14).
pub fn decide_refresh(
    state: RefreshTokenState,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RefreshDecision {
    match state {
        RefreshTokenState::Spent(at)
            if now - at < Duration::seconds(REFRESH_REUSE_GRACE_SECONDS) && now < expires_at =>
        {
            RefreshDecision::RotateAgain
        }
        RefreshTokenState::Spent(_) => RefreshDecision::RevokeFamily,
        RefreshTokenState::Revoked => RefreshDecision::Refuse,
        RefreshTokenState::Unused if now >= expires_at => RefreshDecision::Refuse,
        RefreshTokenState::Unused => RefreshDecision::Rotate,
    }
}

/// Mailed single-use tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTimePurpose {
    Activation,
    PasswordReset,
}

impl OneTimePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "activation" => Some(Self::Activation),
            "password_reset" => Some(Self::PasswordReset),
            _ => None,
        }
    }

    /// An activation link waits for a new colleague for a week; a reset link
    /// is for someone at the keyboard now.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::Activation => Duration::days(7),
            Self::PasswordReset => Duration::hours(1),
        }
    }
}

/// A one-time token may set a password once, before it expires.
pub fn one_time_token_usable(used: bool, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    !used && now < expires_at
}

#[cfg(test)]
mod tests {
    #[test]
    fn console_sessions_end_when_idle_or_old() {
        use super::{console_session_state, ConsoleSessionState as S};
        use chrono::{Duration, TimeZone, Utc};
        let at =
            |m: i64| Utc.with_ymd_and_hms(2019, 7, 31, 8, 0, 0).unwrap() + Duration::minutes(m);
        let (idle, absolute) = (Duration::minutes(30), Duration::hours(10));
        assert_eq!(
            console_session_state(at(0), at(0), at(29), idle, absolute),
            S::Live
        );
        assert_eq!(
            console_session_state(at(0), at(0), at(30), idle, absolute),
            S::Idle
        );
        // Busy all day: still ended ten hours after signing in.
        assert_eq!(
            console_session_state(at(0), at(599), at(599), idle, absolute),
            S::Live
        );
        assert_eq!(
            console_session_state(at(0), at(599), at(600), idle, absolute),
            S::Expired
        );
    }

    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", " Mario.Rossi@Anpal.IT ")
                .unwrap()
                .as_str(),
            "mario.rossi@anpal.it"
        );
        for bad in [
            "",
            "mario",
            "mario@",
            "@anpal.it",
            "mario@anpal",
            "ma rio@anpal.it",
            "a@b@c.it",
            "m@.it",
            "m@it.",
            "m@a..it",
        ] {
            let err = Email::parse("email", bad).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.code.as_str()),
                ("email", "invalid-email"),
                "{bad}"
            );
        }
        let long = format!("{}@anpal.it", "a".repeat(65));
        assert!(Email::parse("email", &long).is_err());
    }

    #[test]
    fn passwords_are_long_and_not_the_email() {
        let email = Email::parse("e", "mario@anpal.it").unwrap();
        assert_eq!(
            check_password("p", "short", None).unwrap_err().code,
            "password-too-short"
        );
        assert_eq!(
            check_password("p", &"x".repeat(129), None)
                .unwrap_err()
                .code,
            "password-too-long"
        );
        assert_eq!(
            check_password("p", "MARIO@anpal.it", Some(&email))
                .unwrap_err()
                .code,
            "password-is-email"
        );
        assert!(check_password("p", "una frase lunga abbastanza", Some(&email)).is_ok());
        assert_eq!(
            check_password("p", "password1234", None).unwrap_err().code,
            RuleCode::PasswordTooCommon
        );
    }

    #[test]
    fn only_coordinators_carry_regions_and_they_must() {
        let none: Vec<String> = vec![];
        let lazio = vec!["12".to_owned()];
        assert!(NewAccount::parse("c@anpal.it", Role::Coordinator, &lazio, None).is_ok());
        let e = NewAccount::parse("c@anpal.it", Role::Coordinator, &none, None).unwrap_err();
        assert_eq!(e.0[0].code, "coordinator-needs-region");
        let e = NewAccount::parse("h@anpal.it", Role::Hr, &lazio, None).unwrap_err();
        assert_eq!(e.0[0].code, "region-scope-only-for-coordinators");
        let e = NewAccount::parse(
            "c@anpal.it",
            Role::Coordinator,
            &["12".into(), "12".into()],
            None,
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "duplicate");
        let e =
            NewAccount::parse("c@anpal.it", Role::Coordinator, &["99".into()], None).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("regions[0]", "invalid-region-code")
        );
    }

    #[test]
    fn navigator_accounts_belong_to_a_navigator() {
        let none: Vec<String> = vec![];
        let id = Uuid::now_v7();
        assert!(NewAccount::parse("n@anpal.it", Role::Navigator, &none, Some(id)).is_ok());
        let e = NewAccount::parse("n@anpal.it", Role::Navigator, &none, None).unwrap_err();
        assert_eq!(e.0[0].code, "navigator-account-needs-navigator");
        let e = NewAccount::parse("a@anpal.it", Role::Admin, &none, Some(id)).unwrap_err();
        assert_eq!(e.0[0].code, "navigator-id-only-for-navigators");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e =
            NewAccount::parse("bad", Role::Hr, &["12".into()], Some(Uuid::now_v7())).unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                "invalid-email",
                "region-scope-only-for-coordinators",
                "navigator-id-only-for-navigators"
            ]
        );
    }

    #[test]
    fn refresh_rotation_and_reuse_detection() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        assert_eq!(
            decide_refresh(RefreshTokenState::Unused, later, now),
            RefreshDecision::Rotate
        );
        assert_eq!(
            decide_refresh(RefreshTokenState::Unused, now, now),
            RefreshDecision::Refuse
        );
        let long_ago = now - Duration::minutes(5);
        assert_eq!(
            decide_refresh(RefreshTokenState::Spent(long_ago), later, now),
            RefreshDecision::RevokeFamily
        );
        // A spent token replayed after expiry still betrays a stolen copy.
        assert_eq!(
            decide_refresh(RefreshTokenState::Spent(long_ago), now, later),
            RefreshDecision::RevokeFamily
        );
        // Within the grace window it is a retry.
        let moments_ago = now - Duration::seconds(REFRESH_REUSE_GRACE_SECONDS - 1);
        assert_eq!(
            decide_refresh(RefreshTokenState::Spent(moments_ago), later, now),
            RefreshDecision::RotateAgain
        );
        let just_past = now - Duration::seconds(REFRESH_REUSE_GRACE_SECONDS);
        assert_eq!(
            decide_refresh(RefreshTokenState::Spent(just_past), later, now),
            RefreshDecision::RevokeFamily
        );
        assert_eq!(
            decide_refresh(RefreshTokenState::Revoked, later, now),
            RefreshDecision::Refuse
        );
    }

    #[test]
    fn one_time_tokens_are_single_use_and_expire() {
        let now = Utc::now();
        let exp = now + OneTimePurpose::PasswordReset.lifetime();
        assert!(one_time_token_usable(false, exp, now));
        assert!(!one_time_token_usable(true, exp, now));
        assert!(!one_time_token_usable(false, exp, exp));
        assert!(OneTimePurpose::Activation.lifetime() > OneTimePurpose::PasswordReset.lifetime());
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("superuser"), None);
        assert!(Role::Hr.is_national() && Role::Admin.is_national());
        assert!(Role::Expert.is_national());
        assert!(!Role::Coordinator.is_national());
        assert_eq!(Role::parse("expert"), Some(Role::Expert));
    }

    #[test]
    fn admins_manage_every_account_and_hr_only_experts() {
        for r in Role::ALL {
            assert!(Role::Admin.manages_accounts_of(r), "{r:?}");
            assert_eq!(Role::Hr.manages_accounts_of(r), r == Role::Expert, "{r:?}");
            for other in [
                Role::Navigator,
                Role::Coordinator,
                Role::Trainer,
                Role::Expert,
            ] {
                assert!(!other.manages_accounts_of(r), "{other:?} manages {r:?}");
            }
        }
    }
}
