//! Logs: text for people, JSON for log collectors. `RUST_LOG` overrides the
//! level. And the span each request is logged in.

use std::io::IsTerminal;
use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderName;
use actix_web::{Error, HttpMessage};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{field, Span};
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    init_exporting(format, None);
}

/// The trace exporter, kept to send what it holds when the process stops.
static TRACES: OnceLock<SdkTracerProvider> = OnceLock::new();

/// As `init`, and when `otlp_endpoint` is given (`http://collector:4318`),
/// each request's span is also sent to it over OTLP/HTTP, a child of the
/// caller's W3C trace when it gave one. A collector that is down costs
/// nothing but the spans: the exporter drops what it cannot send.
pub fn init_exporting(format: LogFormat, otlp_endpoint: Option<&str>) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;

    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // Colours only for a person at a terminal, never in a log file or a
    // collector's pipe.
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let fmt = match format {
        LogFormat::Json => fmt.json().boxed(),
        LogFormat::Text => fmt.boxed(),
    };
    let traces = otlp_endpoint
        .filter(|e| !e.is_empty())
        .and_then(|endpoint| match otlp_provider(endpoint) {
            Ok(provider) => Some(provider),
            Err(e) => {
                eprintln!("cannot export traces to {endpoint}: {e}");
                None
            }
        });
    let otel = traces.as_ref().map(|provider| {
        use opentelemetry::trace::TracerProvider;
        tracing_opentelemetry::layer().with_tracer(provider.tracer("navigator-ops"))
    });
    // The log level filters the logs only: a quieter log must not thin
    // the traces.
    let otel = otel.map(|layer| layer.with_filter(tracing::level_filters::LevelFilter::INFO));
    if tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init()
        .is_ok()
    {
        if let Some(provider) = traces {
            let _ = TRACES.set(provider);
        }
    }
}

fn otlp_provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    use opentelemetry_otlp::WithExportConfig;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("navigator-ops")
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Sends the spans still held by the exporter; the process is stopping.
pub fn flush_traces() {
    if let Some(provider) = TRACES.get() {
        if let Err(e) = provider.shutdown() {
            tracing::warn!(error = %e, "traces not all exported");
        }
    }
}

/// Whether spans go to a collector (only then is a caller's trace read).
fn exporting() -> bool {
    TRACES.get().is_some()
}

/// The request's headers as the W3C propagator reads them.
struct Headers<'a>(&'a actix_web::http::header::HeaderMap);

impl opentelemetry::propagation::Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The header a proxy or a client names its request with.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The W3C Trace Context header.
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// The id a request is known by in logs, problems, the audit log and the
/// `X-Request-Id` answer header: the caller's own when it sent a usable one
/// (so one id follows a call through the proxy and the service), else the
/// one made here. And the W3C trace it belongs to, when it said.
#[derive(Debug, Clone)]
pub struct RequestTrace {
    pub id: String,
    pub trace_id: Option<String>,
}

/// The request id of `req` (empty outside the request span's middleware).
pub fn request_id(req: &impl HttpMessage) -> String {
    req.extensions()
        .get::<RequestTrace>()
        .map(|t| t.id.clone())
        .unwrap_or_default()
}

/// An incoming request id is kept when it is 1 to 128 visible ASCII
/// characters: it goes into logs and headers as it is, so nothing that
/// could break a log line or a header passes.
pub fn usable_request_id(given: &str) -> bool {
    (1..=128).contains(&given.len()) && given.bytes().all(|b| b.is_ascii_graphic())
}

