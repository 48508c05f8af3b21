//! Sessions and passwords: logging in, refreshing and closing a session,
//! and setting a password from a mailed link.

mod console;
mod log_in;
mod log_out;
mod password_reset;
mod refresh;
mod second_factor;
mod single_sign_on;

pub use console::{ConsoleSessionKept, KeepConsoleSession, LogOutEverywhere, OpenConsoleSession};
pub use log_in::LogIn;
pub use log_out::LogOut;
pub use password_reset::{CheckOneTimeLink, ConfirmPasswordReset, RequestPasswordReset};
pub use refresh::{Refresh, Refreshed};
pub use second_factor::{
    ConfirmEnrolment, DisableOwnFactor, Enrolment, FactorStatus, FactorUsed, ReadFactorStatus,
    ResetFactor, StartEnrolment,
};
pub use single_sign_on::{
    attempt_lifetime, LeaveForProvider, ReturnFromProvider, SignInThroughProvider,
};
