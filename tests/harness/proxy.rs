//! A real reverse proxy in front of replicas: Debian's nginx (`nginx-light`,
//! `/usr/sbin/nginx`) with a configuration written for the test into a
//! directory of its own, listening on a free loopback port. Stopped when
//! dropped.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::free_port;

/// The nginx binary: `NGINX`, else Debian's.
fn nginx_binary() -> String {
    std::env::var("NGINX")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "/usr/sbin/nginx".to_owned())
}

pub struct Nginx {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// nginx balancing over the replicas listening on `upstreams`
    /// (loopback ports), round robin.
    pub fn start(upstreams: &[u16]) -> Self {
        let dir = tempfile::tempdir().expect("a directory for nginx");
        let port = free_port();
        std::fs::write(
            dir.path().join("nginx.conf"),
            configuration(dir.path(), port, upstreams),
        )
        .expect("the nginx configuration is written");
        let prefix = format!("{}/", dir.path().display());
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            // Not the compiled-in /var/log/nginx/error.log, which an
            // unprivileged user cannot open.
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx runs (install nginx-light)");
        let mut proxy = Self { child, port, dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = proxy.child.try_wait() {
                panic!("nginx exited ({status}):\n{}", proxy.error_log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "nginx did not listen within 15 s:\n{}",
                proxy.error_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        proxy
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.log_path("error.log")).unwrap_or_default()
    }

    /// The requests passed on so far, one per line of the access log.
    pub fn passed(&self) -> Vec<Passed> {
        std::fs::read_to_string(self.log_path("access.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(Passed::parse)
            .collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers and exits.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request as the access log has it.
#[derive(Debug, Clone)]
pub struct Passed {
    pub method: String,
    pub path: String,
    /// The status the client got.
    pub status: u16,
    /// Every replica tried, in order (`host:port`), the last one answering.
    pub upstreams: Vec<String>,
}

impl Passed {
    fn parse(line: &str) -> Option<Self> {
        // `status method uri | upstream_addr`, as `log_format` below writes.
        let (head, upstreams) = line.split_once(" | ")?;
        let mut words = head.split_whitespace();
        let status = words.next()?.parse().ok()?;
        let method = words.next()?.to_owned();
        let path = words.next()?.to_owned();
        let upstreams = upstreams
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty() && *a != "-")
            .map(str::to_owned)
            .collect();
        Some(Self {
            method,
            path,
            status,
            upstreams,
        })
    }

    /// The port of the replica that answered.
    pub fn answered_by(&self) -> Option<u16> {
        self.upstreams
            .last()
            .and_then(|a| a.rsplit(':').next())
            .and_then(|p| p.parse().ok())
    }
}

/// The configuration: every path inside `dir`; the workers run as the user
/// starting the test (as `root` when that is root, so that they can reach
/// the temporary directory, which only its owner may enter).
fn configuration(dir: &Path, port: u16, upstreams: &[u16]) -> String {
    let d = dir.display();
    let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let user = if as_root { "user root;" } else { "" };
    let servers: String = upstreams
        .iter()
        // No failure accounting: a replica that refused a connection while
        // restarting is tried again by the next request, and a rolling
        // restart never leaves nginx believing every replica down.
        .map(|p| format!("        server 127.0.0.1:{p} max_fails=0;\n"))
        .collect();
    format!(
        r#"{user}
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    log_format upstreams '$status $request_method $request_uri | $upstream_addr';
    access_log {d}/access.log upstreams;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    client_max_body_size 64m;

    upstream navigator {{
{servers}    }}

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;

        location / {{
            proxy_pass http://navigator;
            # No keep-alive to the replicas: each request has a connection
            # of its own, so a replica stopping never closes an idle one
            # under nginx.
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # As deploy/nginx/navigator.conf.template: a replica that is
            # stopping refuses the connection, or resets one still waiting
            # in its accept queue. Every write of the API takes an
            # Idempotency-Key, so a POST is passed on to the next replica
            # too: one that reached no handler changed nothing, and one that
            # did is answered from its key. Never after a timeout.
            proxy_next_upstream error http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 3;
        }}
    }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::Passed;

    #[test]
    fn access_log_lines_name_the_replicas_tried() {
        let p = Passed::parse("201 POST /api/v1/x | 127.0.0.1:4001, 127.0.0.1:4002").unwrap();
        assert_eq!(p.status, 201);
        assert_eq!(p.method, "POST");
        assert_eq!(p.upstreams, ["127.0.0.1:4001", "127.0.0.1:4002"]);
        assert_eq!(p.answered_by(), Some(4002));
        let none = Passed::parse("400 GET / | -").unwrap();
        assert_eq!(none.answered_by(), None);
    }
}
