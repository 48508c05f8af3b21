//! Contracts and HR events: draft, signature, extensions, resignations,
//! terminations, suspensions; and offboarding records. The workflows are
//! the use cases of [`crate::app::contracts`].

pub mod drafts;
pub mod endings;
pub mod extensions;
pub mod offboarding;
pub mod read;
pub mod suspensions;
pub mod views;

pub use drafts::{cancel_contract, draft_contract, sign_contract};
pub use endings::{my_resignation, register_resignation, terminate_contract};
pub use extensions::{extend_contract, extend_contracts};
pub use offboarding::list_offboarding;
pub use read::{get_contract, list_contracts, my_contract};
pub use suspensions::suspend_contract;
