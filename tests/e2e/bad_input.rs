use api::auth::tokens::JwtKeys;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The body of an answer with the expected status; the body is shown when
/// the status differs.
async fn body(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Checks what every problem carries: media type, status, type, a title, a
/// detail, the request id of the `x-request-id` header, the language; returns it.
async fn problem_of(r: Response, status: u16, kind: &str) -> Value {
    let rid = r
        .headers()
        .get("x-request-id")
        .expect("an x-request-id header on a problem")
        .to_str()
        .unwrap()
        .to_owned();
    let lang = r
        .headers()
        .get("content-language")
        .map(|v| v.to_str().unwrap().to_owned());
    let p = problem(r, status).await;
    assert_eq!(p["type"], kind, "{p}");
    assert!(!rid.is_empty());
    assert_eq!(p["request_id"], rid.as_str(), "request_id of {p}");
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
    assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
    assert_eq!(lang.as_deref(), Some("it"), "Italian by default");
    p
}

async fn user_count(app: &TestApp, admin: &str) -> usize {
    let page = body(app.list_users(admin).await, StatusCode::OK).await;
    page["items"].as_array().unwrap().len()
}

/// Posts raw JSON bytes to `path`.
async fn post_json(app: &TestApp, path: &str, token: Option<&str>, raw: &str) -> Response {
    app.post_raw(path, token, "application/json", raw.as_bytes().to_vec())
        .await
}

/// Posts a bad body to POST /users and checks that no account was written.
async fn refused_user(
    app: &TestApp,
    admin: &str,
    r: impl std::future::Future<Output = Response>,
) -> Response {
    let before = user_count(app, admin).await;
    let r = r.await;
    assert_eq!(user_count(app, admin).await, before, "a user was created");
    r
}

async fn malformed_json_is_named_as_such(app: TestApp) {
    let admin = app.admin_token().await;
    // Each body is broken before anything else could be judged.
    let users = [
        r#"{"email": "#,
        r#"{"email": "a@b.it", "role": "hr",}"#,
        r#"{"email": "a@b.it", "role": "hr"} trailing"#,
        r#"{"email": 'a@b.it'}"#,
        "not json at all",
        "",
    ];
    let logins = [
        r#"{"email": "#,
        r#"{"email": "a@b.it", "password": "x",}"#,
        r#"{"email": "a@b.it", "password": "x"} trailing"#,
        r#"{"email": 'a@b.it'}"#,
        "not json at all",
        "",
    ];
    for (user, login) in users.into_iter().zip(logins) {
        let r = refused_user(&app, &admin, post_json(&app, "/users", Some(&admin), user)).await;
        problem_of(r, 400, "malformed-json").await;
        let r = post_json(&app, "/auth/login", None, login).await;
        problem_of(r, 400, "malformed-json").await;
    }
    // A JSON value of the wrong shape altogether.
    let r = refused_user(
        &app,
        &admin,
        post_json(&app, "/users", Some(&admin), r#""x@anpalservizi.it""#),
    )
    .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "body");
    // An array is not an object, even when its items line up with the fields.
    let positional = json!(["posizionale@anpalservizi.it", "hr", null, null, PASSWORD]).to_string();
    let r = refused_user(
        &app,
        &admin,
        post_json(&app, "/users", Some(&admin), &positional),
    )
    .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "body");
}
both_engines!(malformed_json_is_named_as_such);

async fn a_wrong_field_type_names_the_field(app: TestApp) {
    let admin = app.admin_token().await;
    let r = refused_user(
        &app,
        &admin,
        app.create_user(&admin, &json!({ "email": 42, "role": "hr" })),
    )
    .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "email");
    assert_eq!(p["errors"][0]["code"], "invalid-field-type");

    let r = refused_user(
        &app,
        &admin,
        app.create_user(
            &admin,
            &json!({ "email": "c@anpalservizi.it", "role": "coordinator", "regions": "12" }),
        ),
    )
    .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "regions");

    let r = refused_user(
        &app,
        &admin,
        app.create_user(
            &admin,
            &json!({ "email": "c@anpalservizi.it", "role": "coordinator", "regions": [12] }),
        ),
    )
    .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "regions[0]");

    let r = app
        .post(
            "/auth/login",
            None,
            &json!({ "email": ADMIN_EMAIL, "password": 12345 }),
        )
        .await;
    let p = problem_of(r, 400, "invalid-field-type").await;
    assert_eq!(p["errors"][0]["field"], "password");
}
both_engines!(a_wrong_field_type_names_the_field);

