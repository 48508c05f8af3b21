//! The demo programme: a selection with a few thousand applications over
//! Lazio, Lombardia and Campania, its rankings, calls with declines and
//! lapses, contracts, CPI assignments, training at different stages,
//! equipment and a few resignations. It is made through the use cases
//! every request goes through, each step run as the demo account whose job
//! it is (or as the system, for the background task's step), so every
//! record meets the same rules and role and Region checks as a user's
//! request. Everything is labelled as demo.
mod equipment;
mod hiring;
mod open_work;
mod resignations;
mod selection;
mod training;

use std::sync::Arc;

use anyhow::anyhow;
use chrono::{Days, NaiveDate};
use domain::account::Role;
use domain::ids::{ContractId, NavigatorId};
use domain::Violations;
use persistence::{accounts, Database};

use crate::app::{Act, UseCase, UseCases};
use crate::auth::Caller;
use crate::config::Settings;
use crate::error::ApiError;

pub use open_work::{OpenWork, TRIAL_SELECTION_CODE};

pub const SELECTION_CODE: &str = "DEMO-NAV";

/// The CPI the demo fills to its capacity, so that a move into it is refused.
const FULL_CPI: &str = "DEMO-RM-01";
/// Every demo CPI's capacity.
pub(crate) const DEMO_CPI_CAPACITY: i64 = 15;

/// Whether the hired person at `index` resigns (effective today): three
/// in Rome.
fn resigns(index: usize) -> bool {
    index % 10 == 3 && index < 30
}

/// Provinces of the demo with their posts and the seats filled.
const PROVINCES: [(&str, &str, i64, usize); 5] = [
    ("RM", "12", 40, 24),
    ("LT", "12", 10, 6),
    ("MI", "03", 40, 24),
    ("NA", "15", 40, 24),
    ("SA", "15", 10, 6),
];
/// Applications per province: within 20 per post, so all are admitted.
const APPLICANTS_PER_POST: usize = 17;

const FIRST_NAMES: [&str; 16] = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Davide",
    "Martina",
    "Stefano",
    "Elena",
    "Andrea",
    "Valentina",
    "Matteo",
    "Federica",
    "Simone",
];
const LAST_NAMES: [&str; 16] = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
];

pub struct ProgrammeReport {
    /// The Navigator to try the tablet app as: account active, path part done.
    pub navigator: super::DemoAccount,
    /// What is left open for trying the console's steps.
    pub open: OpenWork,
    pub applications: usize,
    pub navigators: usize,
    pub declined: usize,
    pub lapsed: usize,
    pub resigned: usize,
    pub ojt_logs: usize,
    pub items: usize,
}

/// A tiny deterministic generator: the same demo every time.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn letters(mut n: usize) -> String {
    let mut out = [b'A'; 3];
    for slot in out.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The demo's actors: the use cases, run as the demo accounts would run
/// them, so each step meets the same role and scope checks as a request.
struct Demo {
    cases: UseCases,
    db: Database,
    settings: Arc<Settings>,
}

impl Demo {
    /// Runs `case` as `caller`, now, as one request of its own: the audit
    /// log ties each step's entries together as it does a user's.
    fn run<U: UseCase>(&self, caller: &Caller, case: U) -> anyhow::Result<U::Outcome> {
        let act = Act::by(
            caller.clone(),
            uuid::Uuid::new_v4().to_string(),
            self.settings.clone(),
        );
        self.cases
            .run_blocking(&act, case)
            .map_err(|e| anyhow!("{}: {}", caller.role.as_str(), problem(e)))
    }

    /// The demo account with this email, as it would be signed in.
    fn of_email(&self, email: &str) -> anyhow::Result<Caller> {
        let mut conn = self.db.get()?;
        let a = accounts::find_by_email(&mut conn, email)?
            .ok_or_else(|| anyhow!("demo account {email} missing"))?;
        let role =
            Role::parse(&a.user.role).ok_or_else(|| anyhow!("role of demo account {email}"))?;
        Ok(Caller {
            user_id: a.user.id,
            role,
            regions: a.regions,
            navigator_id: None,
            session: None,
            enrolment_only: false,
        })
    }

    /// The Navigator's own account, as it would be signed in.
    fn of_navigator(&self, navigator_id: &str) -> anyhow::Result<Caller> {
        let mut conn = self.db.get()?;
        let a = accounts::find_by_navigator(&mut conn, navigator_id)?
            .ok_or_else(|| anyhow!("no account for Navigator {navigator_id}"))?;
        Ok(Caller {
            user_id: a.user.id,
            role: Role::Navigator,
            regions: Vec::new(),
            navigator_id: Some(navigator_id.to_owned()),
            session: None,
            enrolment_only: false,
        })
    }
}

