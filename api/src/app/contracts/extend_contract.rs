//! Extends one contract (proroga): the new end must be later.

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract;
use domain::ids::ContractId;
use openapi::ProblemType;
use persistence::{audit, contracts, DbConnection};

use super::{audit_state, dates, load, login_cutoff, record, reload, ContractChange};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ExtendContract {
    id: ContractId,
    new_end_date: NaiveDate,
    reason: String,
}

impl ExtendContract {
    /// The reason is required.
    pub fn new(id: ContractId, new_end_date: NaiveDate, reason: &str) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self {
            id,
            new_end_date,
            reason,
        })
    }
}

impl UseCase for ExtendContract {
    type Outcome = ContractChange;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractChange> {
        let ctx = act.audit();
        let (c, nav, no) = load(conn, &self.id)?;
        contract::check_extension(&dates(conn, &c)?, self.new_end_date, act.today)?;
        if !contracts::extend(
            conn,
            &c.id,
            c.end_date,
            self.new_end_date,
            &self.reason,
            None,
            ctx.actor.as_deref(),
        )? {
            return Err(ApiError::conflict(
                ProblemType::ContractChanged,
                c.id.clone(),
            ));
        }
        let after = reload(conn, &c.id)?;
        let cutoff = login_cutoff(conn, &after)?;
        audit::append(
            conn,
            &ctx,
            "contract.extended",
            "contract",
            &c.id,
            Some(&audit_state(&c)),
            Some(&audit_state(&after)),
        )?;
        Ok(ContractChange {
            contract: record(conn, after, nav, no, act.today)?,
            cutoff,
        })
    }
}
