//! The contract steps other areas share, until they call them from
//! [`crate::app::contracts`] themselves.

pub use crate::app::contracts::{dates, settle};
