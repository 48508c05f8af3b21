//! One selection.

use domain::account::Role;
use domain::ids::SelectionId;
use persistence::{training, DbConnection};

use super::{load_selection, SelectionRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct ReadSelection {
    pub id: SelectionId,
}

impl UseCase for ReadSelection {
    type Outcome = SelectionRecord;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<SelectionRecord> {
        let selection = load_selection(conn, &self.id)?;
        let mut paths = training::selection_path_codes(conn)?;
        Ok(SelectionRecord {
            training_path: paths.remove(&selection.id),
            selection,
        })
    }
}
