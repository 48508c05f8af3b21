//! Probes and metrics for the platform running the service.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use openapi::dto::HealthView;
use sha2::{Digest, Sha256};

use std::sync::Arc;

use crate::app::operations::OutboxBacklog;
use crate::app::Act;
use crate::error::{ApiError, ApiResult, TokenProblem};
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

/// Prometheus text format, for the holder of the metrics token
/// (`NAVIGATOR_METRICS_TOKEN`); not served when none is set.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, content_type = "text/plain", body = String),
        (status = 401, description = "token-missing or token-invalid: not the metrics token", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "not-found: no metrics token is set", body = openapi::Problem, content_type = "application/problem+json")
    )
)]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let expected = state
        .settings
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::RouteNotFound)?;
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthenticated(TokenProblem::Missing))?;
    // Digests compared, so the time taken says nothing about the token.
    if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(ApiError::Unauthenticated(TokenProblem::Invalid));
    }
    render_metrics(&state).await
}

/// The same figures on the separate listen address
/// (`NAVIGATOR_METRICS_LISTEN`), which serves nothing else: whoever can
/// reach that address (the cluster's scraper, by network policy) reads
/// them without a token.
pub async fn metrics_on_own_address(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    render_metrics(&state).await
}

async fn render_metrics(state: &AppState) -> ApiResult<HttpResponse> {
    let act = Act::system(Arc::clone(&state.settings));
    let outbox = match state.use_cases.run(act, OutboxBacklog).await {
        Ok(o) => Some(o),
        Err(e) => {
            // The rest is still worth serving: a full pool is when it matters.
            tracing::warn!(error = %e, "cannot read the outbox for the metrics");
            None
        }
    };
    let held = i64::try_from(state.held_progress.len()).unwrap_or(i64::MAX);
    state.metrics.progress_held.set(held);
    state.metrics.read_at_scrape(
        &state.db.pool_state(),
        outbox.as_ref(),
        chrono::Utc::now().naive_utc(),
    );
    let text = state.metrics.render().map_err(|e| {
        tracing::error!(error = %e, "cannot render metrics");
        ApiError::Internal
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}
