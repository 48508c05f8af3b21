//! The demo programme: a selection with a few thousand applications over
//! Lazio, Lombardia and Campania, its rankings, calls with declines and
//! lapses, contracts, CPI assignments, training at different stages,
//! equipment and a few resignations. It is made through the use cases
//! every request goes through, each step run as the demo account whose job
//! it is (or as the system, for the background task's step), so every
//! record meets the same rules and role and Region checks as a user's
//! request. Everything is labelled as demo.

use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{Days, NaiveDate, Utc};
use domain::account::Role;
use domain::equipment::ReturnCondition;
use domain::equipment::{ItemInput, NewItem};
use domain::selection::codice_fiscale::CodiceFiscale;
use domain::selection::scorrimento::Outcome;
use domain::selection::settings::{
    SelectionSettings, DEFAULT_ANNUAL_PAY_CENTS, DEFAULT_MONTHLY_EXPENSES_CENTS,
    DEFAULT_OFFER_DAYS, DEFAULT_RANKING_VALID_MONTHS,
};
use domain::selection::{ScoringRules, DEFAULT_MULTIPLIER};
use domain::training::classroom::{NewSession, SessionInput};
use domain::training::distance::Completion;
use domain::Violations;
use persistence::equipment::ItemFilter;
use persistence::{accounts, Database};

use crate::app::contracts::{DraftContract, ListOffboarding, RegisterResignation, SignContract};
use crate::app::equipment::{
    AcknowledgeKit, AssignItem, ImportBatch, ItemRecord, ListItems, MoveItem, PairSim,
    PlainMovement, ReadKit, ReturnItem,
};
use crate::app::navigators::AssignNavigator;
use crate::app::scorrimento::{CallNext, DecideOffer, LapseOffers};
use crate::app::selection::{
    ComputeAdmission, CreateSelection, ImportApplications, ImportResults, ListSelections,
    PostsChange, PublishRankings, SetPosts,
};
use crate::app::training::{
    CreateSession, LogHours, LogRequest, Logged, Person, RecordAttendance, RecordCompletions,
    RegisterRow, Reported, ValidateLogs,
};
use crate::app::{Act, UseCase, UseCases};
use crate::auth::Caller;
use crate::config::Settings;
use crate::csv_import::RowAt;
use crate::error::ApiError;

