//! Selection (avviso): the selection and its posts, applications,
//! admission, results, rankings, the fallback neighbours and the seats
//! (DOMAIN.md §4–§5). The rules are `domain`'s; these use cases move the
//! records.

mod admission;
mod create_selection;
mod list_selections;
mod neighbours;
mod read_selection;
mod seats;
mod set_posts;

pub use admission::{Admission, ComputeAdmission, ProvinceAdmission};
pub use create_selection::CreateSelection;
pub use list_selections::{ListSelections, SelectionPage};
pub use neighbours::{NeighboursInForce, ReadNeighbours, SetNeighbours};
pub use read_selection::ReadSelection;
pub use seats::{ListSeats, SeatRecord};
pub use set_posts::{PostsChange, SetPosts};

use persistence::selection::{self, SelectionRow};
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

/// A selection with the code of the training path set for it, if any.
#[derive(Debug, Clone)]
pub struct SelectionRecord {
    pub selection: SelectionRow,
    pub training_path: Option<String>,
}

pub fn load_selection(conn: &mut DbConnection, id: &str) -> ApiResult<SelectionRow> {
    selection::get_selection(conn, id)?.ok_or(ApiError::NotFound {
        entity: "selection",
    })
}
