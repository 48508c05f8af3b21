//! Passwords, tokens and the caller extractors.

pub mod caller;
pub mod password;
pub mod second_factor;
pub mod tokens;

pub use caller::{Authorized, Caller};
