//! Layered settings: defaults, then an optional TOML file, then `NAVIGATOR_*`
//! environment variables. A secret may also be given as a file named by
//! `NAVIGATOR_<NAME>_FILE` (a mounted Kubernetes or container secret), so it
//! never sits in the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    File,
    Smtp,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Deserialize)]
pub struct Settings {
    pub database_url: String,
    pub database_pool_size: u32,
    pub listen: String,
    /// HS256 signing key; a random one per start when unset.
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    /// A console session ends after this long without a page asked.
    pub console_idle_seconds: i64,
    /// A console session ends this long after its sign-in, however busy.
    pub console_absolute_seconds: i64,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub mail_transport: MailTransport,
    pub mail_dir: PathBuf,
    pub smtp_url: Option<String>,
    /// The SMTP password, when it is kept apart from `smtp_url` (the user
    /// name stays in the URL).
    pub smtp_password: Option<String>,
    pub mail_from: String,
    /// Whether this process delivers queued mail (every replica may).
    pub mail_sender: bool,
    pub mail_poll_millis: u64,
    pub mail_max_attempts: i64,
    /// Mails this process delivers at once (with SMTP, the connections it
    /// keeps open to the server).
    pub mail_connections: usize,
    /// This process's name to the mail outbox, kept across its restarts so
    /// that a restart takes back at once the mails its previous life had
    /// claimed. Unset: the host name and the listen port (a Kubernetes
    /// pod's host name is its pod's). Two live processes must not share it.
    pub instance: Option<String>,
    /// How often overdue offers are lapsed and ended contracts release their
    /// seats in the background (reads do it too).
    pub offer_lapse_seconds: u64,
    /// Days between a resignation's submission and its earliest effect.
    pub resignation_notice_days: u64,
    /// The most on-the-job hours one day may hold (DOMAIN.md §8.3).
    pub ojt_max_day_hours: u32,
    /// Fixes "today" (Europe/Rome) for demonstrations and tests; unset in production.
    pub today: Option<chrono::NaiveDate>,
    pub public_url: String,
    pub json_limit_bytes: usize,
    pub import_limit_bytes: usize,
    pub log_format: LogFormat,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub workers: usize,
    /// The bearer token `/metrics` asks for; unset, `/metrics` is not served
    /// (the series name routes and volumes: not for anyone who asks).
    pub metrics_token: Option<String>,
    /// A second listen address that serves `/metrics` alone, without the
    /// token (for a scraper that reaches it where nobody else can).
    pub metrics_listen: Option<String>,
    /// Where request spans are exported over OTLP/HTTP
    /// (`http://collector:4318`); unset, nothing is exported.
    pub otlp_endpoint: Option<String>,
    /// Serve Swagger UI at `/swagger-ui/` (the document itself is always at
    /// `/api-docs/openapi.json`).
    pub swagger_ui: bool,
    /// The staff roles that must sign in with a second factor (TOTP), from
    /// `admin,hr`; empty, nobody must (anyone on staff may). An account of
    /// such a role without one gets a session that only enrols it.
    #[serde(deserialize_with = "required_roles")]
    pub totp_required_roles: Vec<domain::account::Role>,
    /// Single sign-on for staff (OpenID Connect): the identity provider's
    /// issuer URL. Unset, the console offers passwords only.
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    /// Where the provider sends the browser back (this service's public
    /// address); unset, `public_url`.
    pub oidc_redirect_base: Option<String>,
    /// The provider's name on the console's button: "Accedi con …".
    pub oidc_display_name: String,
    /// The scopes asked for, space-separated (`openid` always among them).
    pub oidc_scopes: String,
    /// The ID token claim that lists the person's groups.
    pub oidc_groups_claim: String,
    /// Which groups give which role and Regions:
    /// `grp-hr=hr,grp-coord-lazio=coordinator:12,…`.
    #[serde(deserialize_with = "role_map")]
    pub oidc_role_map: domain::single_sign_on::RoleMap,
    /// The staff roles that sign in only through the identity provider
    /// (their password opens no session), from `admin,hr,…`.
    #[serde(deserialize_with = "sso_only_roles")]
    pub oidc_only_roles: Vec<domain::account::Role>,
    /// Clock skew allowed on the ID token's times, in seconds.
    pub oidc_leeway_seconds: u64,
    /// Days each category of personal data is kept once its purpose ends
    /// (`domain::retention`; the README says why each default).
    pub retention_applications_days: i64,
    pub retention_navigators_days: i64,
    pub retention_ojt_logs_days: i64,
    pub retention_device_identifiers_days: i64,
    pub retention_questions_days: i64,
    pub retention_sent_mail_days: i64,
    pub retention_login_throttle_days: i64,
    /// Whether the service runs the retention itself (one replica a period).
    pub retention_in_background: bool,
    /// How often the background retention runs, in seconds (a day).
    pub retention_every_seconds: u64,
    /// How often each server reads again, in seconds, what it holds in
    /// memory (revoked sessions, login cut-offs, the tags of the progress
    /// it serves the tablets), for a change whose announcement it missed.
    pub reread_every_seconds: u64,
}

