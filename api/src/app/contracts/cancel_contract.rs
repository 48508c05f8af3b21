//! Cancels a draft whose candidate never signed, with the reason: the seat
//! it held is vacant at once (the next call can be made), the accepted
//! offer is withdrawn and the candidate leaves the list as after a renuncia
//! (DOMAIN.md §5). A signed contract is not cancelled: it ends by
//! resignation, withdrawal or exclusion.

use domain::account::Role;
use domain::contract::{self, CancellationRefused};
use domain::ids::ContractId;
use openapi::ProblemType;
use persistence::{audit, contracts, DbConnection};

use super::{audit_state, dates, load, record, reload, ContractRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct CancelContract {
    id: ContractId,
    reason: String,
}

impl CancelContract {
    /// The reason is required.
    pub fn new(id: ContractId, reason: &str) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self { id, reason })
    }
}

impl UseCase for CancelContract {
    type Outcome = ContractRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractRecord> {
        let ctx = act.audit();
        let (c, nav, no) = load(conn, &self.id)?;
        let refused = |e: CancellationRefused| {
            let code = match e {
                CancellationRefused::Signed => ProblemType::ContractSigned,
                CancellationRefused::Cancelled => ProblemType::ContractCancelled,
            };
            ApiError::conflict(code, &c.id)
        };
        contract::check_cancellation(&dates(conn, &c)?).map_err(refused)?;
        if !contracts::cancel(conn, &c.id, act.today, &self.reason)? {
            // Signed or cancelled by a request that committed first.
            let now = reload(conn, &c.id)?;
            contract::check_cancellation(&dates(conn, &now)?).map_err(refused)?;
            return Err(ApiError::conflict(
                ProblemType::ContractChanged,
                c.id.clone(),
            ));
        }
        let after = reload(conn, &c.id)?;
        crate::app::scorrimento::release_cancelled_draft(conn, &ctx, &after, &self.reason)?;
        audit::append(
            conn,
            &ctx,
            "contract.cancelled",
            "contract",
            &c.id,
            Some(&audit_state(&c)),
            Some(&audit_state(&after)),
        )?;
        record(conn, after, nav, no, act.today)
    }
}
