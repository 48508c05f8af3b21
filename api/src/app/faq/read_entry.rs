//! Reads an entry, retired or not, and its versions.

use domain::account::Role;
use domain::ids::FaqEntryId;
use persistence::faq::{self, VersionRow};
use persistence::DbConnection;

use super::{load, Entry};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadEntry {
    pub id: FaqEntryId,
}

impl UseCase for ReadEntry {
    type Outcome = Entry;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Entry> {
        load(conn, &self.id)
    }
}

/// Every version of an entry, the first first.
#[derive(Clone)]
pub struct ReadVersions {
    pub id: FaqEntryId,
}

impl UseCase for ReadVersions {
    type Outcome = Vec<VersionRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<VersionRow>> {
        let versions = faq::versions(conn, &self.id)?;
        if versions.is_empty() {
            return Err(ApiError::NotFound { entity: "faq" });
        }
        Ok(versions)
    }
}