fn role_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<domain::single_sign_on::RoleMap, D::Error> {
    let raw = String::deserialize(d)?;
    domain::single_sign_on::RoleMap::parse(&raw)
        .map_err(|e| serde::de::Error::custom(format!("NAVIGATOR_OIDC_ROLE_MAP: {e}")))
}

fn sso_only_roles<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<domain::account::Role>, D::Error> {
    let raw = String::deserialize(d)?;
    domain::single_sign_on::parse_sso_only_roles(&raw)
        .map_err(|e| serde::de::Error::custom(format!("NAVIGATOR_OIDC_ONLY_ROLES: {e}")))
}

/// Reads `totp_required_roles` from its comma-separated names; an unknown
/// name, or a role that cannot enrol, stops the start.
fn required_roles<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<domain::account::Role>, D::Error> {
    let raw = String::deserialize(d)?;
    domain::second_factor::parse_required_roles(&raw).map_err(serde::de::Error::custom)
}

impl std::fmt::Debug for Settings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &persistence::connection::redact(&self.database_url),
            )
            .field("listen", &self.listen)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field(
                "smtp_url",
                &self
                    .smtp_url
                    .as_deref()
                    .map(persistence::connection::redact),
            )
            .field("smtp_password", &self.smtp_password.as_ref().map(|_| "***"))
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field(
                "oidc_client_secret",
                &self.oidc_client_secret.as_ref().map(|_| "***"),
            )
            .field("mail_transport", &self.mail_transport)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Reads the layers. `file` defaults to `navigator.toml` when it exists.
    pub fn load(file: Option<PathBuf>) -> Result<Self, config::ConfigError> {
        let file = file.or_else(|| std::env::var_os("NAVIGATOR_CONFIG").map(PathBuf::from));
        let mut builder = config::Config::builder();
        for (key, value) in Self::defaults() {
            builder = builder.set_default(key, value)?;
        }
        builder = match file {
            Some(path) => builder.add_source(config::File::from(path).required(true)),
            None => builder.add_source(config::File::with_name("navigator.toml").required(false)),
        };
        builder = builder.add_source(
            config::Environment::with_prefix("NAVIGATOR")
                .prefix_separator("_")
                .try_parsing(true),
        );
        let environment: HashMap<String, String> = std::env::vars().collect();
        for (key, value) in secrets_from_files(&environment)? {
            builder = builder.set_override(key, value)?;
        }
        let settings: Self = builder.build()?.try_deserialize()?;
        settings
            .check_single_sign_on()
            .map_err(config::ConfigError::Message)?;
        settings
            .retention_rules()
            .map_err(|e| config::ConfigError::Message(e.to_string()))?;
        for (name, value) in [
            ("retention_every_seconds", settings.retention_every_seconds),
            ("reread_every_seconds", settings.reread_every_seconds),
        ] {
            if value == 0 {
                return Err(config::ConfigError::Message(format!(
                    "{name}: 0: expected at least 1"
                )));
            }
        }
        Ok(settings)
    }

    /// Single sign-on is configured whole or not at all: each missing or
    /// wrong piece is named by its setting.
    pub fn check_single_sign_on(&self) -> Result<(), String> {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let Some(issuer) = self.oidc_issuer.as_deref().filter(|s| !s.trim().is_empty()) else {
            for (name, given) in [
                ("NAVIGATOR_OIDC_CLIENT_ID", set(&self.oidc_client_id)),
                (
                    "NAVIGATOR_OIDC_CLIENT_SECRET",
                    set(&self.oidc_client_secret),
                ),
                ("NAVIGATOR_OIDC_ROLE_MAP", !self.oidc_role_map.is_empty()),
                (
                    "NAVIGATOR_OIDC_ONLY_ROLES",
                    !self.oidc_only_roles.is_empty(),
                ),
            ] {
                if given {
                    return Err(format!(
                        "{name} is set but NAVIGATOR_OIDC_ISSUER is not: single sign-on needs the identity provider's issuer URL"
                    ));
                }
            }
            return Ok(());
        };
        crate::single_sign_on::check_url("NAVIGATOR_OIDC_ISSUER", issuer)?;
        if let Some(base) = &self.oidc_redirect_base {
            crate::single_sign_on::check_url("NAVIGATOR_OIDC_REDIRECT_BASE", base)?;
        }
        if !set(&self.oidc_client_id) {
            return Err("NAVIGATOR_OIDC_CLIENT_ID is needed with NAVIGATOR_OIDC_ISSUER".into());
        }
        if !set(&self.oidc_client_secret) {
            return Err(
                "NAVIGATOR_OIDC_CLIENT_SECRET (or NAVIGATOR_OIDC_CLIENT_SECRET_FILE) is needed with NAVIGATOR_OIDC_ISSUER"
                    .into(),
            );
        }
        if self.oidc_role_map.is_empty() {
            return Err(
                "NAVIGATOR_OIDC_ROLE_MAP is needed with NAVIGATOR_OIDC_ISSUER: without it no group gives a role"
                    .into(),
            );
        }
        if !self.oidc_scopes.split_whitespace().any(|s| s == "openid") {
            return Err("NAVIGATOR_OIDC_SCOPES must include openid".into());
        }
        if self.oidc_groups_claim.trim().is_empty() {
            return Err("NAVIGATOR_OIDC_GROUPS_CLAIM is empty".into());
        }
        Ok(())
    }

    /// The single sign-on settings in force, when the issuer is set.
    pub fn single_sign_on_configured(&self) -> bool {
        self.oidc_issuer
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
    }

    /// The retention periods, each checked; an error names its setting.
    pub fn retention_rules(
        &self,
    ) -> Result<domain::retention::RetentionRules, domain::retention::BadPeriod> {
        use domain::retention::{BadPeriod, Category, RetentionRules};
        let mut rules = RetentionRules::default();
        for category in Category::ALL {
            let days = match category {
                Category::Applications => self.retention_applications_days,
                Category::Navigators => self.retention_navigators_days,
                Category::OjtLogs => self.retention_ojt_logs_days,
                Category::DeviceIdentifiers => self.retention_device_identifiers_days,
                Category::Questions => self.retention_questions_days,
                Category::SentMail => self.retention_sent_mail_days,
                Category::LoginThrottle => self.retention_login_throttle_days,
            };
            let days = u32::try_from(days).map_err(|_| BadPeriod {
                setting: category.setting().to_owned(),
                reason: format!("{days} days: expected 1 to {}", domain::retention::MAX_DAYS),
            })?;
            rules = rules.with(category, days)?;
        }
        Ok(rules)
    }

    fn defaults() -> Vec<(&'static str, config::Value)> {
        vec![
            ("database_url", "sqlite://navigator.db".into()),
            ("database_pool_size", 16_i64.into()),
            ("listen", "127.0.0.1:8080".into()),
            ("jwt_issuer", "navigator-ops".into()),
            ("jwt_audience", "navigator-ops-api".into()),
            ("access_token_minutes", 15_i64.into()),
            ("refresh_token_days", 30_i64.into()),
            ("console_idle_seconds", 1800_i64.into()),
            ("console_absolute_seconds", 36000_i64.into()),
            ("mail_transport", "file".into()),
            ("mail_dir", "./mail".into()),
            (
                "mail_from",
                "Navigator Ops <noreply@navigator.invalid>".into(),
            ),
            ("mail_sender", true.into()),
            ("mail_poll_millis", 1000_i64.into()),
            ("mail_max_attempts", 8_i64.into()),
            ("mail_connections", 16_i64.into()),
            ("offer_lapse_seconds", 60_i64.into()),
            ("resignation_notice_days", 0_i64.into()),
            ("ojt_max_day_hours", 8_i64.into()),
            ("public_url", "http://127.0.0.1:8080".into()),
            ("json_limit_bytes", 262_144_i64.into()),
            ("import_limit_bytes", 33_554_432_i64.into()),
            ("log_format", "text".into()),
            ("trust_forwarded_for", false.into()),
            ("workers", 0_i64.into()),
            ("swagger_ui", true.into()),
            ("totp_required_roles", "".into()),
            ("oidc_display_name", "SSO".into()),
            ("oidc_scopes", "openid email".into()),
            ("oidc_groups_claim", "groups".into()),
            ("oidc_role_map", "".into()),
            ("oidc_only_roles", "".into()),
            ("oidc_leeway_seconds", 60_i64.into()),
            ("retention_in_background", true.into()),
            ("retention_every_seconds", 86_400_i64.into()),
            ("reread_every_seconds", 30_i64.into()),
        ]
        .into_iter()
        .chain(
            domain::retention::Category::ALL
                .map(|c| (c.setting(), i64::from(c.default_days()).into())),
        )
        .collect()
    }

    /// The settings with every default and nothing read from the outside
    /// (the base the end-to-end tests adjust).
    pub fn defaults_only() -> Result<Self, config::ConfigError> {
        let mut builder = config::Config::builder();
        for (key, value) in Self::defaults() {
            builder = builder.set_default(key, value)?;
        }
        builder.build()?.try_deserialize()
    }

    /// Who this process is to the mail outbox: `instance`, else the host
    /// name and `port`, the port it listens on.
    pub fn instance_name(&self, port: u16) -> String {
        match self.instance.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => format!("{}:{port}", host_name()),
        }
    }

    /// The host part of the public URL, for Message-IDs.
    pub fn public_host(&self) -> String {
        let rest = self
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or(&self.public_url);
        let host = rest.split(['/', ':']).next().unwrap_or("localhost");
        if host.is_empty() {
            "localhost".to_owned()
        } else {
            host.to_owned()
        }
    }
}

