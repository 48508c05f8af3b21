//! Puts a SIM into a device: a voice and data SIM into the smartphone, a
//! data SIM into the tablet. One device per SIM and one SIM per device at
//! a time; the history is kept.

use domain::account::Role;
use domain::equipment::{check_pairing, PairingSide, Plan};
use domain::ids::EquipmentItemId;
use domain::RuleCode;
use domain::Violation;
use openapi::ProblemType;
use persistence::equipment::{self, ItemRow};
use persistence::{audit, DbConnection};

use super::{item_record, kind_of, load_item, state_of, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct PairSim {
    pub sim_id: EquipmentItemId,
    pub device_id: EquipmentItemId,
}

fn side(item: &ItemRow) -> ApiResult<PairingSide<'_>> {
    Ok(PairingSide {
        kind: kind_of(item)?,
        plan: item.plan.as_deref().and_then(Plan::parse),
        state: state_of(item)?,
        holder: item.holder_id.as_deref(),
    })
}

impl UseCase for PairSim {
    /// The SIM, paired.
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let sim = load_item(conn, &self.sim_id)?;
        let device = equipment::get(conn, &self.device_id)?.ok_or_else(|| {
            ApiError::from(
                Violation::new("device_id", RuleCode::UnknownItem).with_detail(&self.device_id),
            )
        })?;
        check_pairing(&side(&sim)?, &side(&device)?)
            .map_err(|r| ApiError::pairing(r, format!("{} → {}", sim.id, device.id)))?;
        if let Some(p) = equipment::open_pairing(conn, &sim.id)? {
            return Err(ApiError::conflict(
                ProblemType::SimAlreadyPaired,
                p.device_id,
            ));
        }
        if let Some(p) = equipment::open_pairing(conn, &device.id)? {
            return Err(ApiError::conflict(
                ProblemType::DeviceAlreadyPaired,
                p.sim_id,
            ));
        }
        let pairing = equipment::pair(conn, &sim.id, &device.id).map_err(|e| {
            // Two pairings at once: the unique indexes let one through.
            if e.is_unique_violation() {
                ApiError::conflict(ProblemType::SimAlreadyPaired, sim.id.clone())
            } else {
                e.into()
            }
        })?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "equipment.paired",
            "equipment",
            &sim.id,
            None,
            Some(&pairing),
        )?;
        item_record(conn, sim)
    }
}
