//! Training sessions and attendance registers, distance completions import, mandatory training (HR, trainers).

use actix_web::web;

/// This section's addresses, under `/console/formazione`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
