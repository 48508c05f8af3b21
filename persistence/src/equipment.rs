//! The equipment inventory: items, who holds them, their movements and the
//! SIMs' pairings.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::equipment::{ItemKind, ItemState, KitPart, NewItem};

use crate::connection::DbConnection;
use crate::error::{stored, PersistenceError, Result};
use crate::schema::{equipment_items, equipment_movements, sim_pairings};
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = equipment_items)]
pub struct ItemRow {
    pub id: String,
    pub kind: String,
    pub kit_part: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub plan: Option<String>,
    pub mailbox: Option<String>,
    pub batch: Option<String>,
    pub state: String,
    pub holder_id: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    pub acknowledged_at: Option<chrono::NaiveDateTime>,
    pub return_condition: Option<String>,
    pub wiped: Option<bool>,
    pub reported_on: Option<NaiveDate>,
    pub block_requested: bool,
    pub deprovisioned_on: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl ItemRow {
    pub fn kind(&self) -> Result<ItemKind> {
        stored("equipment_items.kind", &self.kind, ItemKind::parse)
    }

    pub fn kit_part(&self) -> Result<KitPart> {
        stored("equipment_items.kit_part", &self.kit_part, KitPart::parse)
    }

    pub fn state(&self) -> Result<ItemState> {
        stored("equipment_items.state", &self.state, ItemState::parse)
    }
}

/// The identifier values of these items already in the inventory, as
/// `(field, value)` (a serial as `kind:serial`): an import names each clash.
pub fn identifiers_taken(
    conn: &mut DbConnection,
    items: &[NewItem],
) -> Result<Vec<(&'static str, String)>> {
    let mut taken = Vec::new();
    let values = |f: fn(&NewItem) -> Option<&String>| -> Vec<String> {
        items.iter().filter_map(|i| f(i).cloned()).collect()
    };
    let imeis = values(|i| i.imei.as_ref());
    let iccids = values(|i| i.iccid.as_ref());
    let numbers = values(|i| i.phone_number.as_ref());
    let mailboxes = values(|i| i.mailbox.as_ref());
    for chunk in imeis.chunks(500) {
        let found: Vec<Option<String>> = equipment_items::table
            .select(equipment_items::imei)
            .filter(equipment_items::imei.eq_any(chunk))
            .load(conn)?;
        taken.extend(found.into_iter().flatten().map(|v| ("imei", v)));
    }
    for chunk in iccids.chunks(500) {
        let found: Vec<Option<String>> = equipment_items::table
            .select(equipment_items::iccid)
            .filter(equipment_items::iccid.eq_any(chunk))
            .load(conn)?;
        taken.extend(found.into_iter().flatten().map(|v| ("iccid", v)));
    }
    for chunk in numbers.chunks(500) {
        let found: Vec<Option<String>> = equipment_items::table
            .select(equipment_items::phone_number)
            .filter(equipment_items::phone_number.eq_any(chunk))
            .load(conn)?;
        taken.extend(found.into_iter().flatten().map(|v| ("phone_number", v)));
    }
    for chunk in mailboxes.chunks(500) {
        let found: Vec<Option<String>> = equipment_items::table
            .select(equipment_items::mailbox)
            .filter(equipment_items::mailbox.eq_any(chunk))
            .load(conn)?;
        taken.extend(found.into_iter().flatten().map(|v| ("mailbox", v)));
    }
    for item in items {
        if let Some(serial) = &item.serial {
            let n: i64 = equipment_items::table
                .filter(equipment_items::kind.eq(item.kind.as_str()))
                .filter(equipment_items::serial.eq(serial))
                .count()
                .get_result(conn)?;
            if n > 0 {
                taken.push(("serial", format!("{}:{serial}", item.kind.as_str())));
            }
        }
    }
    Ok(taken)
}

/// Adds items in stock, each with its first movement; returns their ids.
pub fn insert_items(
    conn: &mut DbConnection,
    items: &[NewItem],
    day: NaiveDate,
    actor: Option<&str>,
) -> Result<Vec<String>> {
    let at = now();
    let mut ids = Vec::with_capacity(items.len());
    for chunk in items.chunks(200) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|i| {
                let id = new_id();
                ids.push(id.clone());
                (
                    equipment_items::id.eq(id),
                    equipment_items::kind.eq(i.kind.as_str()),
                    equipment_items::kit_part.eq(i.kit_part.as_str()),
                    equipment_items::model.eq(i.model.clone()),
                    equipment_items::serial.eq(i.serial.clone()),
                    equipment_items::imei.eq(i.imei.clone()),
                    equipment_items::iccid.eq(i.iccid.clone()),
                    equipment_items::phone_number.eq(i.phone_number.clone()),
                    equipment_items::plan.eq(i.plan.map(|p| p.as_str())),
                    equipment_items::mailbox.eq(i.mailbox.clone()),
                    equipment_items::batch.eq(i.batch.clone()),
                    equipment_items::state.eq("in_stock"),
                    equipment_items::block_requested.eq(false),
                    equipment_items::created_at.eq(at),
                )
            })
            .collect();
        crate::per_engine!(conn, c => diesel::insert_into(equipment_items::table).values(rows).execute(c))?;
    }
    for chunk in ids.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|item| {
                (
                    equipment_movements::id.eq(new_id()),
                    equipment_movements::item_id.eq(item.clone()),
                    equipment_movements::movement.eq("receive"),
                    equipment_movements::to_state.eq("in_stock"),
                    equipment_movements::day.eq(day),
                    equipment_movements::actor.eq(actor.map(str::to_owned)),
                    equipment_movements::at.eq(at),
                )
            })
            .collect();
        crate::per_engine!(conn, c => diesel::insert_into(equipment_movements::table).values(rows).execute(c))?;
    }
    Ok(ids)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<ItemRow>> {
    Ok(equipment_items::table
        .select(ItemRow::as_select())
        .filter(equipment_items::id.eq(id))
        .first(conn)
        .optional()?)
}

