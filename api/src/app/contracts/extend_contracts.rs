//! Extends every running contract, or those of one Region, in one
//! transaction: if one cannot be extended, none is, and the answer names it.

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract::{self, ContractStatus};
use domain::{Violation, Violations};
use openapi::ProblemType;
use persistence::contracts::ContractRow;
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

/// The contracts a bulk extension to `new_end_date` extends: every running
/// one (of `region`), not those already ended on their own; refused, naming
/// each, when one of them cannot be extended.
fn to_extend(
    conn: &mut DbConnection,
    region: Option<&str>,
    new_end_date: NaiveDate,
    today: NaiveDate,
) -> ApiResult<Vec<ContractRow>> {
    let mut bad = Violations::new();
    let mut todo = Vec::new();
    for c in contracts::running(conn, region)? {
        let d = dates(conn, &c)?;
        // Contracts already ended on their own are not "active": not part of the batch.
        if d.status_on(today) == ContractStatus::Ended {
            continue;
        }
        match contract::check_extension(&d, new_end_date, today) {
            Ok(()) => todo.push(c),
            Err(v) => bad.push(Violation {
                field: format!("contracts[{}]", c.id),
                ..v
            }),
        }
    }
    match bad.is_empty() {
        true => Ok(todo),
        false => Err(ApiError::Validation(bad)),
    }
}

/// What a bulk extension would do, read only: how many contracts it would
/// extend, or the refusal it would meet.
#[derive(Clone)]
pub struct PreviewExtensions {
    pub region: Option<String>,
    pub new_end_date: NaiveDate,
}

impl UseCase for PreviewExtensions {
    /// How many contracts would be extended.
    type Outcome = usize;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        Ok(to_extend(conn, self.region.as_deref(), self.new_end_date, act.today)?.len())
    }
}

impl UseCase for ExtendContracts {
    type Outcome = BulkExtended;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<BulkExtended> {
        let ctx = act.audit();
        let batch = Uuid::now_v7();
        let todo = to_extend(conn, self.region.as_deref(), self.new_end_date, act.today)?;
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
