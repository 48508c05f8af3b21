//! Creates a training path. A new path is followed by no one until a
//! selection names it.

use domain::account::Role;
use domain::training::TrainingPath;
use openapi::ProblemType;
use persistence::training::{self, PathWithBuckets};
use persistence::{audit, seed, DbConnection};

use super::path_view;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A path whose buckets and modules are checked (`TrainingPath::validate`).
#[derive(Clone)]
pub struct CreatePath {
    pub path: TrainingPath,
}

impl UseCase for CreatePath {
    type Outcome = PathWithBuckets;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<PathWithBuckets> {
        let path = self.path;
        let exists = || ApiError::conflict(ProblemType::TrainingPathExists, path.code.clone());
        if training::path_code_taken(conn, &path.code)? {
            return Err(exists());
        }
        // A concurrent creation of the same code loses on the unique index.
        let id = seed::insert_path(conn, &path).map_err(|e| {
            if e.is_unique_violation() {
                exists()
            } else {
                e.into()
            }
        })?;
        let created = training::get_path(conn, &id)?.ok_or(ApiError::Internal)?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "training_path.created",
            "training_path",
            &id,
            None,
            Some(&path_view(&created)?),
        )?;
        Ok(created)
    }
}
