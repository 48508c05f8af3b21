//! Persistence on SQLite (embedded default) and PostgreSQL (production), one
//! code path through diesel's `MultiConnection`.

pub mod accounts;
pub mod assignments;
pub mod audit;
pub mod backup;
pub mod classroom;
pub mod connection;
pub mod contracts;
pub mod distance;
pub mod equipment;
pub mod error;
pub mod faq;
pub mod idempotency;
pub mod indicators;
pub mod mandatory;
pub mod migrations;
pub mod neighbours;
pub mod offers;
pub mod ojt;
pub mod outbox;
pub mod questions;
pub mod reference;
pub mod retention;
pub mod schema;
pub mod second_factor;
pub mod seed;
pub mod selection;
pub mod sessions;
pub mod single_sign_on;
pub mod subject;
pub mod time;
pub mod training;

pub use connection::{read_snapshot, write_transaction, Database, DbConnection, Engine, PoolState};
pub use error::PersistenceError;
