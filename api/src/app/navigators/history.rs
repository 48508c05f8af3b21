//! A Navigator's assignments, and where the calling Navigator works.

use chrono::NaiveDate;
use domain::account::Role;
use domain::convention::ConventionMode;
use domain::ids::NavigatorId;
use persistence::{assignments, contracts, reference, DbConnection};

use super::{assignment_records, navigator_in_scope, own_id_only, AssignmentRecord};
use crate::app::{own_navigator_id, Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// Every assignment of a Navigator, as stored (the caller orders and pages
/// them: a Navigator has a handful).
#[derive(Clone)]
pub struct AssignmentHistory {
    pub id: NavigatorId,
}

impl UseCase for AssignmentHistory {
    type Outcome = Vec<AssignmentRecord>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator, Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<AssignmentRecord>> {
        own_id_only(act, &self.id)?;
        let nav = navigator_in_scope(conn, act, &self.id)?;
        let rows = assignments::history_of(conn, &nav.id)?;
        assignment_records(conn, rows)
    }
}

/// Where the calling Navigator works today, and where next if a move is
/// planned.
#[derive(Clone)]
pub struct MyAssignment;

pub struct OwnAssignment {
    /// The name of the Navigator's Region.
    pub region_name: String,
    pub convention_mode: Option<ConventionMode>,
    /// When the Region's convention in force was signed.
    pub convention_signed_on: Option<NaiveDate>,
    pub operational_start: Option<NaiveDate>,
    pub current: Option<AssignmentRecord>,
    pub next: Option<AssignmentRecord>,
}

impl UseCase for MyAssignment {
    type Outcome = OwnAssignment;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<OwnAssignment> {
        let today = act.today;
        let nav =
            contracts::get_navigator(conn, own_navigator_id(act)?)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
        let contract =
            contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
        let convention = reference::get_convention(conn, &nav.region_code)?
            .map(|r| r.to_domain())
            .transpose()?;
        let rows = assignments::history_of(conn, &nav.id)?;
        let current = rows
            .iter()
            .filter(|a| a.from_day <= today && a.to_day.is_none_or(|t| t >= today))
            .cloned()
            .collect::<Vec<_>>();
        let next = rows
            .iter()
            .filter(|a| a.from_day > today)
            .min_by_key(|a| a.from_day)
            .cloned()
            .into_iter()
            .collect::<Vec<_>>();
        let region_name = reference::get_region(conn, &nav.region_code)?
            .map(|r| r.region.name)
            .unwrap_or_else(|| nav.region_code.clone());
        Ok(OwnAssignment {
            region_name,
            convention_mode: convention.as_ref().map(|c| c.mode),
            convention_signed_on: convention.as_ref().map(|c| c.signed_on),
            operational_start: contract
                .start_date
                .and_then(|s| domain::convention::operational_start(s, convention.as_ref())),
            current: assignment_records(conn, current)?.pop(),
            next: assignment_records(conn, next)?.pop(),
        })
    }
}
