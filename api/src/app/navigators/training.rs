//! A Navigator's training progress as others read it: HR, their Region's
//! coordinators, and the Navigator themselves by id. The tablet's own
//! polls go together instead (`progress_polls`).

use domain::account::Role;
use domain::ids::NavigatorId;
use persistence::{assignments, training, DbConnection};

use super::{navigator_in_scope, own_id_only};
use crate::app::training::{refresh, PROGRESS_BODY_VERSION};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The stored progress `(body, etag)` of a Navigator the one acting may
/// see; `None` when none of the current shape is stored yet.
#[derive(Clone)]
pub struct ReadStoredProgress {
    pub navigator_id: NavigatorId,
}

impl UseCase for ReadStoredProgress {
    type Outcome = Option<(String, String)>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator, Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Option<(String, String)>> {
        own_id_only(act, &self.navigator_id)?;
        navigator_in_scope(conn, act, &self.navigator_id)?;
        Ok(training::stored_progress(
            conn,
            &self.navigator_id,
            PROGRESS_BODY_VERSION,
        )?)
    }
}

/// Makes and stores the progress of a Navigator the one acting may see:
/// on first read for a Navigator with no record yet, or when the one
/// stored has a body of an older shape. Returns `(body, etag)`.
#[derive(Clone)]
pub struct MakeProgress {
    pub navigator_id: NavigatorId,
}

impl UseCase for MakeProgress {
    type Outcome = (String, String);
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator, Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<(String, String)> {
        let nav = navigator_in_scope(conn, act, &self.navigator_id)?;
        assignments::lock_navigator(conn, &nav.id)?;
        refresh(conn, act, &nav)
    }
}

/// How far along their path these Navigators are: the days their buckets
/// filled and their path completed. Those out of the caller's scope, or
/// with no progress stored yet, are left out.
#[derive(Clone)]
pub struct PathStages {
    pub navigator_ids: Vec<String>,
}

impl UseCase for PathStages {
    type Outcome = std::collections::HashMap<String, training::FillDays>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome> {
        // Those out of the caller's scope are left out, as unknown ones.
        let caller = act.caller.as_ref().ok_or(ApiError::Forbidden)?;
        let ours: std::collections::HashSet<String> =
            persistence::contracts::navigator_regions(conn, &self.navigator_ids)?
                .into_iter()
                .filter(|(_, region)| caller.covers_region(region))
                .map(|(id, _)| id)
                .collect();
        Ok(training::fill_days_of(conn, &self.navigator_ids)?
            .into_iter()
            .filter(|(id, _)| ours.contains(id))
            .collect())
    }
}
