//! Experts (the Question RdC service's specialists): HR and administrators
//! manage their accounts, and HR manages no other kind.

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn created(app: &TestApp, token: &str, email: &str, role: &str) -> Value {
    let r = app
        .create_user(
            token,
            &json!({ "email": email, "role": role, "password": PASSWORD }),
        )
        .await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn hr_creates_and_closes_experts_and_nothing_else(app: TestApp) {
    let admin = app.admin_token().await;
    let hr = app.user_with_role("hr", &[]).await;

    let expert = created(&app, &hr, "esperta.bianchi@anpalservizi.it", "expert").await;
    assert_eq!(expert["role"], "expert");
    assert_eq!(expert["regions"], json!([]));
    let pair = app
        .login_ok("esperta.bianchi@anpalservizi.it", PASSWORD)
        .await;
    assert_eq!(pair["user"]["role"], "expert");
    let expert_token = pair["access_token"].as_str().unwrap().to_owned();
    let me: Value = app.me(&expert_token).await.json().await.unwrap();
    assert_eq!(me["role"], "expert");

    // HR hands out no other rights, not even its own.
    for role in ["admin", "hr", "coordinator", "trainer"] {
        let body = json!({
            "email": format!("{role}.nuovo@anpalservizi.it"),
            "role": role,
            "regions": if role == "coordinator" { json!(["12"]) } else { json!([]) },
            "password": PASSWORD,
        });
        let p = problem(app.create_user(&hr, &body).await, 403).await;
        assert_eq!(
            p["type"].as_str().unwrap().rsplit('/').next(),
            Some("forbidden")
        );
        assert_eq!(
            app.login(&format!("{role}.nuovo@anpalservizi.it"), PASSWORD)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // An expert is no manager of accounts.
    let body = json!({ "email": "altro.esperto@anpalservizi.it", "role": "expert" });
    problem(app.create_user(&expert_token, &body).await, 403).await;

    // Administrators create experts as any other account.
    created(&app, &admin, "esperto.verdi@anpalservizi.it", "expert").await;

    // HR closes an expert's account: no more sign-ins, the token stops.
    let id = expert["id"].as_str().unwrap();
    let r = app
        .post(&format!("/users/{id}/deactivate"), Some(&hr), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.me(&expert_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("esperta.bianchi@anpalservizi.it", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // But not a trainer's, which is the administrators' to close.
    let trainer = created(&app, &admin, "formatore.neri@anpalservizi.it", "trainer").await;
    let tid = trainer["id"].as_str().unwrap();
    problem(
        app.post(&format!("/users/{tid}/deactivate"), Some(&hr), &json!({}))
            .await,
        403,
    )
    .await;
    app.login_ok("formatore.neri@anpalservizi.it", PASSWORD)
        .await;
    let r = app
        .post(
            &format!("/users/{tid}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    problem(
        app.post("/users/nessuno/deactivate", Some(&admin), &json!({}))
            .await,
        404,
    )
    .await;
}
both_engines!(hr_creates_and_closes_experts_and_nothing_else);