/// An error with what it names, for the operator.
fn problem(e: ApiError) -> String {
    match &e {
        ApiError::Validation(v) => format!("{e}: {v:?}"),
        _ => format!("{e:?}"),
    }
}

fn invalid(v: Violations) -> anyhow::Error {
    anyhow!("{}", problem(ApiError::from(v)))
}

struct Hired {
    navigator: NavigatorId,
    contract: ContractId,
    province: &'static str,
    region: &'static str,
    codice_fiscale: String,
}

fn day(d: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        d + Days::new(offset as u64)
    } else {
        d - Days::new(offset.unsigned_abs())
    }
}

/// Builds the demo programme unless it exists; `None` when it does.
pub fn seed_programme(
    db: &Database,
    settings: &Settings,
    today: NaiveDate,
) -> anyhow::Result<Option<ProgrammeReport>> {
    let mut s = settings.clone();
    s.today = Some(today);
    let demo = Demo {
        cases: UseCases::new(db.clone()),
        db: db.clone(),
        settings: Arc::new(s),
    };
    build(&demo, today)
}

fn build(demo: &Demo, today: NaiveDate) -> anyhow::Result<Option<ProgrammeReport>> {
    let hr = demo.of_email("demo.hr@navigator-demo.it")?;
    if selection::exists(demo, &hr)? {
        return Ok(None);
    }
    let mut rng = Lcg(2019);
    let signed_on = day(today, -180);
    let start = day(today, -179);

    let (sel, applications) = selection::select(demo, &hr, &mut rng, today)?;
    let (declined, lapsed) = hiring::decline_and_lapse(demo, &hr, &sel)?;
    let hired = hiring::hire(demo, &hr, &sel, signed_on, start)?;
    hiring::assign(demo, &hr, &hired, start)?;
    let ojt_logs = training::train(demo, &hr, &hired, start)?;
    let items = equipment::equip(demo, &hr, &hired)?;
    let resigned = resignations::resign(demo, &hr, &hired, today)?;
    let navigator = tablet_navigator(demo, &hired)?;
    let open = open_work::leave_open(demo, &hr, &sel, today)?;

    Ok(Some(ProgrammeReport {
        navigator,
        open,
        applications,
        navigators: hired.len(),
        declined,
        lapsed,
        resigned,
        ojt_logs,
        items,
    }))
}

/// The hired person whose account is activated for trying the tablet app:
/// in Lazio (assigned to a CPI), with classroom and distance done and part
/// of the on-the-job hours validated, some pending, a kit received but not
/// yet acknowledged, and no resignation.
const TABLET_NAVIGATOR: usize = 2;

/// Activates the tablet Navigator's account as the mailed link would
/// (through the same use case), with a password printed once.
fn tablet_navigator(demo: &Demo, hired: &[Hired]) -> anyhow::Result<super::DemoAccount> {
    let h = hired
        .get(TABLET_NAVIGATOR)
        .ok_or_else(|| anyhow!("no Navigator for the tablet demo"))?;
    let mut conn = demo.db.get()?;
    let account = accounts::find_by_navigator(&mut conn, &h.navigator)?
        .ok_or_else(|| anyhow!("no account for the tablet demo Navigator"))?;
    // A fresh activation link, as the signature mailed one.
    let token = crate::auth::tokens::opaque_token();
    accounts::insert_one_time_token(
        &mut conn,
        &account.user.id,
        domain::account::OneTimePurpose::Activation,
        &crate::auth::tokens::digest(&token),
        chrono::Utc::now() + chrono::Duration::hours(1),
    )?;
    drop(conn);
    let password = super::demo_password();
    let act = Act::system(demo.settings.clone());
    let activate = crate::app::auth::ConfirmPasswordReset {
        token,
        new_password: password.clone(),
    };
    demo.cases
        .run_blocking(&act, activate)
        .map_err(|e| anyhow!("activating the tablet demo Navigator: {}", problem(e)))?;
    Ok(super::DemoAccount {
        email: account.user.email,
        role: Role::Navigator.as_str(),
        password,
    })
}

#[cfg(test)]
mod tests {
    use super::equipment::luhn;
    use super::*;

    #[test]
    fn generated_identifiers_pass_the_checks() {
        let imei = luhn("35000000900000");
        assert!(domain::equipment::identifiers::imei("imei", &imei).is_ok());
        let iccid = luhn("893910000005000000");
        assert!(domain::equipment::identifiers::iccid("iccid", &iccid).is_ok());
        assert_eq!(letters(0), "AAA");
        assert_eq!(letters(27), "ABB");
    }

    #[test]
    fn the_demo_fills_fewer_seats_than_its_posts() {
        for (_, _, posts, filled) in PROVINCES {
            // Room for the declined and lapsed calls, and more calls later.
            assert!(filled as i64 + 2 <= posts);
        }
    }
}
