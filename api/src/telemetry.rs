//! Logs: text for people, JSON for log collectors. `RUST_LOG` overrides the
//! level. And the span each request is logged in.

use std::io::IsTerminal;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::{field, Span};
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // Colours only for a person at a terminal, never in a log file or a
    // collector's pipe.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The span of every request, with its id, method and target from the
/// start, and its route and status at the end. The default builder of
/// `tracing-actix-web` reads the route before routing, which walks every
/// route pattern (regexes included) once more per request, and formats a
/// dozen more fields (user agent, host, OpenTelemetry names) into every
/// span whether or not anything is ever logged in it: together about a
/// sixth of the server's time on a cheap request. Once routing has
/// matched, the route costs next to nothing, so it is recorded then.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %request.uri().path_and_query().map_or("", |p| p.as_str()),
            http.route = field::Empty,
            http.status_code = field::Empty,
            request_id = %request_id.map(|id| id.to_string()).unwrap_or_default(),
            otel.status_code = field::Empty,
            exception.message = field::Empty,
            exception.details = field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if let Ok(response) = outcome {
            if let Some(route) = response.request().match_pattern() {
                span.record("http.route", route);
            }
        }
        // Status and error fields as the default builder records them.
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use actix_web::{test, web, App, HttpResponse};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing_actix_web::TracingLogger;
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

    use super::RequestSpan;

    /// The fields recorded on spans, by name, as text.
    #[derive(Clone, Default)]
    struct Fields(Arc<Mutex<BTreeMap<String, String>>>);

    impl Fields {
        fn get(&self, name: &str) -> Option<String> {
            self.0.lock().ok()?.get(name).cloned()
        }
    }

    impl Visit for Fields {
        fn record_str(&mut self, field: &Field, value: &str) {
            if let Ok(mut m) = self.0.lock() {
                m.insert(field.name().to_owned(), value.to_owned());
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if let Ok(mut m) = self.0.lock() {
                m.insert(field.name().to_owned(), format!("{value:?}"));
            }
        }
    }

    impl<S: tracing::Subscriber> Layer<S> for Fields {
        fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
            attrs.record(&mut self.clone());
        }

        fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
            values.record(&mut self.clone());
        }
    }

    #[actix_web::test]
    async fn the_request_span_names_the_route_the_status_and_the_request() {
        let fields = Fields::default();
        let _guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(fields.clone()));
        let app = test::init_service(App::new().wrap(TracingLogger::<RequestSpan>::new()).route(
            "/items/{id}",
            web::get().to(|| async { HttpResponse::Ok().finish() }),
        ))
        .await;
        let req = test::TestRequest::get()
            .uri("/items/42?full=1")
            .to_request();
        assert!(test::call_service(&app, req).await.status().is_success());

        assert_eq!(fields.get("http.route").as_deref(), Some("/items/{id}"));
        assert_eq!(
            fields.get("http.target").as_deref(),
            Some("/items/42?full=1")
        );
        assert_eq!(fields.get("http.method").as_deref(), Some("GET"));
        assert_eq!(fields.get("http.status_code").as_deref(), Some("200"));
        let id = fields.get("request_id").unwrap_or_default();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "request id {id:?}");
    }
}
