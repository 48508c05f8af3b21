//! A Region's convention: read by anyone, set by administrators. Conventions
//! are data, and a changed mode changes what the service allows there from
//! the next request on.

use domain::account::Role;
use domain::convention::Convention;
use persistence::reference::{self, ConventionRow};
use persistence::{audit, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The convention in force for a Region; not found when it has none
/// (Trentino-Alto Adige).
#[derive(Clone)]
pub struct ReadConvention {
    pub region: String,
}

impl UseCase for ReadConvention {
    type Outcome = ConventionRow;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<ConventionRow> {
        reference::get_convention(conn, &self.region)?.ok_or(ApiError::NotFound {
            entity: "convention",
        })
    }
}

#[derive(Clone)]
pub struct SetConvention {
    pub region: String,
    pub convention: Convention,
}

fn state_of(row: &ConventionRow) -> serde_json::Value {
    serde_json::json!({ "mode": row.mode, "signed_on": row.signed_on, "valid_until": row.valid_until })
}

impl UseCase for SetConvention {
    type Outcome = ConventionRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ConventionRow> {
        if reference::get_region(conn, &self.region)?.is_none() {
            return Err(ApiError::NotFound { entity: "region" });
        }
        let (before, after) = reference::put_convention(conn, &self.region, &self.convention)?;
        audit::append(
            conn,
            &act.audit(),
            "convention.set",
            "convention",
            &self.region,
            before.as_ref().map(state_of).as_ref(),
            Some(&state_of(&after)),
        )?;
        Ok(after)
    }
}
