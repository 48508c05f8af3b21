//! A real OpenID Connect provider for the single sign-on tests: the npm
//! package `oidc-provider`, run by `node tests/oidc/provider.js` on a free
//! loopback port with the clients and users a test gives it. Stopped when
//! dropped.
//!
//! Without Node or the package (`npm ci` in `tests/oidc`, which `.ci/run`
//! does) a test says it is skipped; under CI (`CI` set) it fails instead.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A client of the provider; `tamper` makes the provider hand it ID tokens
/// it must refuse (`"audience"`, `"expired"`).
pub struct ProviderClient<'a> {
    pub id: &'a str,
    pub secret: &'a str,
    pub redirect_uri: &'a str,
    pub tamper: Option<&'a str>,
}

/// A person the provider knows: login, email, groups.
pub struct ProviderUser<'a> {
    pub login: &'a str,
    pub email: &'a str,
    pub groups: &'a [&'a str],
}

pub struct OidcProvider {
    child: Child,
    pub port: u16,
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// Node and the provider's packages, or `None` after saying why the test
/// is skipped. Under CI their absence is a failure.
fn installed() -> Option<()> {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let package = folder()
        .join("node_modules/oidc-provider/package.json")
        .is_file();
    if node && package {
        return Some(());
    }
    let missing = if node {
        "the oidc-provider package (run `npm ci` in tests/oidc)"
    } else {
        "Node.js"
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but {missing} cannot be found: the single sign-on tests need it, and .ci/run installs it"
    );
    eprintln!("single sign-on test skipped: {missing} not installed");
    None
}

impl OidcProvider {
    /// Starts the provider; `None` (skipped) without Node or the package.
    pub fn start(clients: &[ProviderClient<'_>], users: &[ProviderUser<'_>]) -> Option<Self> {
        installed()?;
        let port = crate::process::free_port();
        let clients: Vec<Value> = clients
            .iter()
            .map(|c| {
                let mut v = json!({
                    "client_id": c.id,
                    "client_secret": c.secret,
                    "redirect_uris": [c.redirect_uri],
                });
                if let Some(t) = c.tamper {
                    v["tamper"] = json!(t);
                }
                v
            })
            .collect();
        let users: serde_json::Map<String, Value> = users
            .iter()
            .map(|u| {
                (
                    u.login.to_owned(),
                    json!({ "email": u.email, "groups": u.groups }),
                )
            })
            .collect();
        let child = Command::new("node")
            .arg(folder().join("provider.js"))
            .current_dir(folder())
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENTS", Value::Array(clients).to_string())
            .env("OIDC_USERS", Value::Object(users).to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut provider = Self { child, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = provider.child.try_wait() {
                panic!("the OpenID provider exited ({status}): run `node tests/oidc/provider.js` to see why");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the OpenID provider did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(provider)
    }

    /// The issuer: `http://127.0.0.1:PORT`.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
