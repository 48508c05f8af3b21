//! Equipment work shared by handlers and the contract's end: the views of
//! items and kits, what a contract's end does to the kit, and the
//! offboarding that closes when nothing is outstanding.

use chrono::NaiveDate;
use domain::equipment::kit::kit_status;
use domain::equipment::KitPart;
use openapi::dto::{ItemView, KitView};
use persistence::audit::{self, AuditContext};
use persistence::equipment::{self, ItemRow, MovementDetail};
use persistence::{contracts, DbConnection};

use crate::accounts::parse_uuid;
use crate::error::{ApiError, ApiResult};

pub fn item_view(conn: &mut DbConnection, row: &ItemRow) -> ApiResult<ItemView> {
    let paired_with = equipment::open_pairing(conn, &row.id)?
        .map(|p| {
            if p.sim_id == row.id {
                p.device_id
            } else {
                p.sim_id
            }
        })
        .map(|id| parse_uuid(&id))
        .transpose()?;
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
        state: row.state.clone(),
        navigator_id: row.holder_id.as_deref().map(parse_uuid).transpose()?,
        paired_with,
        assigned_on: row.assigned_on,
        acknowledged_at: row.acknowledged_at.map(persistence::time::from_db),
        return_condition: row.return_condition.clone(),
        wiped: row.wiped,
        reported_on: row.reported_on,
        block_requested: row.block_requested,
        deprovisioned_on: row.deprovisioned_on,
    })
}

pub fn kit_view(conn: &mut DbConnection, navigator_id: &str) -> ApiResult<KitView> {
    let held = equipment::held_by(conn, navigator_id)?;
    let parts: Vec<KitPart> = held
        .iter()
        .map(|i| KitPart::parse(&i.kit_part).ok_or(ApiError::Internal))
        .collect::<ApiResult<_>>()?;
    let status = kit_status(&parts);
    // Acknowledged when every held item is.
    let acknowledged_at = if held.is_empty() {
        None
    } else {
        held.iter()
            .map(|i| i.acknowledged_at)
            .collect::<Option<Vec<_>>>()
            .and_then(|all| all.into_iter().max())
            .map(persistence::time::from_db)
    };
    Ok(KitView {
        navigator_id: parse_uuid(navigator_id)?,
        complete: status.complete,
        items: held
            .iter()
            .map(|i| item_view(conn, i))
            .collect::<ApiResult<_>>()?,
        missing: status
            .missing
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        acknowledged_at,
    })
}

/// Closes the Navigator's offboarding once they hold nothing.
pub fn close_offboarding_if_done(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    navigator_id: &str,
) -> ApiResult<()> {
    if !equipment::held_by(conn, navigator_id)?.is_empty() {
        return Ok(());
    }
    if contracts::close_offboardings(conn, navigator_id)? > 0 {
        audit::append::<(), _>(
            conn,
            ctx,
            "offboarding.closed",
            "navigator",
            navigator_id,
            None,
            Some(&serde_json::json!({ "outstanding": 0 })),
        )?;
    }
    Ok(())
}

/// On the day a contract ends: the mailbox is deprovisioned, and the
/// offboarding closes at once if nothing else is held.
pub fn on_contract_end(
    conn: &mut DbConnection,
    navigator_id: &str,
    ended_on: NaiveDate,
) -> ApiResult<()> {
    let ctx = AuditContext::system();
    for item in equipment::held_by(conn, navigator_id)? {
        if item.kind != domain::equipment::ItemKind::Mailbox.as_str() {
            continue;
        }
        let detail = MovementDetail {
            deprovisioned_on: Some(ended_on),
            ..MovementDetail::default()
        };
        if equipment::move_item(
            conn,
            &item,
            "deprovision",
            "returned",
            ended_on,
            &detail,
            None,
        )? {
            let after = equipment::must_get(conn, &item.id)?;
            audit::append(
                conn,
                &ctx,
                "equipment.deprovisioned",
                "equipment",
                &item.id,
                Some(&item),
                Some(&after),
            )?;
        }
    }
    close_offboarding_if_done(conn, &ctx, navigator_id)
}
