//! The OpenID Connect client of the console's single sign-on: the
//! authorization code flow with PKCE (S256), `state` and `nonce`.
//!
//! The provider's endpoints come from its discovery document and its keys
//! from its JWKS, both fetched when first needed and kept for an hour (the
//! keys fetched again at once when an ID token names a key not seen yet, as
//! a provider rotates them). The ID token's signature is checked with those
//! keys by `jsonwebtoken` (asymmetric algorithms only), and its `iss`,
//! `aud` (and `azp`), `exp`, `iat` and `nonce` here.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::Settings;

/// The return address registered with the provider, under the redirect base.
pub const RETURN_PATH: &str = "/console/accedi/sso/ritorno";

/// How long the discovery document and the keys are kept.
const KEPT_FOR: Duration = Duration::from_secs(3600);

/// How long the provider may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a single sign-on did not open a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The provider could not be reached or answered something unusable.
    Unavailable,
    /// The return's state is unknown: used already, too old, or from
    /// another browser.
    StateUnknown,
    /// The provider said no (the person cancelled, or is not allowed).
    DeniedByProvider,
    /// The ID token was issued for another client.
    WrongAudience,
    /// The ID token has expired (or was issued in the future).
    Expired,
    /// The ID token's signature, issuer or nonce is wrong.
    InvalidToken,
    /// The ID token carries no email address (or one not verified).
    NoEmail,
    /// None of the person's groups gives a role.
    NoRole,
    /// No staff account has that email address (or it is cut off).
    NoAccount,
    /// The account is a Navigator's: Navigators never sign in this way.
    NotStaff,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unavailable => "provider-unavailable",
            Self::StateUnknown => "state-unknown",
            Self::DeniedByProvider => "denied-by-provider",
            Self::WrongAudience => "wrong-audience",
            Self::Expired => "expired",
            Self::InvalidToken => "invalid-token",
            Self::NoEmail => "no-email",
            Self::NoRole => "no-role",
            Self::NoAccount => "no-account",
            Self::NotStaff => "not-staff",
        }
    }
}

/// A URL setting must be https, except on the loopback (a provider
/// started on the same machine, for tests and trials).
pub fn check_url(setting: &str, raw: &str) -> Result<(), String> {
    let raw = raw.trim();
    let rest = if let Some(rest) = raw.strip_prefix("https://") {
        rest
    } else if let Some(rest) = raw.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let name = if host.starts_with('[') {
            host.split(']')
                .next()
                .map(|h| format!("{h}]"))
                .unwrap_or_default()
        } else {
            host.split(':').next().unwrap_or("").to_owned()
        };
        if !matches!(name.as_str(), "127.0.0.1" | "localhost" | "[::1]") {
            return Err(format!(
                "{setting} must be an https:// URL (http:// only on the loopback): {raw}"
            ));
        }
        rest
    } else {
        return Err(format!("{setting} must be an https:// URL: {raw}"));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("{setting} has no host: {raw}"));
    }
    Ok(())
}

/// The provider's endpoints and keys, as fetched.
#[derive(Clone)]
struct Discovered {
    authorization_endpoint: String,
    token_endpoint: String,
    keys: JwkSet,
    at: Instant,
}

#[derive(Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: Option<String>,
}

/// A sign-in about to be sent to the provider: the secrets its return must
/// match, and where to send the browser.
pub struct Departure {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    pub url: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub groups: Vec<String>,
}

/// The identity provider, as configured.
pub struct IdentityProvider {
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    scopes: String,
    groups_claim: String,
    leeway: u64,
    pub display_name: String,
    pub role_map: domain::single_sign_on::RoleMap,
    http: reqwest::Client,
    discovered: Mutex<Option<Discovered>>,
}

