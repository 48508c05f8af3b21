//! Short-lived JWT access tokens (HS256 pinned; `exp`, `iss`, `aud` checked)
//! and opaque random tokens stored only as hashes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use chrono::{Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::TokenProblem;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: String,
    /// Region scope (coordinators).
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigator_id: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The session (refresh-token family) the token belongs to: revoking
    /// the session stops the token on the next request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// What the token is limited to, when it is: [`ENROLMENT_SCOPE`] for a
    /// session that may only enrol a second factor. Absent, no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The scope of a session that may only enrol a second factor (the role
/// requires one and the account has none yet).
pub const ENROLMENT_SCOPE: &str = "totp-enrolment";

pub struct JwtKeys {
    /// `None` for an empty secret, which jsonwebtoken refuses: such keys sign
    /// nothing and accept nothing. Startup never passes one (32 bytes or more).
    keys: Option<(EncodingKey, DecodingKey)>,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl: Duration,
    /// Tokens whose signature and claims were checked, by their text. A
    /// tablet polls with one token for its quarter of an hour: checking the
    /// signature and parsing the claims again on every poll was the
    /// largest cost of a poll after its read. Only the expiry changes with
    /// time, and it is checked on every use; revocation and cut-off are
    /// checked by the caller on every request either way.
    verified: RwLock<HashMap<String, Arc<Claims>>>,
}

/// Verified tokens remembered at most: more than the tablets and staff
/// signed in within one token lifetime. Past it the memory is emptied and
/// fills again.
const MOST_REMEMBERED: usize = 20_000;

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            keys: EncodingKey::from_secret(secret)
                .and_then(|e| Ok((e, DecodingKey::from_secret(secret)?)))
                .ok(),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            access_ttl,
            verified: RwLock::new(HashMap::new()),
        }
    }

    pub fn issue(
        &self,
        user_id: &str,
        role: &str,
        regions: &[String],
        navigator_id: Option<&str>,
        sid: Option<&str>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.issue_scoped(user_id, role, regions, navigator_id, sid, None)
    }

    /// As [`JwtKeys::issue`], limited to `scope` when given.
    pub fn issue_scoped(
        &self,
        user_id: &str,
        role: &str,
        regions: &[String],
        navigator_id: Option<&str>,
        sid: Option<&str>,
        scope: Option<&str>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let claims = Claims {
            sub: user_id.to_owned(),
            role: role.to_owned(),
            regions: regions.to_vec(),
            navigator_id: navigator_id.map(str::to_owned),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            exp: (now + self.access_ttl).timestamp(),
            jti: uuid::Uuid::new_v4().to_string(),
            sid: sid.map(str::to_owned),
            scope: scope.map(str::to_owned),
        };
        let (encoding, _) = self.keys.as_ref().ok_or(ErrorKind::InvalidKeyFormat)?;
        encode(&Header::new(Algorithm::HS256), &claims, encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Arc<Claims>, TokenProblem> {
        let (_, decoding) = self.keys.as_ref().ok_or(TokenProblem::Invalid)?;
        let remembered = self
            .verified
            .read()
            .ok()
            .and_then(|m| m.get(token).cloned());
        if let Some(claims) = remembered {
            // As jsonwebtoken judges it: expired once `exp` is more than
            // the leeway in the past.
            let leeway = i64::try_from(self.validation.leeway).unwrap_or(i64::MAX);
            if claims.exp.saturating_add(leeway) < Utc::now().timestamp() {
                if let Ok(mut m) = self.verified.write() {
                    m.remove(token);
                }
                return Err(TokenProblem::Expired);
            }
            return Ok(claims);
        }
        let claims = decode::<Claims>(token, decoding, &self.validation)
            .map(|data| Arc::new(data.claims))
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenProblem::Expired,
                ErrorKind::InvalidAudience => TokenProblem::WrongAudience,
                ErrorKind::InvalidIssuer => TokenProblem::WrongIssuer,
                _ => TokenProblem::Invalid,
            })?;
        if let Ok(mut m) = self.verified.write() {
            if m.len() >= MOST_REMEMBERED {
                m.clear();
            }
            m.insert(token.to_owned(), Arc::clone(&claims));
        }
        Ok(claims)
    }
}

