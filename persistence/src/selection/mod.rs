//! Selections, their posts, applications and rankings.

mod applications;
mod posts;
mod rankings;
mod selections;

pub use applications::*;
pub use posts::*;
pub use rankings::*;
pub use selections::*;

/// Rows per multi-row insert: SQLite binds at most 32,766 parameters.
const INSERT_CHUNK: usize = 1000;