/// The machine's name: the kernel's (Linux), else `HOSTNAME`, else
/// `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The settings that may be given as files, by key.
pub const SECRETS: [&str; 7] = [
    "database_url",
    "jwt_secret",
    "admin_password",
    "smtp_url",
    "smtp_password",
    "metrics_token",
    "oidc_client_secret",
];

/// The secrets named by `NAVIGATOR_<NAME>_FILE` in `environment`, read from
/// their files (a trailing line end dropped, as editors and `echo` add one).
/// A secret given both ways is refused: which one wins would be a guess.
pub fn secrets_from_files(
    environment: &HashMap<String, String>,
) -> Result<Vec<(&'static str, String)>, config::ConfigError> {
    let mut found = Vec::new();
    for key in SECRETS {
        let name = format!("NAVIGATOR_{}", key.to_ascii_uppercase());
        let file_name = format!("{name}_FILE");
        let Some(path) = environment.get(&file_name).filter(|p| !p.is_empty()) else {
            continue;
        };
        if environment.contains_key(&name) {
            return Err(config::ConfigError::Message(format!(
                "{name} and {file_name} are both set: give the secret one way only"
            )));
        }
        found.push((key, read_secret(&file_name, Path::new(path))?));
    }
    Ok(found)
}

fn read_secret(variable: &str, path: &Path) -> Result<String, config::ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        config::ConfigError::Message(format!("{variable}: cannot read {}: {e}", path.display()))
    })?;
    let value = text
        .strip_suffix('\n')
        .map(|v| v.strip_suffix('\r').unwrap_or(v))
        .unwrap_or(&text);
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_roles_that_must_have_a_second_factor_are_read_and_checked() {
        assert!(Settings::defaults_only()
            .unwrap()
            .totp_required_roles
            .is_empty());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("navigator.toml");
        std::fs::write(&file, "totp_required_roles = \"admin, hr\"\n").unwrap();
        let read = Settings::load(Some(file.clone())).unwrap();
        assert_eq!(
            read.totp_required_roles,
            vec![domain::account::Role::Admin, domain::account::Role::Hr]
        );
        std::fs::write(&file, "totp_required_roles = \"admin,navigator\"\n").unwrap();
        assert!(Settings::load(Some(file)).is_err());
    }

    #[test]
    fn single_sign_on_is_configured_whole_and_each_fault_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("navigator.toml");
        let load = |text: &str| {
            std::fs::write(&file, text).unwrap();
            Settings::load(Some(file.clone()))
        };
        let off = load("").unwrap();
        assert!(!off.single_sign_on_configured());
        let whole = "oidc_issuer = \"https://idp.regione.it/realms/staff\"\n\
                     oidc_client_id = \"navigator\"\n\
                     oidc_client_secret = \"s\"\n\
                     oidc_role_map = \"grp-hr=hr, grp-lazio=coordinator:12\"\n\
                     oidc_only_roles = \"hr\"\n";
        let on = load(whole).unwrap();
        assert!(on.single_sign_on_configured());
        assert_eq!(on.oidc_only_roles, vec![domain::account::Role::Hr]);
        assert_eq!(on.oidc_role_map.grants().len(), 2);
        assert!(!format!("{on:?}").contains("oidc_client_secret: Some(\"s\")"));
        for (text, named) in [
            (
                "oidc_client_id = \"navigator\"\n",
                "NAVIGATOR_OIDC_CLIENT_ID",
            ),
            ("oidc_only_roles = \"hr\"\n", "NAVIGATOR_OIDC_ONLY_ROLES"),
            (
                &whole.replace("oidc_client_secret = \"s\"\n", ""),
                "NAVIGATOR_OIDC_CLIENT_SECRET",
            ),
            (
                &whole.replace("grp-hr=hr, grp-lazio=coordinator:12", ""),
                "NAVIGATOR_OIDC_ROLE_MAP",
            ),
            (
                &whole.replace("grp-lazio=coordinator:12", "grp-lazio=coordinator"),
                "NAVIGATOR_OIDC_ROLE_MAP",
            ),
            (
                &whole.replace("https://idp", "http://idp"),
                "NAVIGATOR_OIDC_ISSUER",
            ),
            (
                &whole.replace("\"hr\"\n", "\"navigator\"\n"),
                "NAVIGATOR_OIDC_ONLY_ROLES",
            ),
        ] {
            let e = load(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(named), "{named}: {e}");
        }
    }

    #[test]
    fn the_client_secret_may_be_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("oidc");
        std::fs::write(&secret, "client secret\n").unwrap();
        let env = environment(&[(
            "NAVIGATOR_OIDC_CLIENT_SECRET_FILE",
            secret.to_str().unwrap(),
        )]);
        let found: HashMap<_, _> = secrets_from_files(&env).unwrap().into_iter().collect();
        assert_eq!(found["oidc_client_secret"], "client secret");
    }

    #[test]
    fn retention_periods_are_read_and_a_bad_one_is_named() {
        use domain::retention::Category;
        let rules = Settings::defaults_only()
            .unwrap()
            .retention_rules()
            .unwrap();
        assert_eq!(rules.days(Category::Navigators), 3_650);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("navigator.toml");
        std::fs::write(&file, "retention_sent_mail_days = 7\n").unwrap();
        let read = Settings::load(Some(file.clone())).unwrap();
        assert_eq!(read.retention_rules().unwrap().days(Category::SentMail), 7);
        for bad in ["0", "-3", "40000"] {
            std::fs::write(&file, format!("retention_questions_days = {bad}\n")).unwrap();
            let e = Settings::load(Some(file.clone()))
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains("retention_questions_days"), "{e}");
        }
        for period in ["retention_every_seconds", "reread_every_seconds"] {
            std::fs::write(&file, format!("{period} = 0\n")).unwrap();
            let e = Settings::load(Some(file.clone()))
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains(period), "{e}");
        }
    }

    #[test]
    fn a_secret_file_gives_its_content_without_the_line_end() {
        let dir = tempfile::tempdir().unwrap();
        let jwt = dir.path().join("jwt");
        std::fs::write(&jwt, "a signing key long enough to be used here\n").unwrap();
        let db = dir.path().join("db");
        std::fs::write(&db, "postgres://nav:pw@db/nav\r\n").unwrap();
        let smtp = dir.path().join("smtp");
        // Only one line end goes: a password may end in spaces.
        std::fs::write(&smtp, "pass word \n\n").unwrap();
        let metrics = dir.path().join("metrics");
        std::fs::write(&metrics, "token").unwrap();
        let env = environment(&[
            ("NAVIGATOR_JWT_SECRET_FILE", jwt.to_str().unwrap()),
            ("NAVIGATOR_DATABASE_URL_FILE", db.to_str().unwrap()),
            ("NAVIGATOR_SMTP_PASSWORD_FILE", smtp.to_str().unwrap()),
            ("NAVIGATOR_METRICS_TOKEN_FILE", metrics.to_str().unwrap()),
            ("NAVIGATOR_LISTEN", "0.0.0.0:80"),
        ]);
        let found: HashMap<_, _> = secrets_from_files(&env).unwrap().into_iter().collect();
        assert_eq!(
            found["jwt_secret"],
            "a signing key long enough to be used here"
        );
        assert_eq!(found["database_url"], "postgres://nav:pw@db/nav");
        assert_eq!(found["smtp_password"], "pass word \n");
        assert_eq!(found["metrics_token"], "token");
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn a_secret_given_twice_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let jwt = dir.path().join("jwt");
        std::fs::write(&jwt, "x").unwrap();
        let env = environment(&[
            ("NAVIGATOR_JWT_SECRET_FILE", jwt.to_str().unwrap()),
            ("NAVIGATOR_JWT_SECRET", "y"),
        ]);
        let e = secrets_from_files(&env).unwrap_err().to_string();
        assert!(
            e.contains("NAVIGATOR_JWT_SECRET and NAVIGATOR_JWT_SECRET_FILE are both set"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_secret_file_is_named() {
        let env = environment(&[("NAVIGATOR_SMTP_URL_FILE", "/no/such/secret")]);
        let e = secrets_from_files(&env).unwrap_err().to_string();
        assert!(
            e.contains("NAVIGATOR_SMTP_URL_FILE") && e.contains("/no/such/secret"),
            "{e}"
        );
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = Settings::defaults_only().unwrap();
        assert_eq!(s.database_url, "sqlite://navigator.db");
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.mail_transport, MailTransport::File);
        assert_eq!(s.public_host(), "127.0.0.1");
        assert!(s.jwt_secret.is_none());
    }

    #[test]
    fn the_instance_is_the_host_and_port_unless_named() {
        let mut s = Settings::defaults_only().unwrap();
        let unnamed = s.instance_name(8443);
        assert!(
            unnamed.ends_with(":8443") && unnamed.len() > ":8443".len(),
            "{unnamed}"
        );
        s.instance = Some("  ".into());
        assert_eq!(s.instance_name(8443), unnamed, "blank is unset");
        s.instance = Some("navigator-0".into());
        assert_eq!(s.instance_name(8443), "navigator-0");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut s = Settings::defaults_only().unwrap();
        s.jwt_secret = Some("topsecret".into());
        s.database_url = "postgres://nav:pw@db/nav".into();
        s.smtp_url = Some("smtps://mailer:smtppw@mail.example.it".into());
        s.smtp_password = Some("smtpsecret".into());
        s.metrics_token = Some("metricstoken".into());
        let shown = format!("{s:?}");
        for secret in ["topsecret", ":pw@", "smtppw", "smtpsecret", "metricstoken"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
