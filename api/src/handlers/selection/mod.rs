//! Selection (avviso), applications, admission, results and rankings.

pub mod admission;
pub mod applications;
pub mod extract;
pub mod neighbours;
pub mod rankings;
pub mod results;
pub mod seats;
pub mod selections;

use persistence::selection::{self, SelectionRow};
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

pub fn load_selection(conn: &mut DbConnection, id: &str) -> ApiResult<SelectionRow> {
    selection::get_selection(conn, id)?.ok_or(ApiError::NotFound {
        entity: "selection",
    })
}

/// Points with two decimals from hundredths.
pub fn points(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}
