//! Cross-cutting response work: problems in the caller's language with the
//! request id, the `x-request-id` header, and metrics.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ACCEPT_LANGUAGE, X_CONTENT_TYPE_OPTIONS};
use actix_web::web;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::problem::{render, ProblemSource};
use crate::state::AppState;

pub use crate::telemetry::REQUEST_ID;

pub async fn finish_response(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let lang = Lang::from_accept_language(
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let request_id = crate::telemetry::request_id(&req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();

    let res = next.call(req).await?;

    // Re-render problems in the caller's language, with the request id.
    let problem = res
        .response()
        .extensions()
        .get::<ProblemSource>()
        .map(|p| p.0.clone());
    let mut res = match problem {
        Some(err) => {
            if matches!(err, ApiError::Internal) {
                tracing::error!(request_id = %request_id, "request failed with an internal error");
            }
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, render(&err, lang, Some(request_id.clone())))
        }
        None => res.map_into_boxed_body(),
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    // No browser may guess another type than the one declared (a CSV export
    // or a problem read as HTML).
    res.headers_mut()
        .insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let https = state
        .as_ref()
        .is_some_and(|s| s.settings.public_url.starts_with("https://"));
    let swagger = res.request().path().starts_with("/swagger-ui/");
    crate::pages::secure_headers(swagger, res.headers_mut(), https);
    if let Some(state) = state {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        state.metrics.observe(
            &method,
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}