/// JSON Schema counts `10.0` as an integer, as the document types
/// `capacity`: it is taken as 10; a fraction is still the wrong type.
async fn a_whole_number_written_with_a_fraction_is_an_integer(app: TestApp) {
    let admin = app.admin_token().await;
    let cpi = |code: &str, capacity: f64| json!({ "code": code, "name": "CPI Frazione", "province_sigla": "RM", "capacity": capacity });
    let created = body(
        app.create_cpi(&admin, &cpi("RM-FRAZ", 10.0)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["capacity"], 10, "{created}");
    let p = problem_of(
        app.create_cpi(&admin, &cpi("RM-HALF", 10.5)).await,
        400,
        "invalid-field-type",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "capacity", "{p}");
}
both_engines!(a_whole_number_written_with_a_fraction_is_an_integer);

async fn an_unknown_role_is_an_unknown_enum_value(app: TestApp) {
    let admin = app.admin_token().await;
    for role in ["boss", "Admin", ""] {
        let r = refused_user(
            &app,
            &admin,
            app.create_user(
                &admin,
                &json!({ "email": "x@anpalservizi.it", "role": role, "password": PASSWORD }),
            ),
        )
        .await;
        let p = problem_of(r, 400, "unknown-enum-value").await;
        assert_eq!(p["errors"][0]["field"], "role", "{role}");
        assert_eq!(p["errors"][0]["code"], "unknown-enum-value");
    }
}
both_engines!(an_unknown_role_is_an_unknown_enum_value);

async fn a_missing_field_is_named(app: TestApp) {
    let admin = app.admin_token().await;
    let r = refused_user(
        &app,
        &admin,
        app.create_user(&admin, &json!({ "role": "hr", "password": PASSWORD })),
    )
    .await;
    let p = problem_of(r, 400, "missing-field").await;
    assert_eq!(p["errors"][0]["field"], "email");
    assert!(p["detail"].as_str().unwrap().contains("email"));

    let r = refused_user(
        &app,
        &admin,
        app.create_user(&admin, &json!({ "email": "x@anpalservizi.it" })),
    )
    .await;
    let p = problem_of(r, 400, "missing-field").await;
    assert_eq!(p["errors"][0]["field"], "role");

    let r = app
        .post("/auth/login", None, &json!({ "email": ADMIN_EMAIL }))
        .await;
    let p = problem_of(r, 400, "missing-field").await;
    assert_eq!(p["errors"][0]["field"], "password");
    let r = app
        .post("/auth/login", None, &json!({ "password": ADMIN_PASSWORD }))
        .await;
    let p = problem_of(r, 400, "missing-field").await;
    assert_eq!(p["errors"][0]["field"], "email");
}
both_engines!(a_missing_field_is_named);

async fn an_unexpected_field_is_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let r = refused_user(
        &app,
        &admin,
        app.create_user(
            &admin,
            &json!({ "email": "x@anpalservizi.it", "role": "hr", "password": PASSWORD, "is_superuser": true }),
        ),
    )
    .await;
    let p = problem_of(r, 400, "unknown-field").await;
    assert_eq!(p["errors"][0]["field"], "is_superuser");

    let r = app
        .post(
            "/auth/login",
            None,
            &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "remember_me": true }),
        )
        .await;
    let p = problem_of(r, 400, "unknown-field").await;
    assert_eq!(p["errors"][0]["field"], "remember_me");
}
both_engines!(an_unexpected_field_is_refused);