pub fn must_get(conn: &mut DbConnection, id: &str) -> Result<ItemRow> {
    get(conn, id)?.ok_or_else(|| PersistenceError::Corrupt(format!("item {id} vanished")))
}

#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub kind: Option<String>,
    pub state: Option<String>,
    pub holder_id: Option<String>,
    pub batch: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConnection, f: &ItemFilter) -> Result<Vec<ItemRow>> {
    let mut q = equipment_items::table
        .select(ItemRow::as_select())
        .into_boxed();
    if let Some(k) = &f.kind {
        q = q.filter(equipment_items::kind.eq(k.clone()));
    }
    if let Some(s) = &f.state {
        q = q.filter(equipment_items::state.eq(s.clone()));
    }
    if let Some(h) = &f.holder_id {
        q = q.filter(equipment_items::holder_id.eq(h.clone()));
    }
    if let Some(b) = &f.batch {
        q = q.filter(equipment_items::batch.eq(b.clone()));
    }
    if let Some(a) = &f.after_id {
        q = q.filter(equipment_items::id.gt(a.clone()));
    }
    Ok(q.order(equipment_items::id).limit(f.limit).load(conn)?)
}

/// The items a Navigator holds now.
pub fn held_by(conn: &mut DbConnection, navigator_id: &str) -> Result<Vec<ItemRow>> {
    Ok(equipment_items::table
        .select(ItemRow::as_select())
        .filter(equipment_items::holder_id.eq(navigator_id))
        .order(equipment_items::id)
        .load(conn)?)
}

/// What a movement writes besides the state.
#[derive(Debug, Clone, Default)]
pub struct MovementDetail<'a> {
    /// The new holder on assignment; `None` otherwise (the item leaves its holder).
    pub holder_id: Option<&'a str>,
    pub condition: Option<&'a str>,
    pub wiped: Option<bool>,
    pub reported_on: Option<NaiveDate>,
    pub block_requested: bool,
    pub deprovisioned_on: Option<NaiveDate>,
}

