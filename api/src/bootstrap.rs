//! The first administrator: from `NAVIGATOR_ADMIN_*`, or on an empty
//! database a generated one whose password is shown once.

use domain::account::{check_password, NewAccount, Role};
use persistence::audit::AuditContext;
use persistence::{accounts, write_transaction, Database};
use rand::distr::{Alphanumeric, SampleString};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;

use crate::accounts::{create_account, MailContext};
use crate::auth::password;
use crate::config::Settings;
use crate::error::ApiError;

pub const GENERATED_ADMIN_EMAIL: &str = "admin@navigator.local";

/// Credentials to print once; never stored in clear.
#[derive(Debug, Clone)]
pub struct BootstrapAdmin {
    pub email: String,
    /// Set only when the service generated it.
    pub generated_password: Option<String>,
}

pub fn ensure_admin(db: &Database, settings: &Settings) -> anyhow::Result<Option<BootstrapAdmin>> {
    let mut conn = db.get()?;
    if accounts::count_by_role(&mut conn, Role::Admin.as_str())? > 0 {
        return Ok(None);
    }
    let (email, password, generated) = match (&settings.admin_email, &settings.admin_password) {
        (Some(e), Some(p)) => (e.clone(), p.clone(), false),
        (Some(_), None) | (None, Some(_)) => {
            anyhow::bail!("set both NAVIGATOR_ADMIN_EMAIL and NAVIGATOR_ADMIN_PASSWORD, or neither")
        }
        (None, None) if accounts::count_users(&mut conn)? == 0 => (
            GENERATED_ADMIN_EMAIL.to_owned(),
            Alphanumeric.sample_string(&mut UnwrapErr(SysRng), 20),
            true,
        ),
        (None, None) => return Ok(None),
    };
    let new = NewAccount::parse(&email, Role::Admin, &[], None)
        .map_err(|v| anyhow::anyhow!("NAVIGATOR_ADMIN_EMAIL: {:?}", v.0))?;
    check_password("NAVIGATOR_ADMIN_PASSWORD", &password, Some(&new.email))
        .map_err(|v| anyhow::anyhow!("NAVIGATOR_ADMIN_PASSWORD: {}", v.code))?;
    let hash = password::hash(&password).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let domain = settings.public_host();
    write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
        let mail = MailContext {
            public_url: &settings.public_url,
            message_domain: &domain,
        };
        create_account(conn, &AuditContext::system(), &new, Some(&hash), &mail)
    })
    .map_err(|e| anyhow::anyhow!("creating the first administrator: {e}"))?;
    tracing::info!(email = %new.email.as_str(), "first administrator created");
    Ok(Some(BootstrapAdmin {
        email: new.email.as_str().to_owned(),
        generated_password: generated.then_some(password),
    }))
}
