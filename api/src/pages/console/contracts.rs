//! HR's contracts: draft, sign, extend one or in bulk by Region, suspend, resignation, withdrawal, each with its effects shown before confirming.

use actix_web::web;

/// This section's addresses, under `/console/contratti`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
