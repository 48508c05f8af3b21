pub mod login;
pub mod logout;
pub mod password_reset;
pub mod refresh;
