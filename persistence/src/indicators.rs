//! The records the monitoring indicators are computed from, read in a few
//! set-wise queries (no per-person round trips).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::contract::EndCause;
use domain::equipment::KitPart;

use crate::connection::DbConnection;
use crate::contracts::SuspensionRow;
use crate::error::{stored, Result};
use crate::schema::{
    contract_suspensions, contracts, cpi_assignments, cpis, equipment_items, equipment_movements,
    navigators, offers, ojt_logs, provinces, selection_posts, selections,
};
use crate::time::from_db;
use crate::training::{all_fill_days, FillDays};

/// The days of a contract that the indicators count by.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contracts)]
pub struct ContractDays {
    pub id: String,
    pub signed_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: NaiveDate,
    pub end_cause: Option<String>,
    pub end_effective_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
}

impl ContractDays {
    /// The early end, when the contract has one.
    pub fn early_end(&self) -> Result<Option<(EndCause, NaiveDate)>> {
        match (&self.end_cause, self.end_effective_on) {
            (Some(cause), Some(on)) => Ok(Some((
                stored("contracts.end_cause", cause, EndCause::parse)?,
                on,
            ))),
            _ => Ok(None),
        }
    }
}

/// A Navigator's place.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = navigators)]
pub struct NavigatorPlace {
    pub id: String,
    pub region_code: String,
    pub province_sigla: String,
}

/// An offer with its place and, when accepted, its contract.
pub struct OfferRecord {
    pub region: String,
    pub province: String,
    pub status: String,
    pub called_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub deadline: DateTime<Utc>,
    pub contract: Option<ContractDays>,
}

/// A movement of an item, with its kit part.
pub struct MovementRecord {
    pub item_id: String,
    pub movement: String,
    pub day: NaiveDate,
    pub navigator_id: Option<String>,
    pub kit_part: String,
}

impl MovementRecord {
    pub fn kit_part(&self) -> Result<KitPart> {
        stored("equipment_items.kit_part", &self.kit_part, KitPart::parse)
    }
}

#[derive(Default)]
pub struct IndicatorRecords {
    /// Each Navigator with their newest contract.
    pub people: Vec<(NavigatorPlace, ContractDays)>,
    pub suspensions: Vec<SuspensionRow>,
    pub fill_days: Vec<(String, FillDays)>,
    pub offers: Vec<OfferRecord>,
    /// `(region, province, posts, the selection's publication day)`.
    pub posts: Vec<(String, String, i64, NaiveDate)>,
    /// `(cpi, region, province, from, to)`.
    pub assignments: Vec<(String, String, String, NaiveDate, Option<NaiveDate>)>,
    /// `(cpi, region, province, first day with validated hours)`.
    pub ojt_first_days: Vec<(String, String, String, NaiveDate)>,
    /// Every item held now: `(its holder, its kit part, held since)`.
    pub current_holdings: Vec<(String, KitPart, NaiveDate)>,
    /// The movements of the items that were ever given back, which hold
    /// the holdings that ended; ordered by item, then time.
    pub movements: Vec<MovementRecord>,
}

/// The movements that give an item to a Navigator or take it back.
pub const HOLDING_MOVEMENTS: [&str; 4] = ["assign", "return", "write-off", "deprovision"];
/// The movements that take an item back.
pub const HOLDING_ENDS: [&str; 3] = ["return", "write-off", "deprovision"];

/// Each Navigator with their newest contract (ids are time-ordered).
fn people<'a>(
    conn: &mut DbConnection,
    contracts: impl Iterator<Item = (&'a String, &'a ContractDays)>,
) -> Result<Vec<(NavigatorPlace, ContractDays)>> {
    let mut newest: HashMap<&str, &ContractDays> = HashMap::new();
    for (navigator, c) in contracts {
        let slot = newest.entry(navigator.as_str()).or_insert(c);
        if c.id > slot.id {
            *slot = c;
        }
    }
    let places: Vec<NavigatorPlace> = navigators::table
        .select(NavigatorPlace::as_select())
        .load(conn)?;
    Ok(places
        .into_iter()
        .filter_map(|p| {
            let contract = (*newest.get(p.id.as_str())?).clone();
            Some((p, contract))
        })
        .collect())
}

/// Only the records of the people's figures (contracted, active, the
/// training buckets and the path): each Navigator with their newest
/// contract, its suspensions and the days their buckets filled; the rest
/// is left empty.
pub fn load_people(conn: &mut DbConnection) -> Result<IndicatorRecords> {
    let contract_rows: Vec<(String, ContractDays)> = contracts::table
        .select((contracts::navigator_id, ContractDays::as_select()))
        .load(conn)?;
    let people = people(conn, contract_rows.iter().map(|(n, c)| (n, c)))?;
    let suspensions = contract_suspensions::table
        .select(SuspensionRow::as_select())
        .load(conn)?;
    Ok(IndicatorRecords {
        people,
        suspensions,
        fill_days: all_fill_days(conn)?,
        ..IndicatorRecords::default()
    })
}