async fn a_body_that_is_not_json_is_unsupported(app: TestApp) {
    let admin = app.admin_token().await;
    let good_user =
        json!({ "email": "x@anpalservizi.it", "role": "hr", "password": PASSWORD }).to_string();
    let good_login = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }).to_string();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/csv",
        "application/xml",
    ] {
        let r = refused_user(
            &app,
            &admin,
            app.post_raw("/users", Some(&admin), ct, good_user.clone().into_bytes()),
        )
        .await;
        problem_of(r, 415, "unsupported-media-type").await;
        let r = app
            .post_raw("/auth/login", None, ct, good_login.clone().into_bytes())
            .await;
        problem_of(r, 415, "unsupported-media-type").await;
    }
    // No content type at all.
    let r = app
        .client
        .post(app.api("/auth/login"))
        .body(good_login.clone())
        .send()
        .await
        .unwrap();
    problem_of(r, 415, "unsupported-media-type").await;

    // The same bodies as JSON, with a charset, are fine.
    let r = app
        .post_raw(
            "/auth/login",
            None,
            "application/json; charset=utf-8",
            good_login.into_bytes(),
        )
        .await;
    body(r, StatusCode::OK).await;
}
both_engines!(a_body_that_is_not_json_is_unsupported);

async fn a_body_over_the_limit_is_too_large(app: TestApp) {
    let admin = app.admin_token().await;
    assert_eq!(app.settings.json_limit_bytes, 262_144);
    let big = "x".repeat(300 * 1024);
    let user = json!({ "email": "x@anpalservizi.it", "role": "hr", "password": big }).to_string();
    assert!(user.len() > app.settings.json_limit_bytes);
    let r = refused_user(&app, &admin, post_json(&app, "/users", Some(&admin), &user)).await;
    let p = problem_of(r, 413, "payload-too-large").await;
    assert!(p["detail"].as_str().unwrap().contains("262144"), "{p}");

    let login = json!({ "email": ADMIN_EMAIL, "password": big }).to_string();
    let r = post_json(&app, "/auth/login", None, &login).await;
    problem_of(r, 413, "payload-too-large").await;

    // Just under the limit is read (and then judged on its content).
    let under = json!({ "email": ADMIN_EMAIL, "password": "y".repeat(200 * 1024) }).to_string();
    let r = post_json(&app, "/auth/login", None, &under).await;
    problem_of(r, 401, "invalid-credentials").await;
}
both_engines!(a_body_over_the_limit_is_too_large);

