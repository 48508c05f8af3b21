//! Mail: a small `Mailer` trait over lettre's transports, the texts, and the
//! background sender that drains the outbox.

pub mod sender;
pub mod templates;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{SmtpTransport, Transport};

use crate::config::{MailTransport, Settings};

/// One mail as it leaves the outbox. The Message-ID is the outbox's, so a
/// mail delivered twice (a crash between sending and recording it) carries
/// the same id both times and can be recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
}

pub trait Mailer: Send + Sync {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

fn build_message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(mail.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Writes each mail as one `.eml` file in a folder (the default). Each is
/// written under a hidden temporary name and then renamed, so a reader (or
/// a restart after a kill) never finds a half-written or empty `.eml`.
pub struct FileMailer {
    from: Mailbox,
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(from: Mailbox, dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { from, dir })
    }
}

impl Mailer for FileMailer {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        use std::io::Write;
        let msg = build_message(&self.from, mail)?;
        let name = uuid::Uuid::new_v4().simple().to_string();
        let partial = self.dir.join(format!(".{name}.eml.partial"));
        let done = self.dir.join(format!("{name}.eml"));
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&partial)?;
            file.write_all(&msg.formatted())?;
            file.sync_all()?;
            std::fs::rename(&partial, &done)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            MailError::Delivery(e.to_string())
        })
    }
}

/// Delivers through an SMTP server given by URL (`smtp://host:port`,
/// `smtps://user:pass@host`).
pub struct SmtpMailer {
    from: Mailbox,
    transport: SmtpTransport,
}

impl SmtpMailer {
    pub fn new(from: Mailbox, url: &str) -> Result<Self, MailError> {
        Self::with_password(from, url, None, 1)
    }

    /// As `new`, with the password kept apart from the URL (a secret file;
    /// the user name is the URL's), and up to `connections` connections
    /// kept open for deliveries running at once.
    pub fn with_password(
        from: Mailbox,
        url: &str,
        password: Option<&str>,
        connections: usize,
    ) -> Result<Self, MailError> {
        let pool = lettre::transport::smtp::PoolConfig::new()
            .max_size(u32::try_from(connections.max(1)).unwrap_or(u32::MAX));
        let mut builder = SmtpTransport::from_url(url)
            .map_err(|e| MailError::Build(format!("SMTP URL: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .pool_config(pool);
        if let Some(password) = password {
            let user = smtp_user(url).ok_or_else(|| {
                MailError::Build("SMTP URL: a password needs a user name in the URL".into())
            })?;
            builder =
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                    user,
                    password.to_owned(),
                ));
        }
        Ok(Self {
            from,
            transport: builder.build(),
        })
    }
}

impl Mailer for SmtpMailer {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let msg = build_message(&self.from, mail)?;
        self.transport
            .send(&msg)
            .map(|_| ())
            .map_err(|e| MailError::Delivery(e.to_string()))
    }
}

/// The user name of an SMTP URL (`smtps://user@host`), percent-decoded.
fn smtp_user(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (userinfo, _) = rest.split('/').next()?.rsplit_once('@')?;
    let user = userinfo.split(':').next().filter(|u| !u.is_empty())?;
    let bytes = user.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| user.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Only logs that a mail would go out (never its body: it holds tokens).
pub struct LogMailer;

impl Mailer for LogMailer {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        tracing::info!(to = %mail.to, subject = %mail.subject, message_id = %mail.message_id, "mail (log transport)");
        Ok(())
    }
}

/// Keeps delivered mail in memory (tests and the demo).
#[derive(Default)]
pub struct MemoryMailer {
    pub delivered: Mutex<Vec<OutgoingMail>>,
}

impl Mailer for MemoryMailer {
    fn deliver(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        self.delivered
            .lock()
            .map_err(|_| MailError::Delivery("mailbox poisoned".into()))?
            .push(mail.clone());
        Ok(())
    }
}

/// The mailer the settings ask for.
pub fn from_settings(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    let from: Mailbox = settings
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("NAVIGATOR_MAIL_FROM is not a mailbox: {e}"))?;
    Ok(match settings.mail_transport {
        MailTransport::File => Arc::new(FileMailer::new(from, settings.mail_dir.clone())?),
        MailTransport::Smtp => {
            let url = settings.smtp_url.as_deref().ok_or_else(|| {
                anyhow::anyhow!("NAVIGATOR_SMTP_URL is required with the smtp transport")
            })?;
            Arc::new(SmtpMailer::with_password(
                from,
                url,
                settings.smtp_password.as_deref(),
                settings.mail_connections,
            )?)
        }
        MailTransport::Log => Arc::new(LogMailer),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_user_is_read_from_the_url() {
        assert_eq!(
            smtp_user("smtps://mailer%40ente.it@mail.ente.it:465").as_deref(),
            Some("mailer@ente.it")
        );
        assert_eq!(smtp_user("smtp://user:old@host").as_deref(), Some("user"));
        assert_eq!(smtp_user("smtp://127.0.0.1:2525"), None);
    }

    #[test]
    fn a_mail_file_appears_whole_under_its_final_name() {
        let dir = std::env::temp_dir().join(format!("mail-{}", uuid::Uuid::new_v4().simple()));
        let from: Mailbox = "Navigator <noreply@example.it>".parse().unwrap();
        let mailer = FileMailer::new(from, dir.clone()).unwrap();
        let mail = OutgoingMail {
            message_id: "m-1".into(),
            to: "a@example.it".into(),
            subject: "Prova".into(),
            body: "Testo".into(),
        };
        mailer.deliver(&mail).unwrap();
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(names[0].extension().is_some_and(|x| x == "eml"));
        assert!(std::fs::metadata(&names[0]).unwrap().len() > 0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