pub fn load(conn: &mut DbConnection) -> Result<IndicatorRecords> {
    // Whole tables read in order of storage and joined here: a few
    // thousand rows each, cheaper than an index lookup per row.
    let region_of: HashMap<String, String> = provinces::table
        .select((provinces::sigla, provinces::region_code))
        .load(conn)?
        .into_iter()
        .collect();
    let contract_rows: Vec<(String, String, ContractDays)> = contracts::table
        .select((
            contracts::navigator_id,
            contracts::offer_id,
            ContractDays::as_select(),
        ))
        .load(conn)?;
    let people = people(
        conn,
        contract_rows.iter().map(|(navigator, _, c)| (navigator, c)),
    )?;
    let suspensions = contract_suspensions::table
        .select(SuspensionRow::as_select())
        .load(conn)?;

    let contract_of_offer: HashMap<&str, &ContractDays> = contract_rows
        .iter()
        .map(|(_, offer, c)| (offer.as_str(), c))
        .collect();
    type OfferRow = (
        String,
        String,
        String,
        Option<NaiveDate>,
        Option<NaiveDate>,
        NaiveDateTime,
    );
    let offer_rows: Vec<OfferRow> = offers::table
        .select((
            offers::id,
            offers::province_sigla,
            offers::status,
            offers::called_on,
            offers::decided_on,
            offers::deadline,
        ))
        .load(conn)?;
    let offers = offer_rows
        .into_iter()
        .filter_map(|(id, province, status, called_on, decided_on, deadline)| {
            Some(OfferRecord {
                region: region_of.get(&province)?.clone(),
                contract: contract_of_offer.get(id.as_str()).map(|c| (*c).clone()),
                province,
                status,
                called_on,
                decided_on,
                deadline: from_db(deadline),
            })
        })
        .collect();

    let posts = selection_posts::table
        .inner_join(selections::table)
        .inner_join(provinces::table.on(provinces::sigla.eq(selection_posts::province_sigla)))
        .select((
            provinces::region_code,
            selection_posts::province_sigla,
            selection_posts::posts,
            selections::published_on,
        ))
        .load(conn)?;

    let assignments = cpi_assignments::table
        .inner_join(cpis::table)
        .inner_join(provinces::table.on(provinces::sigla.eq(cpis::province_sigla)))
        .select((
            cpi_assignments::cpi_code,
            provinces::region_code,
            cpis::province_sigla,
            cpi_assignments::from_day,
            cpi_assignments::to_day,
        ))
        .load(conn)?;

    // One index seek per CPI (logs by CPI, status and day) rather than a
    // pass over every log.
    let first_validated = ojt_logs::table
        .filter(ojt_logs::cpi_code.eq(cpis::code.nullable()))
        .filter(ojt_logs::status.eq("validated"))
        .select(diesel::dsl::min(ojt_logs::day))
        .single_value();
    let first_days: Vec<(String, String, String, Option<NaiveDate>)> = cpis::table
        .inner_join(provinces::table.on(provinces::sigla.eq(cpis::province_sigla)))
        .select((
            cpis::code,
            provinces::region_code,
            cpis::province_sigla,
            first_validated,
        ))
        .load(conn)?;
    let ojt_first_days = first_days
        .into_iter()
        .filter_map(|(cpi, region, province, day)| Some((cpi, region, province, day?)))
        .collect();

    // An item's current holding is on the item itself; only items that
    // were given back need their movements to tell their past holdings.
    let held: Vec<(Option<String>, String, Option<NaiveDate>)> = equipment_items::table
        .filter(equipment_items::state.eq("assigned"))
        .select((
            equipment_items::holder_id,
            equipment_items::kit_part,
            equipment_items::assigned_on,
        ))
        .load(conn)?;
    let current_holdings = held
        .into_iter()
        .filter_map(|(holder, part, since)| Some((holder?, part, since?)))
        .map(|(holder, part, since)| {
            Ok((
                holder,
                stored("equipment_items.kit_part", &part, KitPart::parse)?,
                since,
            ))
        })
        .collect::<Result<_>>()?;
    let ends = diesel::alias!(equipment_movements as ends);
    let given_back = ends
        .filter(
            ends.field(equipment_movements::movement)
                .eq_any(HOLDING_ENDS),
        )
        .select(ends.field(equipment_movements::item_id));
    type MovementRow = (
        String,
        String,
        NaiveDate,
        Option<String>,
        NaiveDateTime,
        String,
    );
    let mut movement_rows: Vec<MovementRow> = equipment_movements::table
        .inner_join(equipment_items::table.on(equipment_items::id.eq(equipment_movements::item_id)))
        .filter(equipment_movements::item_id.eq_any(given_back))
        // Only the movements that start or end a holding.
        .filter(equipment_movements::movement.eq_any(HOLDING_MOVEMENTS))
        .select((
            equipment_movements::item_id,
            equipment_movements::movement,
            equipment_movements::day,
            equipment_movements::navigator_id,
            equipment_movements::at,
            equipment_items::kit_part,
        ))
        .load(conn)?;
    movement_rows.sort_unstable_by(|a, b| (&a.0, a.4).cmp(&(&b.0, b.4)));
    let movements = movement_rows
        .into_iter()
        .map(
            |(item_id, movement, day, navigator_id, _, kit_part)| MovementRecord {
                item_id,
                movement,
                day,
                navigator_id,
                kit_part,
            },
        )
        .collect();

    Ok(IndicatorRecords {
        people,
        suspensions,
        fill_days: all_fill_days(conn)?,
        offers,
        posts,
        assignments,
        ojt_first_days,
        current_holdings,
        movements,
    })
}
