//! The scorrimento steps other areas still reach by this path; the use
//! cases themselves live in [`crate::app::scorrimento`].

pub use crate::app::scorrimento::{apply_outcome, lapse_overdue, release_cancelled_draft};
