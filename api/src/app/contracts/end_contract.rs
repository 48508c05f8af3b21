//! Early endings: a resignation (dimissioni) registered by HR or submitted
//! by the Navigator, and a withdrawal (recesso) or exclusion by HR. Each is
//! registered by [`register_ending`], which ends the contract as DOMAIN.md
//! §6.3 says through [`super::end_contract`].

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract::EndCause;
use domain::ids::ContractId;
use persistence::{contracts, DbConnection};

use super::{register_ending, ContractChange, EarlyEnding};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A resignation registered by HR on the Navigator's behalf.
#[derive(Clone)]
pub struct RegisterResignation {
    pub id: ContractId,
    pub submitted_on: NaiveDate,
    pub effective_on: NaiveDate,
}

impl UseCase for RegisterResignation {
    type Outcome = ContractChange;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractChange> {
        let ending = EarlyEnding {
            cause: EndCause::Resigned,
            submitted_on: self.submitted_on,
            effective_on: self.effective_on,
            reason: None,
            notice_days: act.settings.resignation_notice_days,
        };
        register_ending(conn, act, &self.id, &ending)
    }
}

/// The Navigator resigns from the app: submitted today, effective on the
/// day given; the ending applies to their newest contract.
#[derive(Clone)]
pub struct ResignOwn {
    pub effective_on: NaiveDate,
}

impl UseCase for ResignOwn {
    type Outcome = ContractChange;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractChange> {
        let nav_id = act
            .caller
            .as_ref()
            .and_then(|c| c.navigator_id.as_deref())
            .ok_or(ApiError::NotFound { entity: "contract" })?;
        let id = contracts::contract_of_navigator(conn, nav_id)?
            .ok_or(ApiError::NotFound { entity: "contract" })?
            .id;
        let ending = EarlyEnding {
            cause: EndCause::Resigned,
            submitted_on: act.today,
            effective_on: self.effective_on,
            reason: None,
            notice_days: act.settings.resignation_notice_days,
        };
        register_ending(conn, act, &id, &ending)
    }
}

/// How HR ends a contract early, besides a resignation.
#[derive(Debug, Clone, Copy)]
pub enum Termination {
    /// Recesso, e.g. missed objectives.
    Withdrawn,
    Excluded,
}

/// A withdrawal or exclusion by HR, with its reason, submitted today.
#[derive(Clone)]
pub struct TerminateContract {
    id: ContractId,
    cause: Termination,
    effective_on: NaiveDate,
    reason: String,
}

impl TerminateContract {
    /// The reason is required.
    pub fn new(
        id: ContractId,
        cause: Termination,
        effective_on: NaiveDate,
        reason: &str,
    ) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self {
            id,
            cause,
            effective_on,
            reason,
        })
    }
}

impl UseCase for TerminateContract {
    type Outcome = ContractChange;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractChange> {
        let ending = EarlyEnding {
            cause: match self.cause {
                Termination::Withdrawn => EndCause::Withdrawn,
                Termination::Excluded => EndCause::Excluded,
            },
            submitted_on: act.today,
            effective_on: self.effective_on,
            reason: Some(self.reason),
            notice_days: 0,
        };
        register_ending(conn, act, &self.id, &ending)
    }
}
