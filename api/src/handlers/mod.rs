//! HTTP handlers, grouped by business area; one file per action where an
//! area has more than a few.

pub mod audit;
pub mod auth;
pub mod me;
pub mod ops;
pub mod reference;
pub mod training;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

/// Lists the operations under `/api/v1`; registering here is what puts an
/// operation in the OpenAPI document.
pub fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(auth::password_reset::request_reset)
        .service(auth::password_reset::confirm_reset)
        .service(me::me)
        .service(users::create_user)
        .service(users::list_users)
        .service(reference::regions::list_regions)
        .service(reference::regions::get_region)
        .service(reference::conventions::get_convention)
        .service(reference::conventions::put_convention)
        .service(reference::provinces::list_provinces)
        .service(reference::cpis::list_cpis)
        .service(reference::cpis::import_cpis)
        .service(reference::cpis::get_cpi)
        .service(reference::cpis::create_cpi)
        .service(training::list_paths)
        .service(audit::list_audit);
}

/// Operations outside `/api/v1`.
pub fn operations(cfg: &mut ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics);
}

/// `limit` between 1 and 500, 100 when absent.
pub fn page_limit(limit: Option<i64>) -> Result<i64, crate::error::ApiError> {
    match limit {
        None => Ok(100),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(crate::error::ApiError::InvalidQuery {
            field: "limit".into(),
            detail: format!("{n}: between 1 and 500"),
        }),
    }
}
