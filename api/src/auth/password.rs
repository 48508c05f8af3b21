//! argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane). Hashing
//! is slow on purpose, so it always runs on the blocking pool.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

fn hasher() -> Argon2<'static> {
    // The parameters are constants known to be valid; `default()` is never reached.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string with a fresh 16-byte salt from the operating system.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(hasher().hash_password(password.as_bytes())?.to_string())
}

/// Verifies against `stored`, or against a dummy hash when there is none, so
/// an unknown account takes as long as a known one.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let real = stored.is_some();
    let phc = stored.unwrap_or_else(|| dummy_hash());
    let ok = PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    real && ok
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash("dummy password that matches no account").unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000".to_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_owasp_parameters_and_verifies() {
        let h = hash("una password lunga").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("una password lunga", Some(&h)));
        assert!(!verify("un'altra password", Some(&h)));
    }

    #[test]
    fn a_hash_stored_before_the_argon2_upgrade_still_verifies() {
        // Made by argon2 0.5 with the same parameters and a fixed salt: the
        // PHC string carries its own parameters, so stored hashes stay valid.
        let stored = "$argon2id$v=19$m=19456,t=2,p=1$bmF2aWdhdG9yLXNhbHQxNg$VJRWuQqxtS5ZpRr4/j3bQhHI842k9WSfVdEoyEUuzlQ";
        assert!(verify("una password scelta nel 2024", Some(stored)));
        assert!(!verify("una password scelta nel 2025", Some(stored)));
    }

    #[test]
    fn unknown_accounts_never_verify() {
        assert!(!verify("dummy password that matches no account", None));
    }
}