impl IdentityProvider {
    /// The provider of `settings`, or `None` when single sign-on is not
    /// configured.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        if !settings.single_sign_on_configured() {
            return Ok(None);
        }
        settings
            .check_single_sign_on()
            .map_err(|e| anyhow::anyhow!(e))?;
        let issuer = settings
            .oidc_issuer
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let base = settings
            .oidc_redirect_base
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or(&settings.public_url)
            .trim()
            .trim_end_matches('/')
            .to_owned();
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // Each actix worker runs its own runtime: no connection is
            // kept for another worker to pick up.
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Some(Self {
            issuer,
            client_id: settings.oidc_client_id.clone().unwrap_or_default(),
            client_secret: settings.oidc_client_secret.clone().unwrap_or_default(),
            redirect_uri: format!("{base}{RETURN_PATH}"),
            scopes: settings
                .oidc_scopes
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            groups_claim: settings.oidc_groups_claim.trim().to_owned(),
            leeway: settings.oidc_leeway_seconds,
            display_name: settings.oidc_display_name.clone(),
            role_map: settings.oidc_role_map.clone(),
            http,
            discovered: Mutex::new(None),
        }))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, Refusal> {
        let answer = self.http.get(url).send().await.map_err(|e| {
            tracing::warn!(url, error = %e, "identity provider unreachable");
            Refusal::Unavailable
        })?;
        if !answer.status().is_success() {
            tracing::warn!(url, status = %answer.status(), "identity provider refused a read");
            return Err(Refusal::Unavailable);
        }
        answer.json().await.map_err(|e| {
            tracing::warn!(url, error = %e, "identity provider answered something unreadable");
            Refusal::Unavailable
        })
    }

    /// The endpoints and keys: kept ones, or fetched again when older than
    /// an hour or when `fresh_keys` asks for it.
    async fn discovered(&self, fresh_keys: bool) -> Result<Discovered, Refusal> {
        let kept = self.discovered.lock().ok().and_then(|d| d.clone());
        if let Some(d) = kept.filter(|d| !fresh_keys && d.at.elapsed() < KEPT_FOR) {
            return Ok(d);
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let doc: DiscoveryDocument = self.get_json(&url).await?;
        // OpenID Connect Discovery §4.3: the document speaks for exactly
        // the issuer it was asked of.
        if doc.issuer != self.issuer {
            tracing::warn!(
                configured = %self.issuer,
                announced = %doc.issuer,
                "the identity provider announces another issuer"
            );
            return Err(Refusal::Unavailable);
        }
        let keys: JwkSet = self.get_json(&doc.jwks_uri).await?;
        let found = Discovered {
            authorization_endpoint: doc.authorization_endpoint,
            token_endpoint: doc.token_endpoint,
            keys,
            at: Instant::now(),
        };
        if let Ok(mut kept) = self.discovered.lock() {
            *kept = Some(found.clone());
        }
        Ok(found)
    }

    /// A new sign-in: fresh state, nonce and PKCE verifier, and the
    /// provider's address to send the browser to.
    pub async fn depart(&self) -> Result<Departure, Refusal> {
        let d = self.discovered(false).await?;
        let state = crate::auth::tokens::opaque_token();
        let nonce = crate::auth::tokens::opaque_token();
        let verifier = crate::auth::tokens::opaque_token();
        let challenge = pkce_challenge(&verifier);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", &self.scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let joint = if d.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(Departure {
            url: format!("{}{joint}{query}", d.authorization_endpoint),
            state,
            nonce,
            verifier,
        })
    }

    /// Whether an `iss` given with the return (RFC 9207) is this provider.
    pub fn is_issuer(&self, iss: &str) -> bool {
        iss == self.issuer
    }

    /// Trades the code for the ID token and checks it: who signed in.
    pub async fn arrive(
        &self,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<Identity, Refusal> {
        let d = self.discovered(false).await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code_verifier", verifier),
        ];
        // RFC 6749 §2.3.1: the id and secret are form-encoded, then Basic.
        let user = form_urlencoded::byte_serialize(self.client_id.as_bytes()).collect::<String>();
        let pass =
            form_urlencoded::byte_serialize(self.client_secret.as_bytes()).collect::<String>();
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let answer = self
            .http
            .post(&d.token_endpoint)
            .basic_auth(user, Some(pass))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "identity provider's token endpoint unreachable");
                Refusal::Unavailable
            })?;
        if !answer.status().is_success() {
            let status = answer.status();
            let text = answer.text().await.unwrap_or_default();
            tracing::warn!(%status, answer = %text.chars().take(300).collect::<String>(), "identity provider refused the code");
            // A code spent already or for another client: the provider's
            // own replay protection.
            return Err(Refusal::StateUnknown);
        }
        let tokens: TokenAnswer = answer.json().await.map_err(|e| {
            tracing::warn!(error = %e, "identity provider's token answer unreadable");
            Refusal::Unavailable
        })?;
        let id_token = tokens.id_token.ok_or(Refusal::InvalidToken)?;
        let claims = match self.verify(&id_token, &d.keys, nonce) {
            Err(Refusal::InvalidToken) if self.names_unknown_key(&id_token, &d.keys) => {
                let again = self.discovered(true).await?;
                self.verify(&id_token, &again.keys, nonce)?
            }
            other => other?,
        };
        self.identity(&claims)
    }

    fn names_unknown_key(&self, token: &str, keys: &JwkSet) -> bool {
        jsonwebtoken::decode_header(token)
            .ok()
            .and_then(|h| h.kid)
            .is_some_and(|kid| keys.find(&kid).is_none())
    }

    /// The ID token's claims, once its signature, issuer, audience, times
    /// and nonce are right.
    fn verify(&self, token: &str, keys: &JwkSet, nonce: &str) -> Result<Value, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::InvalidToken)?;
        // Never a shared-secret algorithm: the provider's keys are public.
        if !matches!(
            header.alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
                | Algorithm::ES256
                | Algorithm::ES384
                | Algorithm::EdDSA
        ) {
            return Err(Refusal::InvalidToken);
        }
        let jwk = match &header.kid {
            Some(kid) => keys.find(kid),
            None if keys.keys.len() == 1 => keys.keys.first(),
            None => None,
        }
        .ok_or(Refusal::InvalidToken)?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| Refusal::InvalidToken)?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_exp = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.client_id]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| {
            tracing::warn!(error = %e, "ID token refused");
            match e.kind() {
                ErrorKind::InvalidAudience => Refusal::WrongAudience,
                ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => Refusal::Expired,
                _ => Refusal::InvalidToken,
            }
        })?;
        let claims = data.claims;
        // Issued in the future: a wrong clock or a forged token.
        let now = chrono::Utc::now().timestamp();
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or(Refusal::InvalidToken)?;
        if iat > now + i64::try_from(self.leeway).unwrap_or(0) {
            return Err(Refusal::Expired);
        }
        // More than one audience: this client must be the authorized party.
        if let Some(list) = claims.get("aud").and_then(Value::as_array) {
            if list.len() > 1
                && claims.get("azp").and_then(Value::as_str) != Some(self.client_id.as_str())
            {
                return Err(Refusal::WrongAudience);
            }
        }
        let said = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
        if !same(said.as_bytes(), nonce.as_bytes()) {
            tracing::warn!("ID token with another nonce");
            return Err(Refusal::InvalidToken);
        }
        Ok(claims)
    }

    fn identity(&self, claims: &Value) -> Result<Identity, Refusal> {
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .ok_or(Refusal::InvalidToken)?
            .to_owned();
        let email = claims
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .ok_or(Refusal::NoEmail)?;
        // An address the provider says it has not verified names nobody.
        if claims.get("email_verified").and_then(Value::as_bool) == Some(false) {
            return Err(Refusal::NoEmail);
        }
        let groups = match claims.get(&self.groups_claim) {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(Identity {
            subject,
            email,
            groups,
        })
    }
}

/// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Compared in constant time: the nonce is a secret until it is used.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_rfc_7636s() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn urls_are_https_except_on_the_loopback() {
        assert!(check_url("X", "https://idp.regione.it/realms/staff").is_ok());
        assert!(check_url("X", "http://127.0.0.1:8081").is_ok());
        assert!(check_url("X", "http://localhost/realms/x").is_ok());
        assert!(check_url("X", "http://[::1]:9000").is_ok());
        let e = check_url("NAVIGATOR_OIDC_ISSUER", "http://idp.regione.it").unwrap_err();
        assert!(e.contains("NAVIGATOR_OIDC_ISSUER"), "{e}");
        assert!(check_url("X", "http://localhost.evil.it").is_err());
        assert!(check_url("X", "idp.regione.it").is_err());
        assert!(check_url("X", "https://").is_err());
    }
}
