//! Work left open for a newcomer to carry on in the console: a selection
//! with its posts but nothing imported yet (the files to import are in
//! `seed/demo/`), an offer waiting for its answer, accepted offers to put
//! under contract, a contract drafted but not signed, and a delivery batch
//! still in stock.

use chrono::NaiveDate;
use domain::equipment::{ItemInput, NewItem};
use domain::ids::{OfferId, SelectionId};
use domain::selection::scorrimento::Outcome;
use domain::selection::settings::{
    SelectionSettings, DEFAULT_ANNUAL_PAY_CENTS, DEFAULT_MONTHLY_EXPENSES_CENTS,
    DEFAULT_OFFER_DAYS, DEFAULT_RANKING_VALID_MONTHS,
};
use domain::selection::{ScoringRules, DEFAULT_MULTIPLIER};
use domain::Violations;

use crate::app::contracts::DraftContract;
use crate::app::equipment::ImportBatch;
use crate::app::scorrimento::{CallNext, DecideOffer};
use crate::app::selection::{CreateSelection, PostsChange, SetPosts};
use crate::auth::Caller;

use super::equipment::luhn;
use super::{day, invalid, problem, Demo};

/// The selection left open, its posts set: `seed/demo/domande.csv` and
/// `seed/demo/risultati.csv` are its applications and test results.
pub const TRIAL_SELECTION_CODE: &str = "DEMO-PROVA";
/// Its posts per province, in Lazio.
const TRIAL_POSTS: [(&str, i64); 2] = [("RM", 3), ("LT", 2)];
/// The province of the demo selection where the calls are left open.
const OPEN_CALLS_PROVINCE: &str = "MI";
/// The batch left in stock, to personalise and assign.
pub const STOCK_BATCH: &str = "Consip demo (scorta)";
const STOCK_KITS: u64 = 2;

/// What was left open, for the operator.
pub struct OpenWork {
    pub selection_code: &'static str,
    pub pending_offers: usize,
    pub accepted_to_draft: usize,
    pub drafts_to_sign: usize,
    pub items_in_stock: usize,
}

pub(super) fn leave_open(
    demo: &Demo,
    hr: &Caller,
    sel: &SelectionId,
    today: NaiveDate,
) -> anyhow::Result<OpenWork> {
    trial_selection(demo, hr, today)?;
    let (accepted_to_draft, drafts_to_sign, pending_offers) = open_calls(demo, hr, sel)?;
    let items_in_stock = stock(demo, hr)?;
    Ok(OpenWork {
        selection_code: TRIAL_SELECTION_CODE,
        pending_offers,
        accepted_to_draft,
        drafts_to_sign,
        items_in_stock,
    })
}

/// A selection with its notice out and its posts set; the applications,
/// admission, results and rankings are the newcomer's to do.
fn trial_selection(demo: &Demo, hr: &Caller, today: NaiveDate) -> anyhow::Result<()> {
    let settings = SelectionSettings {
        code: TRIAL_SELECTION_CODE.to_owned(),
        title: "Selezione di prova (dati demo)".to_owned(),
        published_on: day(today, -30),
        scoring: ScoringRules::default(),
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
    let created = demo.run(
        hr,
        CreateSelection {
            settings,
            training_path: None,
        },
    )?;
    demo.run(
        hr,
        SetPosts {
            selection_id: SelectionId::from_stored(created.selection.id),
            changes: TRIAL_POSTS
                .iter()
                .map(|(p, n)| PostsChange {
                    province: (*p).to_owned(),
                    posts: *n,
                })
                .collect(),
        },
    )?;
    Ok(())
}

/// In one province of the demo selection: two offers accepted and not yet
/// under contract, one drafted and not signed, one waiting for its answer.
fn open_calls(
    demo: &Demo,
    hr: &Caller,
    sel: &SelectionId,
) -> anyhow::Result<(usize, usize, usize)> {
    let call = || {
        demo.run(
            hr,
            CallNext::new(sel.clone(), OPEN_CALLS_PROVINCE, None, None),
        )
    };
    let accept = |id: &str| {
        demo.run(
            hr,
            DecideOffer {
                id: OfferId::from_stored(id.to_owned()),
                outcome: Outcome::Accept,
            },
        )
    };
    let (accepted, drafted) = (2, 1);
    for _ in 0..accepted {
        accept(&call()?.offer.id)?;
    }
    for _ in 0..drafted {
        let id = call()?.offer.id;
        accept(&id)?;
        demo.run(
            hr,
            DraftContract::new(OfferId::from_stored(id), true)
                .map_err(|e| anyhow::anyhow!("{}", problem(e)))?,
        )?;
    }
    call()?;
    Ok((accepted, drafted, 1))
}

/// A delivery batch received and left in stock, not personalised: devices,
/// SIMs and mailboxes for two kits.
fn stock(demo: &Demo, hr: &Caller) -> anyhow::Result<usize> {
    let mut items = Vec::new();
    for k in 0..STOCK_KITS {
        let imei = luhn(&format!("35{:012}", 8_000_000 + k * 2));
        let tablet_imei = luhn(&format!("35{:012}", 8_000_000 + k * 2 + 1));
        let iccid = luhn(&format!("893910{:012}", 4_000_000 + k * 2));
        let data_iccid = luhn(&format!("893910{:012}", 4_000_000 + k * 2 + 1));
        let number = format!("347{:07}", 4_000_000 + k);
        let serial = format!("DEMOSCORTA{k:02}");
        let mailbox = format!("navigator.scorta{k}@navigator-demo.it");
        let none = ItemInput {
            kind: "",
            model: None,
            serial: None,
            imei: None,
            iccid: None,
            phone_number: None,
            plan: None,
            mailbox: None,
            batch: Some(STOCK_BATCH),
        };
        for input in [
            ItemInput {
                kind: "smartphone",
                model: Some("Samsung Galaxy A40 Enterprise Edition"),
                imei: Some(&imei),
                ..none
            },
            ItemInput {
                kind: "sim",
                iccid: Some(&iccid),
                phone_number: Some(&number),
                plan: Some("voice_data"),
                ..none
            },
            ItemInput {
                kind: "tablet",
                model: Some("Samsung Galaxy Tab A"),
                serial: Some(&serial),
                imei: Some(&tablet_imei),
                ..none
            },
            ItemInput {
                kind: "sim",
                iccid: Some(&data_iccid),
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
    let count = items.len();
    // Numbered as the lines of the equivalent file, after its header.
    let lines = (2..).take(count).collect();
    demo.run(
        hr,
        ImportBatch {
            items,
            lines,
            rejected: Violations::new(),
        },
    )?;
    Ok(count)
}
