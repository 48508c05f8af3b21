//! Training paths with their buckets and modules.

use domain::account::Role;
use persistence::training::{self, PathWithBuckets};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

/// Every path, by id (a few, one per selection at most).
#[derive(Clone)]
pub struct ListPaths;

impl UseCase for ListPaths {
    type Outcome = Vec<PathWithBuckets>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<PathWithBuckets>> {
        Ok(training::list_paths(conn)?)
    }
}
