//! A minimal SMTP listener for the end-to-end delivery test: enough of
//! RFC 5321 to accept a message from lettre and keep its data.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Listens on a free local port; returns the sink and the port.
    pub async fn start() -> (Self, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Self::default();
        let messages = Arc::clone(&sink.messages);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let messages = Arc::clone(&messages);
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
                    let mut in_data = false;
                    let mut data = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        if in_data {
                            if line == "." {
                                in_data = false;
                                messages.lock().unwrap().push(std::mem::take(&mut data));
                                let _ = write.write_all(b"250 2.0.0 queued\r\n").await;
                            } else {
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                data.push('\n');
                            }
                            continue;
                        }
                        let verb = line
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
                            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 2.0.0 ok\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 end with .\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                                break;
                            }
                            _ => b"502 5.5.2 not implemented\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        (sink, port)
    }

    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

/// The Python that has Debian's `aiosmtpd`: `BENCH_PYTHON`, else the
/// system's own (a `python3` earlier on the `PATH`, a pyenv one, may lack
/// it).
fn python() -> String {
    std::env::var("BENCH_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| {
            if std::path::Path::new("/usr/bin/python3").exists() {
                "/usr/bin/python3".to_owned()
            } else {
                "python3".to_owned()
            }
        })
}

/// A real SMTP server: Debian's `aiosmtpd` on a free loopback port,
/// stopped when dropped. It either discards what it receives (`sink`) or
/// keeps each message as a file of a Maildir (`maildir`), so that a test
/// can count what arrived by Message-ID.
pub struct Aiosmtpd {
    child: std::process::Child,
    pub port: u16,
    maildir: Option<tempfile::TempDir>,
}

impl Aiosmtpd {
    /// Accepts and discards every message.
    pub fn sink() -> Self {
        Self::start(None)
    }

    /// Keeps every message it accepts in a Maildir of its own.
    pub fn maildir() -> Self {
        Self::start(Some(tempfile::tempdir().unwrap()))
    }

    fn start(maildir: Option<tempfile::TempDir>) -> Self {
        use std::process::{Command, Stdio};
        use std::time::{Duration, Instant};
        let port = crate::process::free_port();
        let mut command = Command::new(python());
        command.args(["-m", "aiosmtpd", "-n", "-l"]);
        command.arg(format!("127.0.0.1:{port}"));
        match &maildir {
            Some(dir) => {
                command
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(dir.path().join("Maildir"));
            }
            None => {
                command.args(["-c", "aiosmtpd.handlers.Sink"]);
            }
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs (install python3-aiosmtpd)");
        let mut server = Self {
            child,
            port,
            maildir,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("aiosmtpd exited ({status}): is python3-aiosmtpd installed?");
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "aiosmtpd did not listen within 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The Message-ID of every message kept so far, one per message (a
    /// message delivered twice is here twice).
    pub fn message_ids(&self) -> Vec<String> {
        let Some(dir) = &self.maildir else {
            return Vec::new();
        };
        let new = dir.path().join("Maildir").join("new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|text| {
                text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("message-id")
                        .then(|| value.trim().to_owned())
                })
            })
            .collect()
    }
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
