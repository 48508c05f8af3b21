//! Trace export: with `NAVIGATOR_OTLP_ENDPOINT` set, each request's span
//! reaches an OpenTelemetry collector over OTLP/HTTP, in the caller's trace.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use navigator_e2e::process::{free_port, ServeProcess};
use navigator_e2e::*;

/// What a collector received on `POST /v1/traces`, body by body.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Vec<u8>>>>);

impl Collector {
    /// Listens on a free loopback port; answers every export with 200.
    fn start(&self) -> (actix_web::dev::ServerHandle, u16) {
        let port = free_port();
        let received = self.clone();
        let server = HttpServer::new(move || {
            let received = received.clone();
            App::new().route(
                "/v1/traces",
                web::post().to(move |body: web::Bytes| {
                    let received = received.clone();
                    async move {
                        received.0.lock().unwrap().push(body.to_vec());
                        HttpResponse::Ok()
                            .content_type("application/x-protobuf")
                            .finish()
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", port))
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        (handle, port)
    }

    /// Whether some export holds `bytes` (an id is sent as raw bytes).
    fn holds(&self, bytes: &[u8]) -> bool {
        self.0
            .lock()
            .unwrap()
            .iter()
            .any(|body| body.windows(bytes.len()).any(|w| w == bytes))
    }
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

async fn a_request_span_reaches_the_collector_in_the_callers_trace(engine: Engine) {
    let Some(db) = fresh_database_or_skip(engine).await else {
        return;
    };
    let collector = Collector::default();
    let (collector_handle, port) = collector.start();
    let endpoint = format!("http://127.0.0.1:{port}");
    let url = db.url.clone();
    let mut served = tokio::task::spawn_blocking(move || {
        ServeProcess::start(
            &url,
            &[
                ("NAVIGATOR_OTLP_ENDPOINT", endpoint.as_str()),
                // Export every 100 ms, not every 5 s.
                ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ],
        )
    })
    .await
    .unwrap();

    let trace = uuid::Uuid::new_v4().simple().to_string();
    let parent = &uuid::Uuid::new_v4().simple().to_string()[..16];
    let r = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/healthz", served.port))
        .header("traceparent", format!("00-{trace}-{parent}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (trace_bytes, parent_bytes) = (hex_bytes(&trace), hex_bytes(parent));
    let started = Instant::now();
    while !(collector.holds(&trace_bytes) && collector.holds(&parent_bytes)) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no span of trace {trace} with parent {parent} exported:\n{}",
            served.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(collector.holds(b"navigator-ops"), "the service is named");
    assert!(collector.holds(b"/healthz"), "the span names its route");
    tokio::task::spawn_blocking(move || served.terminate(Duration::from_secs(15)))
        .await
        .unwrap();
    collector_handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_span_reaches_the_collector_in_the_callers_trace_sqlite() {
    a_request_span_reaches_the_collector_in_the_callers_trace(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_span_reaches_the_collector_in_the_callers_trace_postgres() {
    a_request_span_reaches_the_collector_in_the_callers_trace(Engine::Postgres).await;
}
