//! Probes and metrics for the platform running the service.

use actix_web::{get, web, HttpResponse};
use openapi::dto::HealthView;

use std::sync::Arc;

use crate::app::operations::OutboxBacklog;
use crate::app::Act;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The process is up.
#[utoipa::path(tag = "ops", responses((status = 200, body = HealthView)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthView> {
    web::Json(HealthView {
        status: "ok".into(),
        database: None,
    })
}

/// The database answers.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, body = HealthView),
        (status = 503, body = openapi::Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<HealthView>> {
    let db = state.db.clone();
    let engine = db.engine().name().to_owned();
    web::block(move || db.ping()).await?.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::Unavailable
    })?;
    Ok(web::Json(HealthView {
        status: "ok".into(),
        database: Some(engine),
    }))
}

/// Prometheus text format.
#[utoipa::path(tag = "ops", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let act = Act::system(Arc::clone(&state.settings));
    let pending = state.use_cases.run(act, OutboxBacklog).await;
    if let Ok(n) = pending {
        state.metrics.outbox_pending.set(n);
    }
    let text = state.metrics.render().map_err(|e| {
        tracing::error!(error = %e, "cannot render metrics");
        ApiError::Internal
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}
