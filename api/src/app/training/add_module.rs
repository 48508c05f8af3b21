//! Adds a module to a path's distance bucket. Modules may be more than the
//! bucket needs (a choice); a module counts for a Navigator once its end
//! test is passed.

use domain::account::Role;
use domain::ids::TrainingPathId;
use domain::training::{BucketKind, Module};
use domain::Violations;
use openapi::ProblemType;
use persistence::training::{self, ModuleRow};
use persistence::{audit, DbConnection};

use super::module_view;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct AddModule {
    path_id: TrainingPathId,
    module: Module,
}

impl AddModule {
    /// Checks the module's own fields.
    pub fn new(path_id: TrainingPathId, module: Module) -> Result<Self, Violations> {
        let checked = module.check("");
        if !checked.is_empty() {
            return Err(checked);
        }
        Ok(Self { path_id, module })
    }
}

impl UseCase for AddModule {
    type Outcome = ModuleRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ModuleRow> {
        let module = self.module;
        let path = training::get_path(conn, &self.path_id)?.ok_or(ApiError::NotFound {
            entity: "training path",
        })?;
        if !path
            .buckets
            .iter()
            .any(|b| b.kind == BucketKind::Distance.as_str())
        {
            return Err(ApiError::rule(
                ProblemType::NoDistanceBucket,
                path.path.code,
            ));
        }
        let exists = || {
            ApiError::conflict(
                ProblemType::ModuleExists,
                format!("{} ({})", module.code, path.path.code),
            )
        };
        if path.modules.iter().any(|m| m.code == module.code) {
            return Err(exists());
        }
        let row = training::insert_module(conn, &path.path.id, &module).map_err(|e| {
            if e.is_unique_violation() {
                exists()
            } else {
                e.into()
            }
        })?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "training_module.created",
            "training_module",
            &row.id,
            None,
            Some(&serde_json::json!({ "path": path.path.code, "module": module_view(&row) })),
        )?;
        Ok(row)
    }
}
