//! The audit log, filterable by who, what and when (admins, HR).

use actix_web::web;

/// This section's addresses, under `/console/audit`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