async fn problems_speak_italian_unless_english_is_asked(app: TestApp) {
    let admin = app.admin_token().await;
    let bad = json!({ "email": "non-una-mail", "role": "hr", "password": PASSWORD });

    let r = refused_user(&app, &admin, app.create_user(&admin, &bad)).await;
    let it = problem_of(r, 422, "validation-failed").await;
    assert_eq!(it["title"], "Dati non validi");
    assert_eq!(it["errors"][0]["field"], "email");
    assert_eq!(it["errors"][0]["code"], "invalid-email");
    assert_eq!(it["errors"][0]["message"], "Indirizzo email non valido.");
    assert!(it["detail"].as_str().unwrap().contains("campi"), "{it}");

    for accept in ["en", "en-GB,en;q=0.9", "de, en;q=0.5"] {
        let r = app
            .client
            .post(app.api("/users"))
            .bearer_auth(&admin)
            .header("accept-language", accept)
            .json(&bad)
            .send()
            .await
            .unwrap();
        let rid = r
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            r.headers()
                .get("content-language")
                .unwrap()
                .to_str()
                .unwrap(),
            "en"
        );
        let en = problem(r, 422).await;
        assert_eq!(en["type"], "validation-failed");
        assert_eq!(en["title"], "Validation failed", "{accept}");
        assert_ne!(en["title"], it["title"]);
        assert_ne!(en["detail"], it["detail"]);
        assert!(en["detail"].as_str().unwrap().contains("field"), "{en}");
        assert_eq!(en["errors"][0]["field"], "email");
        assert_eq!(en["errors"][0]["code"], "invalid-email");
        assert_eq!(en["errors"][0]["message"], "Not a valid email address.");
        assert_eq!(en["request_id"], rid.as_str());
        assert_ne!(en["request_id"], it["request_id"], "a new id per request");
    }

    // The same for a bad JSON body, a missing token and an unknown route.
    let r = app
        .client
        .post(app.api("/auth/login"))
        .header("accept-language", "en")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let en = problem(r, 400).await;
    assert_eq!(en["title"], "Malformed JSON");
    let it = problem_of(
        post_json(&app, "/auth/login", None, "{").await,
        400,
        "malformed-json",
    )
    .await;
    assert_eq!(it["title"], "JSON non valido");

    let r = app
        .client
        .get(app.api("/me"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let en = problem(r, 401).await;
    assert_eq!(en["type"], "token-missing");
    assert_eq!(en["title"], "Authentication required");
    let it = problem_of(app.get("/me", None).await, 401, "token-missing").await;
    assert_eq!(it["title"], "Autenticazione richiesta");

    // An Italian preference wins over a weaker English one.
    let r = app
        .client
        .get(app.api("/me"))
        .header("accept-language", "it-IT,it;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r, 401).await["title"], "Autenticazione richiesta");
}
both_engines!(problems_speak_italian_unless_english_is_asked);

async fn an_invalid_email_is_a_validation_failure(app: TestApp) {
    let admin = app.admin_token().await;
    for email in [
        "mario",
        "mario@",
        "@anpalservizi.it",
        "mario@anpal",
        "ma rio@anpalservizi.it",
        "a@b@anpalservizi.it",
        "",
    ] {
        let r = refused_user(
            &app,
            &admin,
            app.create_user(
                &admin,
                &json!({ "email": email, "role": "hr", "password": PASSWORD }),
            ),
        )
        .await;
        let p = problem_of(r, 422, "validation-failed").await;
        assert_eq!(p["errors"][0]["field"], "email", "{email:?}");
        assert_eq!(p["errors"][0]["code"], "invalid-email", "{email:?}");
    }
}
both_engines!(an_invalid_email_is_a_validation_failure);

async fn bad_tokens_are_refused_by_kind(app: TestApp) {
    let admin = app.admin_token().await;
    let me = body(app.me(&admin).await, StatusCode::OK).await;
    let admin_id = me["id"].as_str().unwrap().to_owned();
    let (iss, aud) = (
        app.settings.jwt_issuer.clone(),
        app.settings.jwt_audience.clone(),
    );
    let keys = |secret: &[u8], iss: &str, aud: &str, ttl: chrono::Duration| {
        JwtKeys::new(secret, iss, aud, ttl)
    };
    let minutes = chrono::Duration::minutes;

    // The test's own token factory is right: with the app's key it is accepted.
    let good = keys(JWT_SECRET.as_bytes(), &iss, &aud, minutes(5))
        .issue(&admin_id, "admin", &[], None, None)
        .unwrap();
    assert_eq!(
        body(app.me(&good).await, StatusCode::OK).await["id"],
        admin_id.as_str()
    );

    let other_secret = keys(
        b"another signing key that is also long enough",
        &iss,
        &aud,
        minutes(5),
    )
    .issue(&admin_id, "admin", &[], None, None)
    .unwrap();
    let wrong_audience = keys(JWT_SECRET.as_bytes(), &iss, "someone-else", minutes(5))
        .issue(&admin_id, "admin", &[], None, None)
        .unwrap();
    let wrong_issuer = keys(JWT_SECRET.as_bytes(), "someone-else", &aud, minutes(5))
        .issue(&admin_id, "admin", &[], None, None)
        .unwrap();
    let expired = keys(JWT_SECRET.as_bytes(), &iss, &aud, minutes(-10))
        .issue(&admin_id, "admin", &[], None, None)
        .unwrap();
    let unknown_role = keys(JWT_SECRET.as_bytes(), &iss, &aud, minutes(5))
        .issue(&admin_id, "superuser", &[], None, None)
        .unwrap();

    let cases: [(&str, Option<String>, &str); 9] = [
        ("none", None, "token-missing"),
        ("garbage", Some("Bearer garbage".into()), "token-invalid"),
        (
            "not a jwt",
            Some("Bearer not.a.jwt".into()),
            "token-invalid",
        ),
        (
            "basic",
            Some("Basic YWRtaW46YWRtaW4=".into()),
            "token-invalid",
        ),
        (
            "other secret",
            Some(format!("Bearer {other_secret}")),
            "token-invalid",
        ),
        (
            "audience",
            Some(format!("Bearer {wrong_audience}")),
            "token-wrong-audience",
        ),
        (
            "expired",
            Some(format!("Bearer {expired}")),
            "token-expired",
        ),
        (
            "unknown role",
            Some(format!("Bearer {unknown_role}")),
            "token-invalid",
        ),
        (
            "issuer",
            Some(format!("Bearer {wrong_issuer}")),
            "token-wrong-issuer",
        ),
    ];
    let users_before = body(app.list_users(&admin).await, StatusCode::OK).await;
    for (name, header, kind) in cases {
        let mut get = app.client.get(app.api("/me"));
        let mut post = app.client.post(app.api("/users")).json(
            &json!({ "email": format!("{}@anpalservizi.it", name.replace(' ', ".")), "role": "admin", "password": PASSWORD }),
        );
        if let Some(h) = &header {
            get = get.header("authorization", h);
            post = post.header("authorization", h);
        }
        let r = get.send().await.unwrap();
        assert_eq!(
            r.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{name}"
        );
        let p = problem_of(r, 401, kind).await;
        assert_eq!(p["type"], kind, "{name}");
        let r = post.send().await.unwrap();
        let p = problem_of(r, 401, kind).await;
        assert_eq!(p["type"], kind, "{name}");
    }
    // None of the refused posts created anyone.
    let users_after = body(app.list_users(&admin).await, StatusCode::OK).await;
    assert_eq!(users_after, users_before);
}
both_engines!(bad_tokens_are_refused_by_kind);

async fn an_unknown_route_is_a_not_found_problem(app: TestApp) {
    let admin = app.admin_token().await;
    for path in [
        "/api/v1/nothing-here",
        "/api/v2/users",
        "/nothing-here",
        "/api/v1/users/extra/segments",
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let p = problem_of(r, 404, "not-found").await;
        assert_eq!(p["status"], 404, "{path}");
        let r = app
            .client
            .get(app.url(path))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        problem_of(r, 404, "not-found").await;
    }
    let r = app
        .client
        .post(app.url("/api/v1/nothing-here"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem_of(r, 404, "not-found").await;
    let r = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let p = problem(r, 404).await;
    assert_eq!(p["title"], "Not found");
}
both_engines!(an_unknown_route_is_a_not_found_problem);

async fn a_known_path_with_another_method_is_not_allowed(app: TestApp) {
    let admin = app.admin_token().await;
    let users_before = user_count(&app, &admin).await;
    // The path exists (GET and POST): another method gets 405, not "no such
    // endpoint" (the service defines `method-not-allowed` for this).
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/v1/users"),
        (reqwest::Method::PUT, "/api/v1/users"),
        (reqwest::Method::DELETE, "/api/v1/regions/12/convention"),
        (reqwest::Method::GET, "/api/v1/auth/login"),
    ] {
        let r = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(status, 405, "{method} {path}: {text}");
        let p: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(p["type"], "method-not-allowed", "{method} {path}");
    }
    assert_eq!(user_count(&app, &admin).await, users_before);
    let c = body(app.convention(&admin, "12").await, StatusCode::OK).await;
    assert_eq!(c["mode"], "cpi");
}
both_engines!(a_known_path_with_another_method_is_not_allowed);
