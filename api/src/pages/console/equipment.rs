//! HR's equipment: batch import, personalisation, kit assignment with SIM pairing, returns and write-offs, the offboarding checklist.

use actix_web::web;

/// This section's addresses, under `/console/dotazioni`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
