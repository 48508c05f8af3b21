//! Equipment (DOMAIN.md §7): the inventory, every movement of an item, SIM
//! pairings, and the Navigator's kit.

pub mod inventory;
pub mod kit;
pub mod movements;
pub mod views;
