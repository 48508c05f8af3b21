//! Equipment records as the JSON API shows them.

use openapi::dto::{ItemView, KitView, PairingView};
use persistence::equipment::PairingRow;
use persistence::time::from_db;

use crate::accounts::parse_uuid;
use crate::app::equipment::{ItemRecord, KitRecord};
use crate::error::ApiResult;

pub fn item_view(record: &ItemRecord) -> ApiResult<ItemView> {
    let row = &record.item;
    Ok(ItemView {
        id: parse_uuid(&row.id)?,
        kind: row.kind.clone(),
        kit_part: row.kit_part.clone(),
        model: row.model.clone(),
        serial: row.serial.clone(),
        imei: row.imei.clone(),
        iccid: row.iccid.clone(),
        phone_number: row.phone_number.clone(),
        plan: row.plan.clone(),
        mailbox: row.mailbox.clone(),
        batch: row.batch.clone(),
        state: row.state()?.into(),
        navigator_id: row.holder_id.as_deref().map(parse_uuid).transpose()?,
        paired_with: record.paired_with.as_deref().map(parse_uuid).transpose()?,
        assigned_on: row.assigned_on,
        acknowledged_at: row.acknowledged_at.map(from_db),
        return_condition: row.return_condition.clone(),
        wiped: row.wiped,
        reported_on: row.reported_on,
        block_requested: row.block_requested,
        deprovisioned_on: row.deprovisioned_on,
    })
}

pub fn kit_view(kit: &KitRecord) -> ApiResult<KitView> {
    Ok(KitView {
        navigator_id: parse_uuid(&kit.navigator_id)?,
        complete: kit.status.complete,
        items: kit.items.iter().map(item_view).collect::<ApiResult<_>>()?,
        missing: kit
            .status
            .missing
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        acknowledged_at: kit.acknowledged_at.map(from_db),
    })
}

pub fn pairing_view(p: &PairingRow) -> ApiResult<PairingView> {
    Ok(PairingView {
        sim_id: parse_uuid(&p.sim_id)?,
        device_id: parse_uuid(&p.device_id)?,
        paired_at: from_db(p.paired_at),
        unpaired_at: p.unpaired_at.map(from_db),
    })
}