pub const SELECTION_CODE: &str = "DEMO-NAV";

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
    navigator: String,
    contract: String,
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
    let mut cursor = None;
    loop {
        let page = demo.run(
            &hr,
            ListSelections {
                cursor: cursor.take(),
                limit: 500,
            },
        )?;
        if page
            .items
            .iter()
            .any(|s| s.selection.code == SELECTION_CODE)
        {
            return Ok(None);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut rng = Lcg(2019);
    let notice = day(today, -240);
    let ranked_on = day(today, -200);
    let signed_on = day(today, -180);
    let start = day(today, -179);

    // The selection, its posts, applications, admission, results, rankings;
    // the rules not named take the 2019 defaults, as for a request.
    let scoring = ScoringRules::default();
    let settings = SelectionSettings {
        code: SELECTION_CODE.to_owned(),
        title: "Selezione Navigator (dati demo)".to_owned(),
        published_on: notice,
        scoring,
        admission_multiplier: DEFAULT_MULTIPLIER,
        offer_days: DEFAULT_OFFER_DAYS,
        ranking_valid_months: DEFAULT_RANKING_VALID_MONTHS,
        annual_pay_cents: DEFAULT_ANNUAL_PAY_CENTS,
        monthly_expenses_cents: DEFAULT_MONTHLY_EXPENSES_CENTS,
        contract_end: day(today, 365),
        decline_is_final: true,
    }
    .validate()
    .map_err(invalid)?;
    let selection = demo.run(
        &hr,
        CreateSelection {
            settings,
            training_path: None,
        },
    )?;
    let sel = selection.selection.id;
    let changes = PROVINCES
        .iter()
        .map(|(p, _, n, _)| PostsChange {
            province: (*p).to_owned(),
            posts: *n,
        })
        .collect();
    demo.run(
        &hr,
        SetPosts {
            selection_id: sel.clone(),
            changes,
        },
    )?;
    let mut csv = crate::handlers::selection::applications::CSV_HEADER.join(",");
    csv.push('\n');
    let mut results = String::from("application_no,right,wrong,blank\n");
    let mut n = 0usize;
    for (sigla, _, posts, _) in PROVINCES {
        for _ in 0..(posts as usize * APPLICANTS_PER_POST) {
            let year = 1975 + rng.below(24) as i32;
            let month = 1 + rng.below(12) as usize;
            let dom = 1 + rng.below(28);
            let months = b"ABCDEHLMPRST";
            let cf = CodiceFiscale::complete(&format!(
                "{}{}{:02}{}{dom:02}H501",
                letters(n),
                letters(n / 7 + 11),
                year % 100,
                months[month - 1] as char
            ))
            .ok_or_else(|| anyhow!("generated codice fiscale"))?;
            let first = FIRST_NAMES[rng.below(16) as usize];
            let last = LAST_NAMES[rng.below(16) as usize];
            let grade = 95 + rng.below(16);
            let honours = grade == 110 && rng.below(2) == 0;
            csv.push_str(&format!(
                "DEMO{n:05},{},{first},{last} (demo),{year}-{month:02}-{dom:02},demo.candidato{n}@navigator-demo.it,,{sigla},LM-56,{grade},{honours}\n",
                cf.as_str()
            ));
            let right = 55 + rng.below(45) as i64;
            let wrong = rng.below((100 - right) as u64 + 1) as i64;
            results.push_str(&format!(
                "DEMO{n:05},{right},{wrong},{}\n",
                100 - right - wrong
            ));
            n += 1;
        }
    }
    demo.run(
        &hr,
        ImportApplications {
            selection_id: sel.clone(),
            csv: csv.into_bytes(),
        },
    )?;
    demo.run(
        &hr,
        ComputeAdmission {
            selection_id: sel.clone(),
        },
    )?;
    demo.run(
        &hr,
        ImportResults {
            selection_id: sel.clone(),
            csv: results.into_bytes(),
        },
    )?;
    demo.run(
        &hr,
        PublishRankings {
            selection_id: sel.clone(),
            published_on: ranked_on,
        },
    )?;

    // Calls: in three provinces one declined offer and one left to lapse.
    let call = |sigla: &str| demo.run(&hr, CallNext::new(sel.clone(), sigla, None, None));
    let mut declined = 0;
    for sigla in ["RM", "MI", "NA"] {
        let first = call(sigla)?;
        demo.run(
            &hr,
            DecideOffer {
                id: first.offer.id,
                outcome: Outcome::Decline,
            },
        )?;
        declined += 1;
        call(sigla)?;
    }
    // The deadlines pass: the background task's own use case, a week ahead.
    let lapsed = {
        let act = Act {
            now: Utc::now() + chrono::Duration::days(8),
            ..Act::system(demo.settings.clone())
        };
        demo.cases
            .run_blocking(&act, LapseOffers)
            .map_err(|e| anyhow!("lapsing the demo offers: {}", problem(e)))?
    };

    // The seats filled: accepted, drafted, signed.
    let mut hired = Vec::new();
    for (sigla, region, _, filled) in PROVINCES {
        for _ in 0..filled {
            let offer = call(sigla)?;
            let id = offer.offer.id;
            demo.run(
                &hr,
                DecideOffer {
                    id: id.clone(),
                    outcome: Outcome::Accept,
                },
            )?;
            let draft = demo.run(
                &hr,
                DraftContract::new(id, true).map_err(|e| anyhow!("{}", problem(e)))?,
            )?;
            let contract = draft.contract.id;
            let signed = demo.run(
                &hr,
                SignContract {
                    id: contract.clone(),
                    signed_on,
                    start_date: start,
                    end_date: None,
                },
            )?;
            hired.push(Hired {
                navigator: signed.contract.navigator.id,
                contract,
                province: sigla,
                region,
                codice_fiscale: signed.contract.navigator.codice_fiscale,
            });
        }
    }

    // CPI assignments in the `cpi` Regions: the province's two demo CPIs in turn.
    for (i, h) in hired.iter().enumerate().filter(|(_, h)| h.region != "15") {
        demo.run(
            &hr,
            AssignNavigator {
                id: h.navigator.clone(),
                cpi_code: format!("DEMO-{}-{:02}", h.province, 1 + i % 2),
                from: start,
            },
        )?;
    }

    // Training at four stages: 0 nothing yet, 1 classroom, 2 classroom and
    // distance with part of the on-the-job hours, 3 the whole path.
    let stage = |i: usize| i % 4;
    let trainer = demo.of_email("demo.formatore@navigator-demo.it")?;
    for k in 0..5i64 {
        let session = NewSession::parse(&SessionInput {
            day: day(start, 1 + k),
            hours: 8.0,
            place: "Aula demo, Roma",
            trainer: "Formatore demo",
        })
        .map_err(invalid)?;
        let session = demo.run(&trainer, CreateSession { session })?;
        let rows = hired
            .iter()
            .enumerate()
            .filter(|(i, _)| stage(*i) >= 1)
            .enumerate()
            .map(|(at, (_, h))| RegisterRow {
                at: RowAt::Index(at),
                person: Person::Id(h.navigator.clone()),
                hours: 8.0,
            })
            .collect();
        demo.run(
            &trainer,
            RecordAttendance {
                session_id: session.id,
                rows,
                rejected: Violations::new(),
                kind: RowAt::Index(0),
            },
        )?;
    }
    let mut completions = Vec::new();
    for (i, h) in hired.iter().enumerate().filter(|(i, _)| stage(*i) >= 2) {
        let codice = CodiceFiscale::parse("codice_fiscale", &h.codice_fiscale)
            .map_err(|v| invalid(Violations::from(v)))?;
        for m in 1..=8i64 {
            completions.push(Reported {
                at: RowAt::Index(completions.len()),
                codice: codice.clone(),
                module_code: format!("FAD-{m:02}"),
                completion: Completion {
                    completed_on: day(start, 10 + m + (i % 5) as i64),
                    test_passed: true,
                },
            });
        }
    }
    demo.run(
        &hr,
        RecordCompletions {
            rows: completions,
            rejected: Violations::new(),
            kind: RowAt::Index(0),
        },
    )?;

    let mut ojt_logs = 0;
    for (i, h) in hired.iter().enumerate() {
        let (validated, pending) = match stage(i) {
            0 => (0, 0),
            1 => (0, 4),
            2 => (8, 2),
            _ => (15, 0),
        };
        if validated + pending == 0 {
            continue;
        }
        let navigator = demo.of_navigator(&h.navigator)?;
        let mut ids = Vec::new();
        for k in 0..(validated + pending) {
            let case = LogHours::new(
                LogRequest {
                    client_id: format!("demo-{i}-{k}"),
                    day: day(start, 20 + k),
                    hours: 8.0,
                    activity: "Affiancamento agli operatori del CPI (demo)".to_owned(),
                    cpi_code: None,
                },
                demo.settings.ojt_max_day_hours,
            )
            .map_err(invalid)?;
            let log = match demo.run(&navigator, case)? {
                Logged::Created(row) | Logged::Replayed(row) => row,
            };
            ojt_logs += 1;
            if k < validated {
                ids.push(log.id);
            }
        }
        if !ids.is_empty() {
            let coordinator = match h.region {
                "12" => "demo.coordinatore.lazio@navigator-demo.it",
                "03" => "demo.coordinatore.lombardia@navigator-demo.it",
                _ => "demo.coordinatore.campania@navigator-demo.it",
            };
            demo.run(
                &demo.of_email(coordinator)?,
                ValidateLogs::new(ids).map_err(invalid)?,
            )?;
        }
    }

    // Equipment: a kit for three in four, received as one procurement batch.
    let equipped: Vec<(usize, &Hired)> = hired
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 0)
        .collect();
    let mut items = Vec::new();
    for (i, _) in &equipped {
        let n = *i as u64;
        let imei = |k: u64| luhn(&format!("35{:012}", 9_000_000 + n * 2 + k));
        let iccid = |k: u64| luhn(&format!("893910{:012}", 5_000_000 + n * 2 + k));
        let (imei0, imei1, iccid0, iccid1) = (imei(0), imei(1), iccid(0), iccid(1));
        let number = format!("347{:07}", 5_000_000 + n);
        let serial = format!("DEMO{n:06}");
        let mailbox = format!("navigator.demo{n}@navigator-demo.it");
        let none = ItemInput {
            kind: "",
            model: None,
            serial: None,
            imei: None,
            iccid: None,
            phone_number: None,
            plan: None,
            mailbox: None,
            batch: Some("Consip demo"),
        };
        for input in [
            ItemInput {
                kind: "smartphone",
                model: Some("Samsung Galaxy A40 Enterprise Edition"),
                imei: Some(&imei0),
                ..none
            },
            ItemInput {
                kind: "sim",
                iccid: Some(&iccid0),
                phone_number: Some(&number),
                plan: Some("voice_data"),
                ..none
            },
            ItemInput {
                kind: "tablet",
                model: Some("Samsung Galaxy Tab A"),
                serial: Some(&serial),
                imei: Some(&imei1),
                ..none
            },
            ItemInput {
                kind: "sim",
                iccid: Some(&iccid1),
                plan: Some("data"),
                ..none
            },
            ItemInput {
                kind: "mailbox",
                mailbox: Some(&mailbox),
                batch: None,
                ..none
            },
        ] {
            items.push(NewItem::parse(&input).map_err(invalid)?);
        }
    }
    // Numbered as the lines of the equivalent file, after its header.
    let lines = (2..).take(items.len()).collect();
    demo.run(
        &hr,
        ImportBatch {
            items,
            lines,
            rejected: Violations::new(),
        },
    )?;
    let in_stock = |kind: Option<&str>, batch: Option<&str>| -> anyhow::Result<Vec<ItemRecord>> {
        let mut out = Vec::new();
        let mut after_id = None;
        loop {
            let filter = ItemFilter {
                kind: kind.map(str::to_owned),
                state: Some("in_stock".to_owned()),
                holder_id: None,
                batch: batch.map(str::to_owned),
                after_id: after_id.take(),
                limit: 500,
            };
            let page = demo.run(&hr, ListItems { filter })?;
            out.extend(page.items);
            match page.next_cursor {
                Some(c) => after_id = Some(c),
                None => return Ok(out),
            }
        }
    };
    let stock = in_stock(None, Some("Consip demo"))?;
    let mailboxes = in_stock(Some("mailbox"), None)?;
    let items = stock.len() + mailboxes.len();
    let mut by_part: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for record in stock.iter().chain(&mailboxes) {
        let id = record.item.id.clone();
        demo.run(
            &hr,
            MoveItem {
                id: id.clone(),
                movement: PlainMovement::Personalise,
                on: None,
            },
        )?;
        by_part
            .entry(record.item.kit_part.clone())
            .or_default()
            .push(id);
    }
    for (k, (i, h)) in equipped.iter().enumerate() {
        let mut kit = Vec::new();
        for part in [
            "smartphone",
            "sim_voice_data",
            "tablet",
            "sim_data",
            "mailbox",
        ] {
            let id = by_part
                .get(part)
                .and_then(|ids| ids.get(k))
                .cloned()
                .ok_or_else(|| anyhow!("no {part} for kit {k}"))?;
            demo.run(
                &hr,
                AssignItem {
                    id: id.clone(),
                    navigator_id: h.navigator.clone(),
                    on: None,
                },
            )?;
            kit.push(id);
        }
        for (sim, device) in [(1, 0), (3, 2)] {
            demo.run(
                &hr,
                PairSim {
                    sim_id: kit[sim].clone(),
                    device_id: kit[device].clone(),
                },
            )?;
        }
        if i % 2 == 1 {
            demo.run(&demo.of_navigator(&h.navigator)?, AcknowledgeKit)?;
        }
    }

    // A few resignations, effective today; two of them bring their kit back
    // except the tablet, so their offboarding stays open.
    let mut resigned = 0;
    for (i, h) in hired
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 3)
        .take(3)
    {
        demo.run(
            &hr,
            RegisterResignation {
                id: h.contract.clone(),
                submitted_on: day(today, -20),
                effective_on: today,
            },
        )?;
        resigned += 1;
        if i % 4 != 0 {
            let kit = demo.run(
                &hr,
                ReadKit {
                    navigator_id: h.navigator.clone(),
                },
            )?;
            for record in kit.items {
                let kind = record.item.kind.as_str();
                if kind == "tablet" || kind == "mailbox" {
                    continue;
                }
                demo.run(
                    &hr,
                    ReturnItem {
                        id: record.item.id.clone(),
                        condition: ReturnCondition::Good,
                        wiped: true,
                        on: None,
                    },
                )?;
            }
        }
    }
    // Reading the records settles today's endings: seats, mailboxes, offboarding.
    demo.run(
        &hr,
        ListOffboarding {
            open: true,
            cursor: None,
            limit: 100,
        },
    )
    .context("settling today's endings")?;

    Ok(Some(ProgrammeReport {
        applications: n,
        navigators: hired.len(),
        declined,
        lapsed,
        resigned,
        ojt_logs,
        items,
    }))
}

/// `digits` followed by its Luhn check digit.
fn luhn(digits: &str) -> String {
    (0..10)
        .map(|c| format!("{digits}{c}"))
        .find(|candidate| {
            let sum: u32 = candidate
                .chars()
                .rev()
                .enumerate()
                .filter_map(|(i, c)| c.to_digit(10).map(|d| (i, d)))
                .map(|(i, d)| {
                    if i % 2 == 1 {
                        if d * 2 > 9 {
                            d * 2 - 9
                        } else {
                            d * 2
                        }
                    } else {
                        d
                    }
                })
                .sum();
            sum.is_multiple_of(10)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
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
