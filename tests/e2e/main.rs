//! End-to-end tests: the real server on a free port, a fresh database per
//! test, each test on SQLite and (with `TEST_DATABASE_URL`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assignments;
mod audit;
mod auth;
mod authorization;
mod bad_input;
mod browser_console;
mod browser_journeys;
mod browser_kit;
mod console;
mod console_desk;
mod contract_cancellation;
mod contracts;
mod equipment;
mod extract;
mod fallback_neighbours;
mod hardening;
mod idempotency;
mod indicator_series;
mod indicators;
mod lists;
mod mail;
mod ojt;
mod ops;
mod pages;
mod problem_words;
mod reference;
mod repository;
mod revocation;
mod scorrimento;
mod selection;
mod tablet_app;
mod training_records;
mod users;
