//! Assignment to a Navigator whose contract is signed or active: one
//! holder per item, one item of each kit part per Navigator.

use chrono::NaiveDate;
use domain::account::Role;
use domain::equipment::{may_receive, transition, Movement};
use domain::ids::{EquipmentItemId, NavigatorId};
use domain::RuleCode;
use domain::Violation;
use openapi::ProblemType;
use persistence::equipment::{self, MovementDetail};
use persistence::{contracts, DbConnection};

use super::{apply_movement, forbidden, item_record, load_item, state_of, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct AssignItem {
    pub id: EquipmentItemId,
    pub navigator_id: NavigatorId,
    /// Today when not given.
    pub on: Option<NaiveDate>,
}

impl UseCase for AssignItem {
    type Outcome = ItemRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ItemRecord> {
        let item = load_item(conn, &self.id)?;
        let day = self.on.unwrap_or(act.today);
        let nav = contracts::get_navigator(conn, &self.navigator_id)?.ok_or_else(|| {
            ApiError::from(
                Violation::new("navigator_id", RuleCode::UnknownNavigator)
                    .with_detail(&self.navigator_id),
            )
        })?;
        // The state first: an item already out is a conflict whoever asks.
        transition(state_of(&item)?, Movement::Assign)
            .map_err(|_| forbidden(&item, Movement::Assign))?;
        let contract =
            contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
        if !may_receive(&contracts::dates_of(conn, &contract)?, day) {
            return Err(ApiError::rule(ProblemType::ContractNotActive, day));
        }
        let held = equipment::held_by(conn, &nav.id)?;
        if held.iter().any(|h| h.kit_part == item.kit_part) {
            return Err(ApiError::conflict(
                ProblemType::KitPartHeld,
                item.kit_part.clone(),
            ));
        }
        let detail = MovementDetail {
            holder_id: Some(&nav.id),
            ..MovementDetail::default()
        };
        let after = apply_movement(
            conn,
            &act.audit(),
            &item,
            Movement::Assign,
            day,
            act.today,
            &detail,
        )?;
        item_record(conn, after)
    }
}
