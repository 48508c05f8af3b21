//! The background's share of contract endings: every contract whose ending's
//! day has come is ended (see `end_contract`), whichever replica registered
//! it.

use domain::account::Role;
use persistence::DbConnection;

use super::{release_ended, Cutoff};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// Run by the system only.
#[derive(Clone)]
pub struct ReleaseEndedContracts;

impl UseCase for ReleaseEndedContracts {
    type Outcome = Vec<Cutoff>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<Cutoff>> {
        release_ended(conn, act.today)
    }
}
