//! Selections, their posts, applications and rankings.

mod applications;
mod posts;
mod rankings;
mod selections;

pub use applications::*;
pub use posts::*;
pub use rankings::*;
pub use selections::*;

use domain::selection::merit::DegreeGrade;

use crate::error::{PersistenceError, Result};

/// Rows per multi-row insert: SQLite binds at most 32,766 parameters.
const INSERT_CHUNK: usize = 1000;

/// A stored degree grade; it was checked when the application was imported.
fn stored_grade(column: &str, grade: i64, honours: bool) -> Result<DegreeGrade> {
    DegreeGrade::parse(column, grade, honours)
        .map_err(|_| PersistenceError::Corrupt(format!("{column} {grade}")))
}
