//! HR's selections: create one with its rules and posts per province, import applications and results (every refused row shown by line and reason, nothing written when one is bad), admission, publishing the rankings, a ranking with each position's `decided_by` in words, corrections side by side, the records-request extract.

use actix_web::web;

/// This section's addresses, under `/console/selezioni`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