/// The trace id of a W3C `traceparent` header
/// (`version-traceid-parentid-flags`, lower-case hex), when it is valid.
pub fn trace_id(traceparent: &str) -> Option<String> {
    fn hex(part: &str, len: usize) -> bool {
        part.len() == len
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
    let mut parts = traceparent.trim().split('-');
    let (version, trace, parent, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let rest = parts.next();
    let valid = hex(version, 2)
        && version != "ff"
        // Version 00 has exactly four parts; later versions may add some.
        && (version != "00" || rest.is_none())
        && hex(trace, 32)
        && trace.bytes().any(|b| b != b'0')
        && hex(parent, 16)
        && parent.bytes().any(|b| b != b'0')
        && hex(flags, 2);
    valid.then(|| trace.to_owned())
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
        let headers = request.headers();
        let id = headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| usable_request_id(v))
            .map(str::to_owned)
            .or_else(|| {
                request
                    .extensions()
                    .get::<RequestId>()
                    .map(ToString::to_string)
            })
            .unwrap_or_default();
        let trace_id = headers
            .get(TRACEPARENT)
            .and_then(|v| v.to_str().ok())
            .and_then(trace_id);
        let span = tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %request.uri().path_and_query().map_or("", |p| p.as_str()),
            http.route = field::Empty,
            http.status_code = field::Empty,
            request_id = %id,
            trace_id = field::Empty,
            otel.status_code = field::Empty,
            exception.message = field::Empty,
            exception.details = field::Empty,
        );
        if let Some(t) = &trace_id {
            span.record("trace_id", t.as_str());
            if exporting() {
                use opentelemetry::propagation::TextMapPropagator;
                use tracing_opentelemetry::OpenTelemetrySpanExt;
                let caller = opentelemetry_sdk::propagation::TraceContextPropagator::new()
                    .extract(&Headers(headers));
                let _ = span.set_parent(caller);
            }
        }
        request
            .extensions_mut()
            .insert(RequestTrace { id, trace_id });
        span
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
        assert_eq!(fields.get("trace_id"), None);
    }

    #[actix_web::test]
    async fn the_request_span_takes_the_callers_request_id_and_trace() {
        let fields = Fields::default();
        let _guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(fields.clone()));
        let app = test::init_service(App::new().wrap(TracingLogger::<RequestSpan>::new()).route(
            "/",
            web::get().to(|req: actix_web::HttpRequest| async move {
                HttpResponse::Ok().body(super::request_id(&req))
            }),
        ))
        .await;
        let req = test::TestRequest::get()
            .uri("/")
            .insert_header(("x-request-id", "proxy-7f3a/1"))
            .insert_header((
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ))
            .to_request();
        let body = test::call_and_read_body(&app, req).await;
        assert_eq!(body, "proxy-7f3a/1");
        assert_eq!(fields.get("request_id").as_deref(), Some("proxy-7f3a/1"));
        assert_eq!(
            fields.get("trace_id").as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }
}

#[cfg(test)]
mod header_tests {
    #[test]
    fn only_visible_ascii_request_ids_up_to_128_are_kept() {
        use super::usable_request_id;
        assert!(usable_request_id("a"));
        assert!(usable_request_id(&"x".repeat(128)));
        assert!(!usable_request_id(&"x".repeat(129)));
        assert!(!usable_request_id(""));
        assert!(!usable_request_id("two words"));
        assert!(!usable_request_id("caffè"));
        assert!(!usable_request_id("a\tb"));
    }

    #[test]
    fn traceparent_gives_its_trace_id_only_when_valid() {
        use super::trace_id;
        let t = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(
            trace_id(&format!("00-{t}-00f067aa0ba902b7-01")).as_deref(),
            Some(t)
        );
        // A later version may carry more fields.
        assert_eq!(
            trace_id(&format!("01-{t}-00f067aa0ba902b7-01-extra")).as_deref(),
            Some(t)
        );
        for bad in [
            format!("00-{t}-00f067aa0ba902b7-01-extra"),
            format!("ff-{t}-00f067aa0ba902b7-01"),
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01".to_owned(),
            format!("00-{t}-0000000000000000-01"),
            format!("00-{}-00f067aa0ba902b7-01", t.to_uppercase()),
            format!("00-{t}-00f067aa0ba902b7"),
            "garbage".to_owned(),
        ] {
            assert_eq!(trace_id(&bad), None, "{bad}");
        }
    }
}
