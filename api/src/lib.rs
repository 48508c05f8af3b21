//! The Navigator Ops HTTP service: startup, configuration, authentication,
//! extractors, handlers and the mail sender.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod csv_import;
pub mod demo;
pub mod error;
pub mod etag;
pub mod extract;
pub mod handlers;
pub mod held_progress;
pub mod i18n;
pub mod idempotency;
pub mod indicators;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod openapi_answers;
pub mod openapi_requests;
pub mod pages;
pub mod problem;
pub mod progress_polls;
pub mod revocations;
pub mod single_sign_on;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
