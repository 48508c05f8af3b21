//! `navigator seed --demo`: demo CPIs, one demo account per role, and a
//! demo programme (`programme`), built through the same rules as the API
//! and labelled as demo data.

pub mod programme;

use domain::account::{NewAccount, Role};
use domain::cpi::{CpiInput, NewCpi};
use persistence::audit::{self, AuditContext};
use persistence::{accounts, reference, write_transaction, Database};
use rand::distr::{Alphanumeric, SampleString};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;

use crate::accounts::{create_account, MailContext};
use crate::auth::password;
use crate::config::Settings;
use crate::error::ApiError;

/// A demo account and its password, printed once.
pub struct DemoAccount {
    pub email: String,
    pub role: &'static str,
    pub password: String,
}

pub struct DemoReport {
    pub cpis: usize,
    pub accounts: Vec<DemoAccount>,
}

/// The demo accounts: one per role, a coordinator for each Region of the
/// demo programme (two `cpi` Regions and Campania), and an expert who
/// answers the Navigators' questions.
pub const ACCOUNTS: [(&str, Role, &[&str]); 7] = [
    ("demo.admin@navigator-demo.it", Role::Admin, &[]),
    ("demo.hr@navigator-demo.it", Role::Hr, &[]),
    (
        "demo.coordinatore.lazio@navigator-demo.it",
        Role::Coordinator,
        &["12"],
    ),
    (
        "demo.coordinatore.campania@navigator-demo.it",
        Role::Coordinator,
        &["15"],
    ),
    (
        "demo.coordinatore.lombardia@navigator-demo.it",
        Role::Coordinator,
        &["03"],
    ),
    ("demo.formatore@navigator-demo.it", Role::Trainer, &[]),
    ("demo.esperto@navigator-demo.it", Role::Expert, &[]),
];

/// A random password for a demo account, printed once.
pub(crate) fn demo_password() -> String {
    Alphanumeric.sample_string(&mut UnwrapErr(SysRng), 16)
}

/// Two demo CPIs per province of every Region with a convention; accounts
/// that already exist are left alone.
pub fn seed_demo(db: &Database, settings: &Settings) -> anyhow::Result<DemoReport> {
    let mut conn = db.get()?;
    let domain = settings.public_host();
    let mut prepared = Vec::new();
    for (email, role, regions) in ACCOUNTS {
        if accounts::find_by_email(&mut conn, email)?.is_some() {
            continue;
        }
        let regions: Vec<String> = regions.iter().map(|r| (*r).to_owned()).collect();
        let new = NewAccount::parse(email, role, &regions, None)
            .map_err(|v| anyhow::anyhow!("{:?}", v.0))?;
        let pw = demo_password();
        let hash = password::hash(&pw).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        prepared.push((
            new,
            hash,
            DemoAccount {
                email: email.to_owned(),
                role: role.as_str(),
                password: pw,
            },
        ));
    }
    let ctx = AuditContext::system();
    let report = write_transaction(&mut conn, |conn| -> Result<DemoReport, ApiError> {
        let mut cpis = 0;
        let with_convention: Vec<String> = reference::list_regions(conn)?
            .into_iter()
            .filter(|r| r.convention.is_some())
            .map(|r| r.region.code)
            .collect();
        for region in &with_convention {
            for p in reference::list_provinces(conn, Some(region))? {
                for n in 1..=2 {
                    let code = format!("DEMO-{}-{n:02}", p.sigla);
                    if reference::get_cpi(conn, &code)?.is_some() {
                        continue;
                    }
                    let name = format!("CPI dimostrativo {} {n} (dati demo)", p.name);
                    let cpi = NewCpi::parse(&CpiInput {
                        code: &code,
                        name: &name,
                        province_sigla: &p.sigla,
                        address: None,
                        capacity: Some(programme::DEMO_CPI_CAPACITY),
                    })?;
                    let row = reference::insert_cpi(conn, &cpi, true)?;
                    audit::append::<(), _>(
                        conn,
                        &ctx,
                        "cpi.created",
                        "cpi",
                        &row.code,
                        None,
                        Some(&row),
                    )?;
                    cpis += 1;
                }
            }
        }
        let mail = MailContext {
            public_url: &settings.public_url,
            message_domain: &domain,
        };
        let mut created = Vec::new();
        for (new, hash, account) in prepared {
            create_account(conn, &ctx, &new, Some(&hash), &mail)?;
            created.push(account);
        }
        Ok(DemoReport {
            cpis,
            accounts: created,
        })
    })
    .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
    Ok(report)
}
