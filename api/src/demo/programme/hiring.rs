//! Calls, offers declined and lapsed, contracts signed and CPI assignments.

use anyhow::anyhow;
use chrono::{NaiveDate, Utc};
use domain::ids::{ContractId, NavigatorId, OfferId, SelectionId};
use domain::selection::scorrimento::Outcome;

use crate::app::contracts::{DraftContract, SignContract};
use crate::app::navigators::AssignNavigator;
use crate::app::scorrimento::{CallNext, Called, DecideOffer, LapseOffers};
use crate::app::Act;
use crate::auth::Caller;

use super::{problem, resigns, Demo, Hired, DEMO_CPI_CAPACITY, FULL_CPI, PROVINCES};

fn call(demo: &Demo, hr: &Caller, sel: &SelectionId, sigla: &str) -> anyhow::Result<Called> {
    demo.run(hr, CallNext::new(sel.clone(), sigla, None, None))
}

/// In three provinces one declined offer and one left to lapse; how many
/// were declined and lapsed.
pub(super) fn decline_and_lapse(
    demo: &Demo,
    hr: &Caller,
    sel: &SelectionId,
) -> anyhow::Result<(usize, usize)> {
    let call = |sigla: &str| call(demo, hr, sel, sigla);
    let mut declined = 0;
    for sigla in ["RM", "MI", "NA"] {
        let first = call(sigla)?;
        demo.run(
            hr,
            DecideOffer {
                id: OfferId::from_stored(first.offer.id),
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
    Ok((declined, lapsed))
}

/// The seats filled: accepted, drafted, signed.
pub(super) fn hire(
    demo: &Demo,
    hr: &Caller,
    sel: &SelectionId,
    signed_on: NaiveDate,
    start: NaiveDate,
) -> anyhow::Result<Vec<Hired>> {
    let call = |sigla: &str| call(demo, hr, sel, sigla);
    let mut hired = Vec::new();
    for (sigla, region, _, filled) in PROVINCES {
        for _ in 0..filled {
            let offer = call(sigla)?;
            let id = offer.offer.id;
            demo.run(
                hr,
                DecideOffer {
                    id: OfferId::from_stored(id.clone()),
                    outcome: Outcome::Accept,
                },
            )?;
            let draft = demo.run(
                hr,
                DraftContract::new(OfferId::from_stored(id), true)
                    .map_err(|e| anyhow!("{}", problem(e)))?,
            )?;
            let contract = ContractId::from_stored(draft.contract.id);
            let signed = demo.run(
                hr,
                SignContract {
                    id: contract.clone(),
                    signed_on,
                    start_date: start,
                    end_date: None,
                },
            )?;
            hired.push(Hired {
                navigator: NavigatorId::from_stored(signed.contract.navigator.id),
                contract,
                province: sigla,
                region,
                codice_fiscale: signed.contract.navigator.codice_fiscale,
            });
        }
    }
    Ok(hired)
}

/// CPI assignments in the `cpi` Regions: the province's two demo CPIs in
/// turn, except that `FULL_CPI` takes as many of those staying as it can
/// hold (those resigning go to the other), so that it is full today.
pub(super) fn assign(
    demo: &Demo,
    hr: &Caller,
    hired: &[Hired],
    start: NaiveDate,
) -> anyhow::Result<()> {
    let mut in_full_cpi = 0;
    for (i, h) in hired.iter().enumerate().filter(|(_, h)| h.region != "15") {
        let mut cpi_code = format!("DEMO-{}-{:02}", h.province, 1 + i % 2);
        if FULL_CPI.starts_with(&format!("DEMO-{}-", h.province)) {
            cpi_code = if !resigns(i) && in_full_cpi < DEMO_CPI_CAPACITY {
                in_full_cpi += 1;
                FULL_CPI.to_owned()
            } else {
                format!("DEMO-{}-02", h.province)
            };
        }
        demo.run(
            hr,
            AssignNavigator {
                id: h.navigator.clone(),
                cpi_code,
                from: start,
            },
        )?;
    }
    Ok(())
}
