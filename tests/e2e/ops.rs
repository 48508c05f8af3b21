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

/// A request id sent by the caller (a proxy, a client) is the one the
/// answer, the problem and the audit log carry; one that could break a log
/// line or a header is replaced by a fresh one.
async fn the_callers_request_id_is_kept(app: TestApp) {
    let token = app.admin_token().await;
    let r = app
        .client
        .get(app.url("/no/such/route"))
        .header("x-request-id", "proxy-7f3a:1/req")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "proxy-7f3a:1/req");
    let p = problem(r, 404).await;
    assert_eq!(p["request_id"], "proxy-7f3a:1/req");

    let r = app
        .client
        .post(app.api("/cpis"))
        .bearer_auth(&token)
        .header("x-request-id", "import-batch-42")
        .json(&serde_json::json!({
            "code": "RMX001", "name": "CPI di prova", "province_sigla": "RM"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["x-request-id"], "import-batch-42");
    let audit: Value = app.audit(&token, "?limit=50").await.json().await.unwrap();
    let line = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["request_id"] == "import-batch-42")
        .unwrap_or_else(|| panic!("no audit line with the request id: {audit}"));
    assert!(
        line["action"].as_str().unwrap_or_default().contains("cpi"),
        "{line}"
    );

    for unusable in ["two words", &"x".repeat(129), ""] {
        let r = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", unusable)
            .send()
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{unusable:?} gave {id}");
    }
    let longest = "x".repeat(128);
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", &longest)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], longest.as_str());
}
both_engines!(the_callers_request_id_is_kept);

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
    let text = app.scrape().await;
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

/// The value of the series `series` (name and labels, as printed) in a
/// Prometheus text answer.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
}

/// The operator's series: the pool, the outbox, the background tasks,
/// sign-ins and the process, each with a value that fits what happened.
async fn metrics_show_pool_outbox_tasks_logins_and_process(app: TestApp) {
    // Sign-ins: one good, then wrong passwords until throttled.
    app.admin_token().await;
    let mut wrong = 0;
    loop {
        let r = app.login(ADMIN_EMAIL, "not the password at all").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        wrong += 1;
        assert!(wrong < 20, "never throttled");
    }
    // The outbox: one mail sent (the sender runs every 25 ms), one queued
    // since long ago and due only later, one given up.
    assert_eq!(
        app.password_reset(ADMIN_EMAIL).await.status(),
        StatusCode::ACCEPTED
    );
    app.wait_for_mail(ADMIN_EMAIL).await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "INSERT INTO mail_outbox (id, message_id, recipient, subject, body, kind, created_at, attempts, next_attempt_at) \
             VALUES ('00000000-0000-7000-8000-000000000001', '<m1@test>', 'a@example.it', 's', 'b', 'offer', '2000-01-01 00:00:00', 1, '2999-01-01 00:00:00'); \
             INSERT INTO mail_outbox (id, message_id, recipient, subject, body, kind, created_at, attempts, next_attempt_at, failed_at, last_error) \
             VALUES ('00000000-0000-7000-8000-000000000002', '<m2@test>', 'b@example.it', 's', 'b', 'offer', '2001-01-01 00:00:00', 8, '2001-01-01 00:00:00', '2001-01-02 00:00:00', 'refused');",
        )
        .unwrap();
    })
    .await
    .unwrap();
    // The background tasks run every second here.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let text = app.scrape().await;
    assert_eq!(
        sample(&text, r#"navigator_logins_total{outcome="success"}"#),
        1.0
    );
    assert_eq!(
        sample(&text, r#"navigator_logins_total{outcome="failure"}"#),
        f64::from(wrong)
    );
    assert_eq!(
        sample(&text, r#"navigator_logins_total{outcome="throttled"}"#),
        1.0
    );

    assert_eq!(sample(&text, "navigator_mail_outbox_pending"), 1.0);
    assert!(sample(&text, "navigator_mail_outbox_sent") >= 1.0);
    assert_eq!(sample(&text, "navigator_mail_outbox_failed"), 1.0);
    let age = sample(&text, "navigator_mail_outbox_oldest_pending_age_seconds");
    assert!(age > 20.0 * 365.0 * 86400.0, "queued since 2000: {age}");

    assert_eq!(sample(&text, "navigator_db_pool_max_connections"), 8.0);
    let in_use = sample(&text, r#"navigator_db_pool_connections{state="in_use"}"#);
    let idle = sample(&text, r#"navigator_db_pool_connections{state="idle"}"#);
    assert!(
        in_use + idle >= 1.0 && in_use + idle <= 8.0,
        "{in_use} {idle}"
    );
    assert!(sample(&text, "navigator_db_pool_checkouts_total") > 10.0);
    assert!(sample(&text, "navigator_db_pool_waits_total") >= 0.0);
    assert!(sample(&text, "navigator_db_pool_wait_seconds_total") >= 0.0);
    assert_eq!(sample(&text, "navigator_db_pool_timeouts_total"), 0.0);

    for task in [
        "mail_sender",
        "lapse_offers",
        "release_ended_contracts",
        "forget_idempotency_keys",
    ] {
        let runs = sample(
            &text,
            &format!(r#"navigator_background_task_runs_total{{task="{task}"}}"#),
        );
        assert!(runs >= 1.0, "{task} ran {runs} times");
        let failures = sample(
            &text,
            &format!(r#"navigator_background_task_failures_total{{task="{task}"}}"#),
        );
        assert_eq!(failures, 0.0, "{task}");
    }

    assert!(sample(&text, "process_resident_memory_bytes") > 1_000_000.0);
    assert!(sample(&text, "process_cpu_seconds_total") > 0.0);
    assert!(sample(&text, "process_open_fds") >= 3.0);
    assert!(sample(&text, "process_threads") >= 2.0);
    let started = sample(&text, "process_start_time_seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(started <= now && started > now - 600.0, "{started}");

    // Counters only go up between scrapes.
    let again = app.scrape().await;
    assert!(
        sample(&again, "navigator_db_pool_checkouts_total")
            >= sample(&text, "navigator_db_pool_checkouts_total")
    );
}
both_engines!(metrics_show_pool_outbox_tasks_logins_and_process, |s| {
    s.offer_lapse_seconds = 1;
});

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

/// With `NAVIGATOR_METRICS_LISTEN` the figures are also served on an
/// address of their own, without the token and with nothing else; the
/// service's own address still asks for the token.
async fn metrics_can_have_a_listen_address_of_their_own(app: TestApp) {
    let own = format!("http://{}", app.settings.metrics_listen.as_deref().unwrap());
    let r = app
        .client
        .get(format!("{own}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(text.contains("navigator_mail_outbox_pending"), "{text}");
    for elsewhere in ["/healthz", "/api/v1/regions", "/console", "/metrics/x"] {
        let r = app
            .client
            .get(format!("{own}{elsewhere}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{elsewhere}");
    }
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    problem(r, 401).await;
}
both_engines!(metrics_can_have_a_listen_address_of_their_own, |s| {
    s.metrics_listen = Some(format!("127.0.0.1:{}", navigator_e2e::process::free_port()));
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
