//! A suspension period: the contract keeps its seat.

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract::{self, Suspension};
use domain::ids::ContractId;
use domain::RuleCode;
use persistence::{audit, contracts, DbConnection};

use super::{dates, load, record, ContractRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct SuspendContract {
    id: ContractId,
    from: NaiveDate,
    to: NaiveDate,
    reason: String,
}

impl SuspendContract {
    /// The reason is required.
    pub fn new(id: ContractId, from: NaiveDate, to: NaiveDate, reason: &str) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self {
            id,
            from,
            to,
            reason,
        })
    }
}

impl UseCase for SuspendContract {
    type Outcome = ContractRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractRecord> {
        let ctx = act.audit();
        let (c, nav, no) = load(conn, &self.id)?;
        if c.signed_on.is_none() {
            return Err(ApiError::violation("contract", RuleCode::ContractNotSigned));
        }
        contract::check_suspension(
            &dates(conn, &c)?,
            Suspension {
                from: self.from,
                to: self.to,
            },
        )?;
        contracts::insert_suspension(
            conn,
            &c.id,
            self.from,
            self.to,
            &self.reason,
            ctx.actor.as_deref(),
        )?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "contract.suspended",
            "contract",
            &c.id,
            None,
            Some(&serde_json::json!({ "from": self.from, "to": self.to, "reason": self.reason })),
        )?;
        record(conn, c, nav, no, act.today)
    }
}
