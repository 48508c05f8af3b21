//! The indicators dashboard (HR everywhere, a coordinator their Region): the figures as of any date, by Region and province, a chart over time, and the CSV/JSON behind it.

use actix_web::web;

/// This section's addresses, under `/console/indicatori`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
