//! Training (DOMAIN.md §8): on-the-job hours logged from the tablet.

mod log_hours;

pub use log_hours::{LogHours, LogRequest, Logged};
