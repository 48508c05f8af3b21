//! The background task's round: every pending offer past its deadline
//! lapses.

use domain::account::Role;
use persistence::DbConnection;

use super::lapse_overdue;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct LapseOffers;

impl UseCase for LapseOffers {
    /// How many lapsed.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    /// The system's alone.
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        lapse_overdue(conn, act.now, act.today)
    }
}