/// Moves an item from `from` to `to`, conditionally: `false` when another
/// request moved it first (so of two assignments at once, one wins).
#[allow(clippy::too_many_arguments)]
pub fn move_item(
    conn: &mut DbConnection,
    item: &ItemRow,
    movement: &str,
    to: &str,
    day: NaiveDate,
    detail: &MovementDetail<'_>,
    actor: Option<&str>,
) -> Result<bool> {
    let target = equipment_items::table
        .filter(equipment_items::id.eq(&item.id))
        .filter(equipment_items::state.eq(&item.state));
    let n = match to {
        "assigned" => diesel::update(target)
            .set((
                equipment_items::state.eq(to),
                equipment_items::holder_id.eq(detail.holder_id),
                equipment_items::assigned_on.eq(Some(day)),
                equipment_items::acknowledged_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(conn)?,
        "returned" | "broken" | "lost" | "stolen" => diesel::update(target)
            .set((
                equipment_items::state.eq(to),
                equipment_items::holder_id.eq(None::<String>),
                equipment_items::return_condition.eq(detail.condition),
                equipment_items::wiped.eq(detail.wiped),
                equipment_items::reported_on.eq(detail.reported_on),
                equipment_items::block_requested.eq(detail.block_requested),
                equipment_items::deprovisioned_on.eq(detail.deprovisioned_on),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set(equipment_items::state.eq(to))
            .execute(conn)?,
    };
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(equipment_movements::table)
        .values((
            equipment_movements::id.eq(new_id()),
            equipment_movements::item_id.eq(&item.id),
            equipment_movements::movement.eq(movement),
            equipment_movements::from_state.eq(Some(&item.state)),
            equipment_movements::to_state.eq(to),
            equipment_movements::day.eq(day),
            equipment_movements::navigator_id.eq(detail.holder_id.or(item.holder_id.as_deref())),
            equipment_movements::actor.eq(actor),
            equipment_movements::at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The day of an item's latest movement: a new one may not predate it.
pub fn last_movement_day(conn: &mut DbConnection, item_id: &str) -> Result<Option<NaiveDate>> {
    Ok(equipment_movements::table
        .select(diesel::dsl::max(equipment_movements::day))
        .filter(equipment_movements::item_id.eq(item_id))
        .first(conn)?)
}

/// Marks the Navigator's held items as acknowledged now; returns how many
/// were newly acknowledged.
pub fn acknowledge(conn: &mut DbConnection, navigator_id: &str) -> Result<usize> {
    Ok(diesel::update(
        equipment_items::table
            .filter(equipment_items::holder_id.eq(navigator_id))
            .filter(equipment_items::acknowledged_at.is_null()),
    )
    .set(equipment_items::acknowledged_at.eq(Some(now())))
    .execute(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = sim_pairings)]
pub struct PairingRow {
    pub id: String,
    pub sim_id: String,
    pub device_id: String,
    pub paired_at: chrono::NaiveDateTime,
    pub unpaired_at: Option<chrono::NaiveDateTime>,
}

/// The open pairing of an item, as SIM or as device.
pub fn open_pairing(conn: &mut DbConnection, item_id: &str) -> Result<Option<PairingRow>> {
    Ok(sim_pairings::table
        .select(PairingRow::as_select())
        .filter(
            sim_pairings::sim_id
                .eq(item_id)
                .or(sim_pairings::device_id.eq(item_id)),
        )
        .filter(sim_pairings::unpaired_at.is_null())
        .first(conn)
        .optional()?)
}

/// Every pairing of an item, oldest first.
pub fn pairings_of(conn: &mut DbConnection, item_id: &str) -> Result<Vec<PairingRow>> {
    Ok(sim_pairings::table
        .select(PairingRow::as_select())
        .filter(
            sim_pairings::sim_id
                .eq(item_id)
                .or(sim_pairings::device_id.eq(item_id)),
        )
        .order(sim_pairings::paired_at)
        .load(conn)?)
}

/// Opens a pairing; the partial unique indexes refuse a second open one
/// for the SIM or the device.
pub fn pair(conn: &mut DbConnection, sim_id: &str, device_id: &str) -> Result<PairingRow> {
    let id = new_id();
    diesel::insert_into(sim_pairings::table)
        .values((
            sim_pairings::id.eq(&id),
            sim_pairings::sim_id.eq(sim_id),
            sim_pairings::device_id.eq(device_id),
            sim_pairings::paired_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(sim_pairings::table
        .select(PairingRow::as_select())
        .filter(sim_pairings::id.eq(&id))
        .first(conn)?)
}

/// Closes the open pairing of an item leaving service.
pub fn unpair(conn: &mut DbConnection, item_id: &str) -> Result<usize> {
    Ok(diesel::update(
        sim_pairings::table
            .filter(
                sim_pairings::sim_id
                    .eq(item_id)
                    .or(sim_pairings::device_id.eq(item_id)),
            )
            .filter(sim_pairings::unpaired_at.is_null()),
    )
    .set(sim_pairings::unpaired_at.eq(Some(now())))
    .execute(conn)?)
}
