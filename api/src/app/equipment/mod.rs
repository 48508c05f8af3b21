//! Equipment: the kit from procurement batch to return (DOMAIN.md §7).
//! The movements share [`apply_movement`]; what a contract's end does to
//! the kit is [`on_contract_end`].

mod acknowledge_kit;
mod assign_item;
mod import_batch;
mod list_items;
mod move_item;
mod pair_sim;
mod read_item;
mod read_kit;
mod receive_item;
mod return_item;
mod write_off;

pub use acknowledge_kit::AcknowledgeKit;
pub use assign_item::AssignItem;
pub use import_batch::{ImportBatch, CSV_HEADER};
pub use list_items::{ItemPage, ListItems};
pub use move_item::{MoveItem, PlainMovement};
pub use pair_sim::PairSim;
pub use read_item::{PairingHistory, ReadItem};
pub use read_kit::{ReadKit, ReadOwnKit};
pub use receive_item::ReceiveItem;
pub use return_item::ReturnItem;
pub use write_off::WriteOffItem;

use chrono::NaiveDate;
use domain::equipment::kit::{kit_status, KitStatus};
use domain::equipment::{
    check_movement_day, transition, ItemKind, ItemState, KitPart, Movement, NewItem,
};
use domain::ids::NavigatorId;
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::equipment::{self, ItemRow, MovementDetail};
use persistence::{contracts, DbConnection};

use crate::error::{ApiError, ApiResult};

/// An item as the service shows it: its row and the item it is paired with.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    pub item: ItemRow,
    pub paired_with: Option<String>,
}

/// What a Navigator holds, and what their kit lacks.
#[derive(Debug, Clone)]
pub struct KitRecord {
    pub navigator_id: NavigatorId,
    pub items: Vec<ItemRecord>,
    pub status: KitStatus,
    /// When the Navigator confirmed receipt of every item they hold.
    pub acknowledged_at: Option<chrono::NaiveDateTime>,
}

pub(crate) fn item_record(conn: &mut DbConnection, item: ItemRow) -> ApiResult<ItemRecord> {
    let paired_with = equipment::open_pairing(conn, &item.id)?.map(|p| {
        if p.sim_id == item.id {
            p.device_id
        } else {
            p.sim_id
        }
    });
    Ok(ItemRecord { item, paired_with })
}

pub(crate) fn kit_record(conn: &mut DbConnection, navigator_id: &str) -> ApiResult<KitRecord> {
    let held = equipment::held_by(conn, navigator_id)?;
    let parts: Vec<KitPart> = held
        .iter()
        .map(|i| Ok(i.kit_part()?))
        .collect::<ApiResult<_>>()?;
    let status = kit_status(&parts);
    let acknowledged_at = if held.is_empty() {
        None
    } else {
        held.iter()
            .map(|i| i.acknowledged_at)
            .collect::<Option<Vec<_>>>()
            .and_then(|all| all.into_iter().max())
    };
    let items = held
        .into_iter()
        .map(|i| item_record(conn, i))
        .collect::<ApiResult<_>>()?;
    Ok(KitRecord {
        navigator_id: NavigatorId::from_stored(navigator_id.to_owned()),
        items,
        status,
        acknowledged_at,
    })
}

pub(crate) fn load_item(conn: &mut DbConnection, id: &str) -> ApiResult<ItemRow> {
    equipment::get(conn, id)?.ok_or(ApiError::NotFound { entity: "item" })
}

pub(crate) fn state_of(item: &ItemRow) -> ApiResult<ItemState> {
    Ok(item.state()?)
}

pub(crate) fn kind_of(item: &ItemRow) -> ApiResult<ItemKind> {
    Ok(item.kind()?)
}

pub(crate) fn forbidden(item: &ItemRow, movement: Movement) -> ApiError {
    ApiError::conflict(
        ProblemType::ForbiddenTransition,
        format!("{} → {}", item.state, movement.as_str()),
    )
}

/// Applies a movement to an item: the state machine, the day, the
/// conditional update (of two at once, one wins), the audit line, and the
/// previous holder's offboarding when the item leaves them.
pub(crate) fn apply_movement(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    item: &ItemRow,
    movement: Movement,
    day: NaiveDate,
    today: NaiveDate,
    detail: &MovementDetail<'_>,
) -> ApiResult<ItemRow> {
    let to = transition(state_of(item)?, movement).map_err(|_| forbidden(item, movement))?;
    check_movement_day(
        "on",
        day,
        today,
        equipment::last_movement_day(conn, &item.id)?,
    )?;
    let moved = equipment::move_item(
        conn,
        item,
        movement.as_str(),
        to.as_str(),
        day,
        detail,
        ctx.actor.as_deref(),
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            ApiError::conflict(ProblemType::KitPartHeld, item.kit_part.clone())
        } else {
            e.into()
        }
    })?;
    if !moved {
        // Moved meanwhile by another request: report it from its state now.
        let now = equipment::must_get(conn, &item.id)?;
        return Err(forbidden(&now, movement));
    }
    let after = equipment::must_get(conn, &item.id)?;
    if after.holder_id.is_none() {
        equipment::unpair(conn, &item.id)?;
        if let Some(previous) = &item.holder_id {
            close_offboarding_if_done(conn, ctx, previous)?;
        }
    }
    audit::append(
        conn,
        ctx,
        &format!("equipment.{}", movement.as_str()),
        "equipment",
        &item.id,
        Some(item),
        Some(&after),
    )?;
    Ok(after)
}

/// Closes the Navigator's offboarding once they hold nothing.
pub(crate) fn close_offboarding_if_done(
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
pub(crate) fn on_contract_end(
    conn: &mut DbConnection,
    navigator_id: &str,
    ended_on: NaiveDate,
) -> ApiResult<()> {
    let ctx = AuditContext::system();
    for item in equipment::held_by(conn, navigator_id)? {
        if item.kind != ItemKind::Mailbox.as_str() {
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

/// The unique identifiers of an item, as `(field, value)`.
fn identifiers(item: &NewItem) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(v) = &item.imei {
        out.push(("imei", v.clone()));
    }
    if let Some(v) = &item.iccid {
        out.push(("iccid", v.clone()));
    }
    if let Some(v) = &item.phone_number {
        out.push(("phone_number", v.clone()));
    }
    if let Some(v) = &item.mailbox {
        out.push(("mailbox", v.clone()));
    }
    if let Some(v) = &item.serial {
        out.push(("serial", format!("{}:{v}", item.kind.as_str())));
    }
    out
}

/// Checks items against each other and the inventory: every identifier is
/// unique. `lines` gives each item's line for an import.
fn check_unique(
    conn: &mut DbConnection,
    items: &[NewItem],
    lines: Option<&[u64]>,
) -> ApiResult<Violations> {
    let mut v = Violations::new();
    let at = |i: usize, violation: Violation| match lines {
        Some(l) => violation.at_line(l[i]),
        None => violation,
    };
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        for id in identifiers(item) {
            if seen.contains(&id) {
                v.push(at(
                    i,
                    Violation::new(id.0, RuleCode::Duplicate).with_detail(id.1.clone()),
                ));
            } else {
                seen.push(id);
            }
        }
    }
    let taken = equipment::identifiers_taken(conn, items)?;
    for (i, item) in items.iter().enumerate() {
        for (field, value) in identifiers(item) {
            if taken.iter().any(|(f, t)| *f == field && *t == value) {
                v.push(at(
                    i,
                    Violation::new(field, RuleCode::AlreadyInInventory).with_detail(value),
                ));
            }
        }
    }
    Ok(v)
}
