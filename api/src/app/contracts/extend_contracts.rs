//! Extends every running contract, or those of one Region, in one
//! transaction: if one cannot be extended, none is, and the answer names it.

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract::{self, ContractStatus};
use domain::{Violation, Violations};
use openapi::ProblemType;
use persistence::{audit, contracts, DbConnection};
use uuid::Uuid;

use super::{audit_state, dates, login_cutoff, reload, Cutoff};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ExtendContracts {
    region: Option<String>,
    new_end_date: NaiveDate,
    reason: String,
}

impl ExtendContracts {
    /// The reason is required.
    pub fn new(region: Option<String>, new_end_date: NaiveDate, reason: &str) -> ApiResult<Self> {
        let reason = domain::violation::reason(reason)?;
        Ok(Self {
            region,
            new_end_date,
            reason,
        })
    }
}

/// How many contracts the batch extended, and the login cut-offs it moved.
pub struct BulkExtended {
    pub extended: usize,
    pub batch_id: Uuid,
    pub cutoffs: Vec<Cutoff>,
}

impl UseCase for ExtendContracts {
    type Outcome = BulkExtended;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<BulkExtended> {
        let ctx = act.audit();
        let batch = Uuid::now_v7();
        let mut bad = Violations::new();
        let mut todo = Vec::new();
        for c in contracts::running(conn, self.region.as_deref())? {
            let d = dates(conn, &c)?;
            // Contracts already ended on their own are not "active": not part of the batch.
            if d.status_on(act.today) == ContractStatus::Ended {
                continue;
            }
            match contract::check_extension(&d, self.new_end_date, act.today) {
                Ok(()) => todo.push(c),
                Err(v) => bad.push(Violation {
                    field: format!("contracts[{}]", c.id),
                    ..v
                }),
            }
        }
        if !bad.is_empty() {
            return Err(ApiError::Validation(bad));
        }
        let mut cutoffs = Vec::new();
        let batch_id = batch.to_string();
        for c in &todo {
            if !contracts::extend(
                conn,
                &c.id,
                c.end_date,
                self.new_end_date,
                &self.reason,
                Some(&batch_id),
                ctx.actor.as_deref(),
            )? {
                return Err(ApiError::conflict(
                    ProblemType::ContractChanged,
                    c.id.clone(),
                ));
            }
            let after = reload(conn, &c.id)?;
            cutoffs.extend(login_cutoff(conn, &after)?);
            audit::append(
                conn,
                &ctx,
                "contract.extended",
                "contract",
                &c.id,
                Some(&audit_state(c)),
                Some(&audit_state(&after)),
            )?;
        }
        Ok(BulkExtended {
            extended: todo.len(),
            batch_id: batch,
            cutoffs,
        })
    }
}
