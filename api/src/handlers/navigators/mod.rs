//! Navigators and their CPI assignments (DOMAIN.md §9).

pub mod assign;
pub mod history;
pub mod list;
pub mod training;
