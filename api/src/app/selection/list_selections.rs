//! Every selection, newest first.

use domain::account::Role;
use persistence::{selection, training, DbConnection};

use super::SelectionRecord;
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;
use crate::handlers::cut_page;

#[derive(Clone)]
pub struct ListSelections {
    pub cursor: Option<String>,
    pub limit: i64,
}

pub struct SelectionPage {
    pub items: Vec<SelectionRecord>,
    pub next_cursor: Option<String>,
}

impl UseCase for ListSelections {
    type Outcome = SelectionPage;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<SelectionPage> {
        let rows = selection::list_selections(conn, self.cursor.as_deref(), self.limit + 1)?;
        let mut paths = training::selection_path_codes(conn)?;
        let page = cut_page(rows, self.limit, |s| s.id.clone());
        Ok(SelectionPage {
            items: page
                .items
                .into_iter()
                .map(|s| SelectionRecord {
                    training_path: paths.remove(&s.id),
                    selection: s,
                })
                .collect(),
            next_cursor: page.next_key,
        })
    }
}
