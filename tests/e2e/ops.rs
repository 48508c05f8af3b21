//! Probes, metrics, request ids, Swagger UI and the OpenAPI document.

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn health_and_readiness(app: TestApp) {
    let r = app.outside("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "ok");
    let r: Value = app.outside("/readyz").await.json().await.unwrap();
    assert_eq!(r["status"], "ok");
    let engine = match app.engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    };
    assert_eq!(r["database"], engine);
}
both_engines!(health_and_readiness);

/// SQLite only: on PostgreSQL the same code path answers, but taking the
/// shared server away under other tests is not an option.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_database_cannot_be_reached() {
    let app = spawn(Engine::Sqlite, |_| {}).await.unwrap();
    let path = app
        .settings
        .database_url
        .trim_start_matches("sqlite://")
        .to_owned();
    let dir = std::path::Path::new(&path).parent().unwrap().to_owned();
    let db = app.db.clone();
    let held = tokio::task::spawn_blocking(move || {
        // Occupy every pooled connection so readiness must open a new one,
        // and put a file where the database folder was.
        let held: Vec<_> = (0..8).filter_map(|_| db.get().ok()).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"not a folder").unwrap();
        held
    })
    .await
    .unwrap();
    let p = problem(app.outside("/readyz").await, 503).await;
    assert_eq!(p["type"], "service-unavailable");
    assert_eq!(app.outside("/healthz").await.status(), StatusCode::OK);
    drop(held);
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let ok = app.outside("/healthz").await;
    let a = ok.headers()["x-request-id"].to_str().unwrap().to_owned();
    let missing = app.get("/no/such/route", None).await;
    let b = missing.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(a, b);
    assert!(uuid::Uuid::parse_str(&a).is_ok());
    let p = problem(missing, 404).await;
    assert_eq!(p["type"], "not-found");
    assert_eq!(p["request_id"], b);
}
both_engines!(every_response_carries_a_request_id);

async fn metrics_count_requests_by_route(app: TestApp) {
    let token = app.admin_token().await;
    assert_eq!(app.regions(&token).await.status(), StatusCode::OK);
    // Only the holder of the metrics token reads them; a user's token is
    // not it.
    problem(app.outside("/metrics").await, 401).await;
    let as_admin = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(as_admin, 401).await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"navigator_http_requests_total{method="GET",route="/api/v1/regions",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("navigator_http_request_duration_seconds_bucket"));
    assert!(text.contains("navigator_mail_outbox_pending"));
}
both_engines!(metrics_count_requests_by_route);

async fn swagger_ui_is_served_from_the_binary(app: TestApp) {
    let r = app.outside("/swagger-ui/").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().to_lowercase().contains("swagger"));
    let r = app.outside("/swagger-ui/swagger-ui.css").await;
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(swagger_ui_is_served_from_the_binary);

/// Without a metrics token `/metrics` is not served; Swagger UI can be
/// turned off, and the document is still there for integrators.
async fn metrics_and_swagger_ui_can_be_off(app: TestApp) {
    let r = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    problem(r, 404).await;
    problem(app.outside("/swagger-ui/").await, 404).await;
    let r = app.outside("/api-docs/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/regions"].is_object());
}
both_engines!(metrics_and_swagger_ui_can_be_off, |s| {
    s.metrics_token = None;
    s.swagger_ui = false;
});

/// The operations of the foundation; each must be in the served document.
const OPERATIONS: [(&str, &str); 22] = [
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{code}"),
    ("get", "/api/v1/regions/{code}/convention"),
    ("put", "/api/v1/regions/{code}/convention"),
    ("get", "/api/v1/provinces"),
    ("get", "/api/v1/cpis"),
    ("post", "/api/v1/cpis"),
    ("get", "/api/v1/cpis/{code}"),
    ("post", "/api/v1/cpis/import"),
    ("get", "/api/v1/training/paths"),
    ("get", "/api/v1/audit"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

async fn the_openapi_document_is_served_and_snapshotted(app: TestApp) {
    let served: Value = app
        .outside("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let built = serde_json::to_value(api::startup::openapi_document()).unwrap();
    assert_eq!(
        served, built,
        "the served document is the one `navigator openapi` prints"
    );
    for (method, path) in OPERATIONS {
        assert!(
            served["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    assert!(served["components"]["securitySchemes"]["bearer_auth"].is_object());
    assert!(served["components"]["schemas"]["Problem"].is_object());
    insta::with_settings!({ snapshot_path => "../../openapi/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_json_snapshot!("openapi", served);
    });
}
both_engines!(the_openapi_document_is_served_and_snapshotted);
