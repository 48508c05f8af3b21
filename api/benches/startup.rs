//! Start-up benchmark: `navigator serve` on an empty SQLite file until
//! `/readyz` answers, against the bare process start (`navigator --version`)
//! measured in the same run. Run with `cargo bench -p api --bench startup`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ready(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.starts_with("HTTP/1.1 200")
}

fn serve_until_ready() -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_navigator"))
        .arg("serve")
        .current_dir(dir.path())
        .env("NAVIGATOR_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "NAVIGATOR_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("navigator.db").display()),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !ready(port) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not ready within 30 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn bare_process() -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_navigator"))
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let serve = median((0..RUNS).map(|_| serve_until_ready()).collect());
    let bare = median((0..RUNS).map(|_| bare_process()).collect());
    println!("startup on an empty SQLite file (median of {RUNS}):");
    println!(
        "  serve -> /readyz 200     {:>8.1} ms",
        serve.as_secs_f64() * 1000.0
    );
    println!(
        "  bare process start       {:>8.1} ms",
        bare.as_secs_f64() * 1000.0
    );
    println!(
        "  ratio                    {:>8.1} x",
        serve.as_secs_f64() / bare.as_secs_f64()
    );
    println!(
        "  goal: under 1000 ms      {}",
        if serve < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
}
