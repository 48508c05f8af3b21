//! The crypto of the second factor: TOTP secrets and codes (by `totp-rs`,
//! RFC 6238 with SHA-1, six digits, 30-second steps, as every authenticator
//! app reads an `otpauth://` URI), and recovery codes.

use domain::second_factor::{self as rules, RECOVERY_ALPHABET, RECOVERY_CODE_LEN};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::Rng as _;
use totp_rs::{Builder, Secret, Totp};

use crate::error::{ApiError, ApiResult};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Navigator Ops";

/// A fresh secret of 160 bits (RFC 4226's recommendation), in base32.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 20];
    UnwrapErr(SysRng).fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// The TOTP of a stored secret, for the account `email`. Each check looks
/// at one step: which steps are tried is the domain's rule.
fn totp(secret_base32: &str, email: &str) -> ApiResult<Totp> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|_| {
        tracing::error!("a stored TOTP secret is not base32");
        ApiError::Internal
    })?;
    Builder::new()
        .with_secret(secret)
        .with_skew(0)
        .with_step_duration(rules::STEP_SECONDS)
        // A `:` would break the URI's label; an email has none, but a
        // stored address is not this code's to trust.
        .with_account_name(email.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "cannot build a TOTP from a stored secret");
            ApiError::Internal
        })
}

/// The `otpauth://` URI an authenticator app reads (as a QR code or typed).
pub fn otpauth_uri(secret_base32: &str, email: &str) -> ApiResult<String> {
    totp(secret_base32, email)?.to_url().map_err(|e| {
        tracing::error!(error = %e, "cannot write the otpauth URI");
        ApiError::Internal
    })
}

/// The step among those accepted at `unix_seconds` whose code is `code`.
pub fn matching_step(
    secret_base32: &str,
    email: &str,
    code: &str,
    unix_seconds: u64,
) -> ApiResult<Option<u64>> {
    let totp = totp(secret_base32, email)?;
    Ok(rules::accepted_steps(unix_seconds)
        .find(|&step| totp.check(code, step * rules::STEP_SECONDS) == Some(step)))
}

/// A fresh recovery code, normalised (ten characters of
/// [`RECOVERY_ALPHABET`]).
pub fn new_recovery_code() -> String {
    let n = RECOVERY_ALPHABET.len();
    // The largest multiple of the alphabet's size a byte holds: bytes above
    // it are drawn again, so that every character is equally likely.
    let limit = 256 - 256 % n;
    let mut rng = UnwrapErr(SysRng);
    let mut code = String::with_capacity(RECOVERY_CODE_LEN);
    while code.len() < RECOVERY_CODE_LEN {
        let mut byte = [0_u8; 1];
        rng.fill_bytes(&mut byte);
        let b = usize::from(byte[0]);
        if b < limit {
            code.push(char::from(RECOVERY_ALPHABET[b % n]));
        }
    }
    code
}

/// The current Unix time in seconds.
pub fn unix_now(now: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_of_a_step_matches_within_one_step_and_not_beyond() {
        let secret = new_secret();
        let t = totp(&secret, "hr@example.org").unwrap();
        let now = 1_800_000_015_u64;
        let step = now / 30;
        let code_at = |s: u64| t.generate(s * 30).to_string();
        for (offset, expected) in [
            (0_i64, true),
            (-1, true),
            (1, true),
            (-3, false),
            (3, false),
        ] {
            let s = step.checked_add_signed(offset).unwrap();
            let found = matching_step(&secret, "hr@example.org", &code_at(s), now).unwrap();
            assert_eq!(found == Some(s), expected, "offset {offset}");
        }
        assert_eq!(
            matching_step(&secret, "hr@example.org", "12345", now).unwrap(),
            None
        );
    }

    #[test]
    fn the_rfc_6238_test_vector_holds() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (eight digits);
        // six digits are its last six.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let t = totp(&secret, "x").unwrap();
        assert_eq!(t.generate(59).to_string(), "287082");
    }

    #[test]
    fn recovery_codes_are_ten_characters_of_the_alphabet_and_differ() {
        let a = new_recovery_code();
        let b = new_recovery_code();
        assert_eq!(a.len(), RECOVERY_CODE_LEN);
        assert!(a.bytes().all(|c| RECOVERY_ALPHABET.contains(&c)));
        assert_ne!(a, b);
        let uri = otpauth_uri(&new_secret(), "hr@example.org").unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    }
}
