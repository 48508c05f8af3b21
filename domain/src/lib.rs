//! The Navigator programme's business rules, free of I/O.
//!
//! Every rule of the specification that the service enforces lives here, with
//! its unit tests next to it; the other crates call into it.

pub mod account;
pub mod assignment;
pub mod codes;
pub mod common_passwords;
pub mod contract;
pub mod convention;
pub mod cpi;
pub mod day;
pub mod equipment;
pub mod faq;
pub mod ids;
pub mod indicators;
pub mod question;
pub mod reference;
pub mod retention;
pub mod second_factor;
pub mod selection;
pub mod single_sign_on;
pub mod subject_access;
pub mod throttle;
pub mod training;
pub mod violation;

pub use violation::{Param, RuleCode, Violation, Violations};
