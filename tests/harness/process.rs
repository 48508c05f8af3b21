//! The service as an operator runs it: `navigator serve` as a process of its
//! own, which a test can stop gracefully, kill with `SIGKILL` and start
//! again on the same database and port.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, METRICS_TOKEN};

/// The `navigator` binary of this workspace, built once per test run (a
/// no-op when `cargo test --workspace` has built it already).
pub fn navigator_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("the tests package sits in the workspace")
                .to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "--locked",
                    "-p",
                    "api",
                    "--bin",
                    "navigator",
                ])
                .current_dir(&workspace)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cannot build the navigator binary");
            let target = std::env::var("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|_| workspace.join("target"));
            let binary = target.join("debug").join("navigator");
            assert!(binary.exists(), "no binary at {}", binary.display());
            binary
        })
        .clone()
}

/// A free loopback port (bound and released: a test then binds it itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One `navigator serve` process on a fixed port, with the settings of the
/// in-process test servers (same key, same first administrator) plus
/// `env`. Killed when dropped.
pub struct ServeProcess {
    child: Option<Child>,
    pub port: u16,
    database_url: String,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl ServeProcess {
    /// Starts the process and waits until `/readyz` answers 200.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut process = Self::spawn(database_url, env);
        process.wait_ready();
        process
    }

    /// Starts `n` processes at once on `database_url`, as an orchestrator
    /// starts replicas, and waits until every one is ready.
    pub fn start_together(database_url: &str, env: &[(&str, &str)], n: usize) -> Vec<Self> {
        let mut processes: Vec<Self> = (0..n).map(|_| Self::spawn(database_url, env)).collect();
        for p in &mut processes {
            p.wait_ready();
        }
        processes
    }

    /// Starts the process without waiting for it to be ready.
    pub fn spawn(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = std::env::temp_dir().join(format!(
            "navigator-serve-{port}-{}.log",
            uuid::Uuid::new_v4().simple()
        ));
        let mut process = Self {
            child: None,
            port,
            database_url: database_url.to_owned(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            log,
        };
        process.spawn_child();
        process
    }

    /// `http://127.0.0.1:PORT/api/v1`.
    pub fn api(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }

    fn launch(&mut self) {
        self.spawn_child();
        self.wait_ready();
    }

    fn spawn_child(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the process log opens");
        let err = log.try_clone().expect("the process log is shared");
        let mut command = Command::new(navigator_binary());
        command
            .arg("serve")
            .env("NAVIGATOR_DATABASE_URL", &self.database_url)
            .env("NAVIGATOR_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("NAVIGATOR_JWT_SECRET", JWT_SECRET)
            .env("NAVIGATOR_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("NAVIGATOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NAVIGATOR_METRICS_TOKEN", METRICS_TOKEN)
            .env("NAVIGATOR_MAIL_TRANSPORT", "log")
            .env("NAVIGATOR_MAIL_POLL_MILLIS", "25")
            .env("NAVIGATOR_WORKERS", "2")
            .env("NAVIGATOR_PUBLIC_URL", "https://navigator.example.it")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err));
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let child = command.spawn().expect("navigator serve starts");
        self.child = Some(child);
    }

    /// Waits (up to 60 s) until `/readyz` answers 200; panics with the
    /// process's output if it exits first.
    pub fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("navigator serve exited ({status}):\n{}", self.log_text());
                }
            }
            if ready(self.port) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "navigator serve on port {} not ready within 60 s:\n{}",
                self.port,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the process wrote to stdout and stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `SIGKILL`: no drain, no clean-up, as a crash or the OOM killer.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `SIGTERM`, as an orchestrator stops a replica; waits for the exit
    /// (up to `grace`, then kills) and returns whether it exited by itself.
    pub fn terminate(&mut self, grace: Duration) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < grace {
            if let Ok(Some(_)) = child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }

    /// Starts the process again on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Whether `/readyz` on the port answers 200 (a plain HTTP/1.0 request, so
/// that the check needs no runtime).
fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}
