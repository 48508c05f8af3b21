//! Opens a selection with its rules, and the training path its Navigators
//! will follow when one is named.

use domain::account::Role;
use domain::selection::settings::SelectionSettings;
use domain::{RuleCode, Violation};
use openapi::ProblemType;
use persistence::{audit, selection, training, DbConnection};

use super::SelectionRecord;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct CreateSelection {
    /// Checked by `domain`.
    pub settings: SelectionSettings,
    /// The code of a training path, trimmed.
    pub training_path: Option<String>,
}

impl UseCase for CreateSelection {
    type Outcome = SelectionRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<SelectionRecord> {
        let (s, path_code) = (self.settings, self.training_path);
        let ctx = act.audit();
        let path_id = match &path_code {
            None => None,
            Some(code) => Some(training::path_id_of_code(conn, code)?.ok_or_else(|| {
                ApiError::from(
                    Violation::new("training_path", RuleCode::UnknownTrainingPath)
                        .with_detail(code),
                )
            })?),
        };
        let row = selection::insert_selection(conn, &s).map_err(|e| {
            if e.is_unique_violation() {
                ApiError::conflict(ProblemType::SelectionExists, s.code.clone())
            } else {
                e.into()
            }
        })?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "selection.created",
            "selection",
            &row.id,
            None,
            Some(&row),
        )?;
        if let Some(path_id) = &path_id {
            training::set_selection_path(conn, &row.id, path_id)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "selection.training_path_set",
                "selection",
                &row.id,
                None,
                Some(&serde_json::json!({ "training_path": path_code })),
            )?;
        }
        Ok(SelectionRecord {
            selection: row,
            training_path: path_code,
        })
    }
}
