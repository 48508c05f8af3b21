//! Login, refresh rotation and reuse detection, logout, password reset,
//! activation and throttling.

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn create_with_password(app: &TestApp, role: &str, regions: &[&str]) -> String {
    let admin = app.admin_token().await;
    let email = format!("{role}.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    let r = app
        .create_user(
            &admin,
            &json!({ "email": email, "role": role, "regions": regions, "password": PASSWORD }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    email
}

async fn the_bootstrap_admin_logs_in(app: TestApp) {
    let pair = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 15 * 60);
    assert_eq!(pair["user"]["email"], ADMIN_EMAIL);
    assert_eq!(pair["user"]["role"], "admin");
    assert!(pair["refresh_token"].as_str().unwrap().len() >= 43);
    let me: Value = app
        .me(pair["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["regions"], json!([]));
}
both_engines!(the_bootstrap_admin_logs_in);

async fn emails_are_matched_whatever_their_case(app: TestApp) {
    let r = app
        .login(
            &format!("  {}  ", ADMIN_EMAIL.to_uppercase()),
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(emails_are_matched_whatever_their_case);

async fn a_wrong_password_and_an_unknown_account_look_alike(app: TestApp) {
    let wrong = problem(app.login(ADMIN_EMAIL, "not the password at all").await, 401).await;
    let unknown = problem(
        app.login("nobody@anpalservizi.it", "not the password at all")
            .await,
        401,
    )
    .await;
    assert_eq!(wrong["type"], "invalid-credentials");
    assert_eq!(wrong["type"], unknown["type"]);
    assert_eq!(wrong["title"], unknown["title"]);
    assert_eq!(wrong["detail"], unknown["detail"]);
}
both_engines!(a_wrong_password_and_an_unknown_account_look_alike);

async fn a_coordinator_token_carries_the_region_scope(app: TestApp) {
    let email = create_with_password(&app, "coordinator", &["12", "15"]).await;
    let pair = app.login_ok(&email, PASSWORD).await;
    assert_eq!(pair["user"]["regions"], json!(["12", "15"]));
    let me: Value = app
        .me(pair["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["regions"], json!(["12", "15"]));
}
both_engines!(a_coordinator_token_carries_the_region_scope);

async fn refresh_rotates_and_a_reused_token_revokes_the_family(app: TestApp) {
    let first = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let second: Value = app.refresh(&r1).await.json().await.unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_eq!(
        app.me(second["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    // r1 is spent: presenting it again past the grace window means someone
    // holds a copy.
    spent_long_ago(&app).await;
    let reused = problem(app.refresh(&r1).await, 401).await;
    assert_eq!(reused["type"], "refresh-token-reused");
    // ...so the whole family is revoked, r2 included.
    let after = problem(app.refresh(&r2).await, 401).await;
    assert_eq!(after["type"], "refresh-token-invalid");

    // A separate login is a separate family and still works.
    let other = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        app.refresh(other["refresh_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    let token = app.admin_token().await;
    let audit: Value = app
        .audit(&token, "?action=session.refresh-token-reused")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}
both_engines!(refresh_rotates_and_a_reused_token_revokes_the_family);

/// Moves every spend of a refresh token back past the grace window, as if
/// the tokens had been spent minutes ago.
async fn spent_long_ago(app: &TestApp) {
    use diesel::prelude::*;
    use persistence::schema::refresh_tokens::dsl::*;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let past = (chrono::Utc::now() - chrono::Duration::minutes(5)).naive_utc();
        diesel::update(refresh_tokens.filter(spent_at.is_not_null()))
            .set(spent_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

async fn logout_revokes_the_refresh_token(app: TestApp) {
    let pair = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = pair["access_token"].as_str().unwrap();
    let refresh = pair["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.logout(access, refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        problem(app.refresh(refresh).await, 401).await["type"],
        "refresh-token-invalid"
    );
    // The access token of the closed session no longer works, not even to
    // log out again; another session's does, and logging out twice is
    // harmless.
    assert_eq!(
        problem(app.logout(access, refresh).await, 401).await["type"],
        "token-revoked"
    );
    let other = app.admin_token().await;
    assert_eq!(
        app.logout(&other, refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    // Logout needs a bearer token.
    let r = app
        .post("/auth/logout", None, &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(problem(r, 401).await["type"], "token-missing");
}
both_engines!(logout_revokes_the_refresh_token);

async fn password_reset_by_mailed_one_time_token(app: TestApp) {
    let email = create_with_password(&app, "hr", &[]).await;
    let before = app.login_ok(&email, PASSWORD).await;

    assert_eq!(
        app.password_reset(&email).await.status(),
        StatusCode::ACCEPTED
    );
    let mail = app.wait_for_mail(&email).await;
    assert!(mail
        .body
        .contains("https://navigator.example.it/reimposta-password?token="));
    let token = token_in(&mail);

    let weak = problem(app.password_reset_confirm(&token, "corta").await, 422).await;
    assert_eq!(weak["errors"][0]["field"], "new_password");
    assert_eq!(weak["errors"][0]["code"], "password-too-short");

    let new_password = "una nuova password molto lunga";
    assert_eq!(
        app.password_reset_confirm(&token, new_password)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.login_ok(&email, new_password).await;

    // Single use.
    let again = problem(
        app.password_reset_confirm(&token, "ancora un'altra password")
            .await,
        400,
    )
    .await;
    assert_eq!(again["type"], "one-time-token-invalid");
    // A new password closes the sessions opened before it.
    let old = problem(
        app.refresh(before["refresh_token"].as_str().unwrap()).await,
        401,
    )
    .await;
    assert_eq!(old["type"], "refresh-token-invalid");
    // A made-up token is refused the same way.
    let bogus = problem(
        app.password_reset_confirm("made-up", new_password).await,
        400,
    )
    .await;
    assert_eq!(bogus["type"], "one-time-token-invalid");
}
both_engines!(password_reset_by_mailed_one_time_token);

async fn a_reset_for_an_unknown_address_answers_the_same_and_mails_nothing(app: TestApp) {
    let known = app.password_reset(ADMIN_EMAIL).await;
    let unknown = app.password_reset("nobody@anpalservizi.it").await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    app.wait_for_mail(ADMIN_EMAIL).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(app.mails().iter().all(|m| m.to != "nobody@anpalservizi.it"));
}
both_engines!(a_reset_for_an_unknown_address_answers_the_same_and_mails_nothing);

async fn repeated_failures_lock_the_account_even_for_the_right_password(app: TestApp) {
    for _ in 0..5 {
        assert_eq!(
            app.login(ADMIN_EMAIL, "wrong password here").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let p = problem(r, 429).await;
    assert_eq!(p["type"], "too-many-attempts");

    // An account that does not exist behaves the same, revealing nothing.
    for _ in 0..5 {
        assert_eq!(
            app.login("ghost@anpalservizi.it", "wrong password here")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let ghost = problem(
        app.login("ghost@anpalservizi.it", "wrong password here")
            .await,
        429,
    )
    .await;
    assert_eq!(ghost["type"], p["type"]);

    // Other accounts from the same address are not locked by these ten failures.
    let email = {
        // created directly in the database: the admin is locked out
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            let new = domain::account::NewAccount::parse(
                "hr.free@anpalservizi.it",
                domain::account::Role::Hr,
                &[],
                None,
            )
            .unwrap();
            let hash = api::auth::password::hash(PASSWORD).unwrap();
            persistence::accounts::insert_user(&mut conn, &new, Some(&hash)).unwrap();
        })
        .await
        .unwrap();
        "hr.free@anpalservizi.it"
    };
    app.login_ok(email, PASSWORD).await;
}
both_engines!(repeated_failures_lock_the_account_even_for_the_right_password);

async fn parallel_failed_logins_for_one_account_are_all_counted_cleanly(app: TestApp) {
    let attempts = (0..10).map(|_| {
        let client = app.client.clone();
        let url = app.api("/auth/login");
        tokio::spawn(async move {
            client
                .post(url)
                .json(
                    &json!({ "email": "ghost@anpalservizi.it", "password": "wrong password here" }),
                )
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let statuses = futures_join(attempts).await;
    // Never a server error: each is refused or, once the lock is set, throttled.
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let p = problem(
        app.login("ghost@anpalservizi.it", "wrong password here")
            .await,
        429,
    )
    .await;
    assert_eq!(p["type"], "too-many-attempts");
}
both_engines!(parallel_failed_logins_for_one_account_are_all_counted_cleanly);

async fn reset_mails_to_one_address_are_limited(app: TestApp) {
    for _ in 0..5 {
        assert_eq!(
            app.password_reset(ADMIN_EMAIL).await.status(),
            StatusCode::ACCEPTED
        );
    }
    // Three mails at most in an hour; the answer never changes.
    for _ in 0..200 {
        if app.mails().len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mails().iter().filter(|m| m.to == ADMIN_EMAIL).count(),
        3
    );
}
both_engines!(reset_mails_to_one_address_are_limited);

/// Right and wrong passwords for one account at once, as a tablet retrying
/// beside a user mistyping: a success clears the failures while others are
/// counting them, and still no attempt fails on the server.
async fn parallel_right_and_wrong_logins_never_fail_on_the_server(app: TestApp) {
    let email = create_with_password(&app, "hr", &[]).await;
    let attempts = (0..24).map(|i| {
        let client = app.client.clone();
        let url = app.api("/auth/login");
        let password = match i % 3 {
            0 => "wrong password here".to_owned(),
            _ => PASSWORD.to_owned(),
        };
        let email = email.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let statuses = futures_join(attempts).await;
    assert!(
        statuses.iter().all(|s| [
            StatusCode::OK,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
        .contains(s)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
}
both_engines!(parallel_right_and_wrong_logins_never_fail_on_the_server);
