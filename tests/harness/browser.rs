//! A real browser for the tests: headless Chromium driven by chromedriver
//! over WebDriver, with a few Chrome DevTools commands (sent through
//! chromedriver) for what WebDriver lacks: the viewport, going offline.
//!
//! [`Browser::open`] answers `None` when Chromium or chromedriver is not
//! installed, after saying that the test is skipped; under CI (`CI` set)
//! their absence fails the test instead. The service's pages are visited on
//! a server published on plain HTTP ([`plain_http`]): on HTTPS its cookies
//! are `Secure` and the browser would not send them back over the test
//! server's `http://` address.

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use api::config::Settings;
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::TestApp;

pub use api::i18n::Lang;

/// axe-core, the accessibility rules run by [`Browser::axe_violations`].
const AXE: &str = include_str!("../browser/vendor/axe-core/axe.min.js");

/// The size of the page area, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    /// A phone: the page is laid out as on a mobile browser.
    pub mobile: bool,
}

impl Viewport {
    /// A Navigator's tablet held upright.
    pub const TABLET_PORTRAIT: Self = Self {
        width: 800,
        height: 1280,
        mobile: false,
    };
    /// A Navigator's tablet held sideways.
    pub const TABLET_LANDSCAPE: Self = Self {
        width: 1280,
        height: 800,
        mobile: false,
    };
    /// A phone, for a candidate opening a mailed link.
    pub const PHONE: Self = Self {
        width: 390,
        height: 844,
        mobile: true,
    };
}

/// Settings for a server that a browser visits: published on plain HTTP,
/// so that the pages' cookies are not `Secure`. For
/// `both_engines!(name, navigator_e2e::browser::plain_http)`.
pub fn plain_http(s: &mut Settings) {
    s.public_url = "http://127.0.0.1".into();
}

/// An accessibility rule a page breaks, as axe-core reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct AxeViolation {
    pub id: String,
    pub impact: String,
    pub help: String,
    /// The CSS selectors of the elements that break it.
    pub targets: Vec<String>,
}

impl std::fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} at {}",
            self.id,
            self.impact,
            self.help,
            self.targets.join(", ")
        )
    }
}

/// A request the page made, as the Resource Timing API records it (the
/// document itself first).
#[derive(Debug, Clone, Deserialize)]
pub struct Resource {
    pub name: String,
    #[serde(rename = "initiatorType")]
    pub initiator: String,
    /// Bytes over the network, headers included; 0 when served from a cache.
    #[serde(rename = "transferSize")]
    pub transfer_size: u64,
}

/// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`: it
/// goes to the current page's target.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The first of `names` found on the `PATH`, or at one of `places`.
fn program(names: &[&str], places: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .chain(places.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` after saying why the test is
/// skipped. Under CI their absence is a failure.
fn installed() -> Option<(PathBuf, PathBuf)> {
    let chromium = program(
        &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ],
        &[],
    );
    let driver = program(&["chromedriver"], &["/usr/lib/chromium/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, d) => {
            let missing: Vec<&str> = [("chromium", c.is_none()), ("chromedriver", d.is_none())]
                .into_iter()
                .filter_map(|(name, absent)| absent.then_some(name))
                .collect();
            let missing = missing.join(" and ");
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {missing} cannot be found: the browser tests need the Debian \
                 packages chromium and chromium-driver, which .ci/run installs"
            );
            eprintln!(
                "browser test skipped: {missing} not installed \
                 (Debian packages chromium and chromium-driver)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// chromedriver, in a process group of its own with the Chromium it
/// starts, so that nothing outlives the test.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(program: &Path, tmp: &Path) -> Self {
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(program)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Chromium's scratch folders go with the profile.
                .env("TMPDIR", tmp)
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self { child, port };
                }
                if child.try_wait().ok().flatten().is_some() {
                    // Most likely the port was taken meanwhile: another one.
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("chromedriver did not start listening on a loopback port");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let group = format!("-{}", self.child.id());
        let killed = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !killed {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Headless Chromium on one page at a time, visiting one server.
pub struct Browser {
    client: Client,
    origin: String,
    viewport: Viewport,
    /// DevTools sessions opened on worker targets, by target id.
    workers: HashMap<String, String>,
    message_id: u64,
    // Dropped after the client: the driver, then the profile folder.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A browser for the service `app`, which must be published on plain
    /// HTTP (`both_engines!(name, navigator_e2e::browser::plain_http)`).
    /// `None` when Chromium or chromedriver is not installed (outside CI).
    pub async fn open(app: &TestApp, viewport: Viewport, lang: Lang) -> Option<Self> {
        assert!(
            app.settings.public_url.starts_with("http://"),
            "a browser test needs a server published on plain HTTP (its cookies are Secure \
             on HTTPS): declare it with both_engines!(name, navigator_e2e::browser::plain_http)"
        );
        Self::open_at(&app.address, viewport, lang).await
    }

    /// A browser for the server at `origin` (`http://127.0.0.1:port`).
    pub async fn open_at(origin: &str, viewport: Viewport, lang: Lang) -> Option<Self> {
        let (chromium, driver) = installed()?;
        let profile = tempfile::tempdir().expect("a profile folder");
        let (user_data, scratch) = (profile.path().join("chromium"), profile.path().join("tmp"));
        std::fs::create_dir_all(&scratch).expect("a scratch folder");
        let driver = Driver::start(&driver, &scratch);
        let (accept, locale) = match lang {
            Lang::It => ("it-IT,it", "it-IT"),
            Lang::En => ("en-GB,en", "en-GB"),
        };
        let args = [
            "--headless=new".to_owned(),
            // Tests run as root in containers, where the sandbox cannot start.
            "--no-sandbox".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-gpu".to_owned(),
            format!("--window-size={},{}", viewport.width, viewport.height),
            format!("--lang={locale}"),
            format!("--user-data-dir={}", user_data.display()),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            // Chromium's own traffic (updates, sync, metrics, safe browsing):
            // none of it is wanted, and this machine could not reach it.
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-default-apps".to_owned(),
            "--disable-extensions".to_owned(),
            "--disable-domain-reliability".to_owned(),
            "--disable-client-side-phishing-detection".to_owned(),
            "--no-pings".to_owned(),
            "--metrics-recording-only".to_owned(),
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"
                .to_owned(),
        ];
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": args,
                "prefs": { "intl.accept_languages": accept },
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start under chromedriver: {e}"));
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("WebDriver timeouts");
        let browser = Self {
            client,
            origin: origin.trim_end_matches('/').to_owned(),
            viewport,
            workers: HashMap::new(),
            message_id: 0,
            _driver: driver,
            _profile: profile,
        };
        // The window's size includes the (invisible) browser frame: the
        // page area is set exactly.
        browser
            .devtools(
                "Emulation.setDeviceMetricsOverride",
                json!({
                    "width": viewport.width,
                    "height": viewport.height,
                    "deviceScaleFactor": 1,
                    "mobile": viewport.mobile,
                }),
            )
            .await;
        Some(browser)
    }

    /// Ends the session and Chromium. (Dropping the browser ends them too,
    /// less politely.)
    pub async fn close(self) {
        let Self { client, .. } = self;
        let _ = client.close().await;
    }

    /// `http://127.0.0.1:port`, the server this browser visits.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn viewport(&self) -> Viewport {
        self.viewport
    }

    /// The WebDriver client, for what this harness does not offer.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn absolute(&self, path: &str) -> String {
        match path.starts_with('/') {
            true => format!("{}{path}", self.origin),
            false => path.to_owned(),
        }
    }

    /// Opens `path` (on the server, when it starts with `/`) and waits for
    /// the page to load.
    pub async fn goto(&self, path: &str) {
        let url = self.absolute(path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The address of the page shown.
    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current address")
            .to_string()
    }

    /// The element `css` matches; the test fails when none does.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches {css}: {e}"))
    }

    /// Every element `css` matches.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for {css}: {e}"))
    }

    /// Types `text` into the field `css`, after emptying it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot empty {css}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Chooses the file at `path` in the file input `css`, as a person
    /// picking it in the dialog would.
    pub async fn choose_file(&self, css: &str, path: &Path) {
        let path = path.to_str().expect("a file path in UTF-8");
        self.find(css)
            .await
            .send_keys(path)
            .await
            .unwrap_or_else(|e| panic!("cannot choose {path} in {css}: {e}"));
    }

    /// Clicks the element `css` (without waiting for anything it starts).
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks the element `css`, which leads to another page, and waits for
    /// that page to load.
    pub async fn click_and_wait(&self, css: &str) {
        self.mark_page().await;
        self.click(css).await;
        self.wait_for_another_page().await;
    }

    /// Submits the form `css` with its first submit button, as a person
    /// would, and waits for the answer's page to load.
    pub async fn submit(&self, css: &str) {
        self.mark_page().await;
        self.client
            .form(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no form matches {css}: {e}"))
            .submit()
            .await
            .unwrap_or_else(|e| panic!("cannot submit {css}: {e}"));
        self.wait_for_another_page().await;
    }

    async fn mark_page(&self) {
        self.execute("window.__harnessPage = true;", vec![]).await;
    }

    async fn wait_for_another_page(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            // While the page changes, a script may fail: not yet.
            let done = self
                .client
                .execute(
                    "return window.__harnessPage === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(done, Ok(Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page within 30 s");
    }

    /// The visible text of the element `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("cannot read {css}: {e}"))
    }

    /// Runs `script` as the body of a function in the page, with `args` as
    /// `arguments`, and returns what it returns.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Like [`Browser::execute`], for a script that calls its last argument
    /// with the result when it is done.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits (up to 10 s) until `condition`, a script expression, is true.
    pub async fn wait_until(&self, condition: &str) {
        let script = format!("return Boolean({condition});");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.execute(&script, vec![]).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("still false after 10 s: {condition}");
    }

    /// The computed value of the CSS `property` of the element `css`.
    pub async fn computed_style(&self, css: &str, property: &str) -> String {
        let value = self
            .execute(
                "const e = document.querySelector(arguments[0]);
                 return e ? getComputedStyle(e).getPropertyValue(arguments[1]) : null;",
                vec![json!(css), json!(property)],
            )
            .await;
        match value {
            Value::String(v) => v,
            _ => panic!("no element matches {css}"),
        }
    }

    async fn devtools(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(DevTools { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd} failed: {e}"))
    }

    /// Cuts the browser off the network, or connects it again, as DevTools'
    /// "Offline" does: for the page and for every worker running now (a
    /// service worker's requests are its own, not the page's). A worker
    /// started later is not cut off: call this again once it runs. The HTTP
    /// cache may still answer, as on a device offline.
    pub async fn set_offline(&mut self, offline: bool) {
        let conditions = json!({
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        });
        // The conditions hold only while the Network domain is enabled.
        self.devtools("Network.enable", json!({})).await;
        self.devtools("Network.emulateNetworkConditions", conditions.clone())
            .await;
        let targets = self.devtools("Target.getTargets", json!({})).await;
        let workers: Vec<String> = targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                matches!(
                    t["type"].as_str(),
                    Some("service_worker" | "shared_worker" | "worker")
                )
            })
            .filter_map(|t| t["targetId"].as_str().map(str::to_owned))
            .collect();
        for target in workers {
            let session = match self.workers.get(&target) {
                Some(s) => s.clone(),
                None => {
                    let attached = self
                        .client
                        .issue_cmd(DevTools {
                            cmd: "Target.attachToTarget",
                            params: json!({ "targetId": target, "flatten": false }),
                        })
                        .await;
                    // A worker may have ended meanwhile.
                    let Some(session) = attached
                        .ok()
                        .and_then(|a| a["sessionId"].as_str().map(str::to_owned))
                    else {
                        continue;
                    };
                    self.workers.insert(target.clone(), session.clone());
                    session
                }
            };
            // Through the page's session: the worker's answers are events
            // nobody reads, so the effect is checked by what fails.
            for (method, params) in [
                ("Network.enable", json!({})),
                ("Network.emulateNetworkConditions", conditions.clone()),
            ] {
                self.message_id += 1;
                let message = json!({ "id": self.message_id, "method": method, "params": params });
                let _ = self
                    .client
                    .issue_cmd(DevTools {
                        cmd: "Target.sendMessageToTarget",
                        params: json!({ "sessionId": session, "message": message.to_string() }),
                    })
                    .await;
            }
        }
    }

    /// The serious and critical accessibility violations axe-core finds in
    /// the page shown.
    pub async fn axe_violations(&self) -> Vec<AxeViolation> {
        let present = self
            .execute("return typeof window.axe === 'object';", vec![])
            .await;
        if present != Value::Bool(true) {
            self.execute(&format!("{AXE}\n;return typeof window.axe;"), vec![])
                .await;
        }
        let found = self
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe.run(document, { resultTypes: ['violations'] }).then(
                   (r) => done(r.violations
                     .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                     .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                    targets: v.nodes.map((n) => n.target.join(' ')) }))),
                   (e) => done({ error: String(e) }));",
                vec![],
            )
            .await;
        serde_json::from_value(found.clone())
            .unwrap_or_else(|e| panic!("axe-core did not run: {e}: {found}"))
    }

    /// Fails the test unless the page shown passes axe-core (no serious or
    /// critical violation) and took nothing from another origin; `page`
    /// names it in the failure.
    pub async fn assert_accessible(&self, page: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "{page}: {}",
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let elsewhere = self.requests_elsewhere().await;
        assert!(
            elsewhere.is_empty(),
            "{page} asked another origin for {elsewhere:?}"
        );
    }

    /// Waits until the page has loaded with its fonts, then lists what it
    /// requested (the document first), with the bytes each took.
    pub async fn resources(&self) -> Vec<Resource> {
        let found = self
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const loaded = new Promise((r) => document.readyState === 'complete'
                   ? r() : addEventListener('load', r, { once: true }));
                 loaded.then(() => document.fonts.ready)
                   .then(() => new Promise((r) => setTimeout(r, 100)))
                   .then(() => done(performance.getEntriesByType('navigation')
                     .concat(performance.getEntriesByType('resource'))
                     .map((e) => ({ name: e.name, initiatorType: e.initiatorType,
                                    transferSize: e.transferSize }))));",
                vec![],
            )
            .await;
        serde_json::from_value(found.clone())
            .unwrap_or_else(|e| panic!("no resource timings: {e}: {found}"))
    }

    /// The bytes the page shown took over the network, the document and
    /// everything it loaded (headers included, as compressed on the wire;
    /// nothing for what came from a cache).
    pub async fn transferred_bytes(&self) -> u64 {
        self.resources().await.iter().map(|r| r.transfer_size).sum()
    }

    /// The requests of the page shown that went anywhere but to its server
    /// (`data:` addresses, read from the page itself, are not requests).
    pub async fn requests_elsewhere(&self) -> Vec<String> {
        let own = format!("{}/", self.origin);
        self.resources()
            .await
            .into_iter()
            .map(|r| r.name)
            .filter(|name| !name.starts_with(&own) && !name.starts_with("data:"))
            .collect()
    }

    /// Saves what the viewport shows, as PNG.
    pub async fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = self.client.screenshot().await.expect("a screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the screenshot's folder");
        }
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
