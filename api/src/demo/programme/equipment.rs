//! Equipment: a kit for three in four, received as one procurement batch,
//! personalised, assigned, paired and in part acknowledged.

use anyhow::anyhow;
use domain::equipment::{ItemInput, NewItem};
use domain::ids::EquipmentItemId;
use domain::Violations;
use persistence::equipment::ItemFilter;

use crate::app::equipment::{
    AcknowledgeKit, AssignItem, ImportBatch, ItemRecord, ListItems, MoveItem, PairSim,
    PlainMovement,
};
use crate::auth::Caller;

use super::{invalid, Demo, Hired};

/// Equips the hired; how many items were received.
pub(super) fn equip(demo: &Demo, hr: &Caller, hired: &[Hired]) -> anyhow::Result<usize> {
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
        hr,
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
            let page = demo.run(hr, ListItems { filter })?;
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
            hr,
            MoveItem {
                id: EquipmentItemId::from_stored(id.clone()),
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
                hr,
                AssignItem {
                    id: EquipmentItemId::from_stored(id.clone()),
                    navigator_id: h.navigator.clone(),
                    on: None,
                },
            )?;
            kit.push(id);
        }
        for (sim, device) in [(1, 0), (3, 2)] {
            demo.run(
                hr,
                PairSim {
                    sim_id: EquipmentItemId::from_stored(kit[sim].clone()),
                    device_id: EquipmentItemId::from_stored(kit[device].clone()),
                },
            )?;
        }
        if i % 2 == 1 {
            demo.run(&demo.of_navigator(&h.navigator)?, AcknowledgeKit)?;
        }
    }
    Ok(items)
}

/// `digits` followed by its Luhn check digit.
pub(super) fn luhn(digits: &str) -> String {
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
