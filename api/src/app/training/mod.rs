//! Training (DOMAIN.md §8): on-the-job hours logged from the tablet, and
//! each Navigator's stored progress, refreshed by every change to their
//! records in the same transaction.

mod log_hours;
mod progress;

pub use log_hours::{LogHours, LogRequest, Logged};
pub use progress::{compute, refresh, refresh_locked, PROGRESS_BODY_VERSION};
