//! A few resignations, effective today; two of them bring their kit back
//! except the tablet, so their offboarding stays open.

use anyhow::Context;
use chrono::NaiveDate;
use domain::equipment::ReturnCondition;
use domain::ids::EquipmentItemId;

use crate::app::contracts::{ListOffboarding, RegisterResignation};
use crate::app::equipment::{ReadKit, ReturnItem};
use crate::auth::Caller;

use super::{day, resigns, Demo, Hired};

/// Registers the resignations and settles today's endings; how many resigned.
pub(super) fn resign(
    demo: &Demo,
    hr: &Caller,
    hired: &[Hired],
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut resigned = 0;
    for (i, h) in hired.iter().enumerate().filter(|(i, _)| resigns(*i)) {
        demo.run(
            hr,
            RegisterResignation {
                id: h.contract.clone(),
                submitted_on: day(today, -20),
                effective_on: today,
            },
        )?;
        resigned += 1;
        if i % 4 != 0 {
            let kit = demo.run(
                hr,
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
                    hr,
                    ReturnItem {
                        id: EquipmentItemId::from_stored(record.item.id.clone()),
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
        hr,
        ListOffboarding {
            open: true,
            cursor: None,
            limit: 100,
        },
    )
    .context("settling today's endings")?;
    Ok(resigned)
}