/// 256 random bits, URL-safe: for refresh tokens and mailed links.
pub fn opaque_token() -> String {
    let mut bytes = [0_u8; 32];
    UnwrapErr(SysRng).fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Only this digest is stored: a leaked table holds no usable token.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random signing key, for a start without `NAVIGATOR_JWT_SECRET`.
pub fn random_secret() -> Vec<u8> {
    let mut bytes = vec![0_u8; 64];
    UnwrapErr(SysRng).fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(
            b"secret-for-tests-secret-for-tests",
            "iss-a",
            "aud-a",
            Duration::minutes(15),
        )
    }

    #[test]
    fn a_token_round_trips() {
        let k = keys();
        let t = k
            .issue("u1", "coordinator", &["12".into()], None, Some("f1"))
            .unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.role.as_str(), c.regions.as_slice()),
            ("u1", "coordinator", &["12".to_owned()][..])
        );
        assert_eq!(c.sid.as_deref(), Some("f1"));
    }

    #[test]
    fn wrong_audience_issuer_key_and_expiry_are_refused() {
        let k = keys();
        let other_aud = JwtKeys::new(
            b"secret-for-tests-secret-for-tests",
            "iss-a",
            "aud-b",
            Duration::minutes(15),
        );
        let t = other_aud.issue("u1", "hr", &[], None, None).unwrap();
        assert_eq!(k.verify(&t), Err(TokenProblem::WrongAudience));
        let other_iss = JwtKeys::new(
            b"secret-for-tests-secret-for-tests",
            "iss-b",
            "aud-a",
            Duration::minutes(15),
        );
        let t = other_iss.issue("u1", "hr", &[], None, None).unwrap();
        assert_eq!(k.verify(&t), Err(TokenProblem::WrongIssuer));
        let forged = JwtKeys::new(
            b"another-key-another-key-another!",
            "iss-a",
            "aud-a",
            Duration::minutes(15),
        );
        let t = forged.issue("u1", "admin", &[], None, None).unwrap();
        assert_eq!(k.verify(&t), Err(TokenProblem::Invalid));
        let expired = JwtKeys::new(
            b"secret-for-tests-secret-for-tests",
            "iss-a",
            "aud-a",
            Duration::minutes(-10),
        );
        let t = expired.issue("u1", "hr", &[], None, None).unwrap();
        assert_eq!(k.verify(&t), Err(TokenProblem::Expired));
        assert_eq!(k.verify("not.a.jwt"), Err(TokenProblem::Invalid));
    }

    #[test]
    fn a_remembered_token_is_still_refused_once_expired() {
        let k = keys();
        let t = k.issue("u1", "hr", &[], None, None).unwrap();
        let first = k.verify(&t).unwrap();
        assert_eq!(k.verify(&t).unwrap(), first, "the same claims again");
        // The same token, its expiry now past (what a quarter of an hour
        // does to a remembered token).
        let mut stale = (*first).clone();
        stale.exp = Utc::now().timestamp() - 6;
        k.verified
            .write()
            .unwrap()
            .insert(t.clone(), Arc::new(stale));
        assert_eq!(k.verify(&t), Err(TokenProblem::Expired));
        assert!(!k.verified.read().unwrap().contains_key(&t), "forgotten");
        // Within the leeway it is still good, as for a token checked anew.
        let mut late = (*first).clone();
        late.exp = Utc::now().timestamp() - 2;
        k.verified
            .write()
            .unwrap()
            .insert(t.clone(), Arc::new(late));
        assert!(k.verify(&t).is_ok());
    }

    #[test]
    fn a_refused_token_is_not_remembered_and_memory_is_bounded() {
        let k = keys();
        let forged = JwtKeys::new(
            b"another-key-another-key-another!",
            "iss-a",
            "aud-a",
            Duration::minutes(15),
        );
        let t = forged.issue("u1", "admin", &[], None, None).unwrap();
        assert_eq!(k.verify(&t), Err(TokenProblem::Invalid));
        assert_eq!(k.verify(&t), Err(TokenProblem::Invalid));
        assert!(k.verified.read().unwrap().is_empty());
        let claims = k
            .verify(&k.issue("u1", "hr", &[], None, None).unwrap())
            .unwrap();
        {
            let mut m = k.verified.write().unwrap();
            for i in 0..MOST_REMEMBERED {
                m.insert(format!("token-{i}"), Arc::clone(&claims));
            }
        }
        let t = k.issue("u2", "hr", &[], None, None).unwrap();
        assert!(k.verify(&t).is_ok());
        assert_eq!(
            k.verified.read().unwrap().len(),
            1,
            "emptied, then this one"
        );
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let exp = Utc::now().timestamp() + 600;
        let body = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"u1","role":"admin","iss":"iss-a","aud":"aud-a","iat":0,"exp":{exp},"jti":"x"}}"#
        ));
        assert_eq!(
            keys().verify(&format!("{header}.{body}.")),
            Err(TokenProblem::Invalid)
        );
    }

    #[test]
    fn an_empty_key_signs_nothing_and_accepts_nothing() {
        let empty = JwtKeys::new(b"", "iss-a", "aud-a", Duration::minutes(15));
        assert!(empty.issue("u1", "hr", &[], None, None).is_err());
        let t = keys().issue("u1", "hr", &[], None, None).unwrap();
        assert_eq!(empty.verify(&t), Err(TokenProblem::Invalid));
    }

    #[test]
    fn opaque_tokens_are_unique_and_hashed() {
        let a = opaque_token();
        assert_ne!(a, opaque_token());
        assert_eq!(a.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }

    #[test]
    fn the_stored_digest_is_lowercase_hex_sha256() {
        // Stored refresh and link tokens are looked up by this exact text.
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
