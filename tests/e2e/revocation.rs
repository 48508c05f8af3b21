//! Sessions under attack and under flaky networks: login guesses in
//! parallel, revocation that takes effect on the next request, a tablet
//! retrying one refresh, weak passwords, and answers no cache may keep.

use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

async fn join_all<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

/// `n` logins at once with `email` and `password` from the test's address.
async fn parallel_logins(app: &TestApp, n: usize, email: &str, password: &str) -> Vec<StatusCode> {
    let attempts = (0..n).map(|_| {
        let client = app.client.clone();
        let url = app.api("/auth/login");
        let body = json!({ "email": email, "password": password });
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status() })
    });
    join_all(attempts).await
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

// ---------------------------------------------------------------- throttling

/// 48 guesses at once for one account: each claims its slot before its
/// password is checked, so no more than the policy's five are checked
/// (401); the rest wait out the lock (429).
async fn parallel_guesses_get_no_more_than_the_policy_checks(app: TestApp) {
    let statuses = parallel_logins(&app, 48, ADMIN_EMAIL, "wrong password here").await;
    let checked = count(&statuses, StatusCode::UNAUTHORIZED);
    let throttled = count(&statuses, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(checked + throttled, 48, "{statuses:?}");
    assert!(
        (1..=5).contains(&checked),
        "{checked} checked: {statuses:?}"
    );
    // Locked now, even for the right password.
    problem(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await, 429).await;
}
both_engines!(parallel_guesses_get_no_more_than_the_policy_checks);

/// A whole office behind one address: the failures of others, however
/// many, do not keep a colleague with the right password out.
async fn failures_of_others_from_one_address_do_not_lock_it_out(app: TestApp) {
    for i in 0..52 {
        let r = app
            .login(&format!("guess{i}@anpalservizi.it"), "wrong password here")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}
both_engines!(failures_of_others_from_one_address_do_not_lock_it_out);

async fn login_from(app: &TestApp, addr: &str, password: &str) -> StatusCode {
    app.client
        .post(app.api("/auth/login"))
        .header("x-forwarded-for", addr)
        .json(&json!({ "email": ADMIN_EMAIL, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

/// Guessing from one address locks the account from that address only: the
/// owner elsewhere still logs in.
async fn a_guesser_does_not_lock_the_owner_out_from_elsewhere(app: TestApp) {
    for _ in 0..5 {
        assert_eq!(
            login_from(&app, "203.0.113.7", "wrong password here").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&app, "203.0.113.7", ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, "198.51.100.20", ADMIN_PASSWORD).await,
        StatusCode::OK
    );
}
both_engines!(
    a_guesser_does_not_lock_the_owner_out_from_elsewhere,
    |s: &mut api::config::Settings| s.trust_forwarded_for = true
);

// ------------------------------------------------------------------ caching

/// Answers carrying tokens are kept by no cache.
async fn token_answers_are_not_stored(app: TestApp) {
    let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["pragma"], "no-cache");
    let pair: serde_json::Value = r.json().await.unwrap();
    let r = app.refresh(pair["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["pragma"], "no-cache");
}
both_engines!(token_answers_are_not_stored);

// -------------------------------------------------------------- refreshing

/// A tablet retrying: eight refreshes at once with one token all get a
/// pair, and the family stays usable, instead of being revoked as if the
/// token had been stolen.
async fn parallel_refreshes_with_one_token_keep_the_session(app: TestApp) {
    let pair = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = pair["refresh_token"].as_str().unwrap().to_owned();
    let attempts = (0..8).map(|_| {
        let client = app.client.clone();
        let url = app.api("/auth/refresh");
        let body = json!({ "refresh_token": token });
        tokio::spawn(async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<serde_json::Value>().await.unwrap())
        })
    });
    let answers = join_all(attempts).await;
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::OK),
        "{answers:?}"
    );
    // Every pair works, and goes on refreshing.
    for (_, pair) in &answers {
        assert_eq!(
            app.me(pair["access_token"].as_str().unwrap())
                .await
                .status(),
            StatusCode::OK
        );
    }
    let last = &answers[7].1;
    let next = app.refresh(last["refresh_token"].as_str().unwrap()).await;
    assert_eq!(next.status(), StatusCode::OK);
    let admin = app.admin_token().await;
    let audit: serde_json::Value = app
        .audit(&admin, "?action=session.refresh-token-reused")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"], json!([]), "{audit}");
}
both_engines!(parallel_refreshes_with_one_token_keep_the_session);

// ---------------------------------------------------------------- passwords

fn first_error(p: &serde_json::Value) -> (String, String) {
    let e = &p["errors"][0];
    (
        e["field"].as_str().unwrap_or_default().to_owned(),
        e["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A common password dressed up to the required length is refused with the
/// field and the rule, wherever a password is set: an account made with one
/// by an administrator, and a password set from a mailed link.
async fn common_passwords_are_refused_wherever_a_password_is_set(app: TestApp) {
    let admin = app.admin_token().await;
    for weak in [
        "password1234",
        "P@ssw0rd2024!",
        "qwertyuiop123",
        "juventus1897",
    ] {
        let r = app
            .create_user(
                &admin,
                &json!({ "email": "hr.weak@anpalservizi.it", "role": "hr", "password": weak }),
            )
            .await;
        let p = problem(r, 422).await;
        assert_eq!(
            first_error(&p),
            ("password".into(), "password-too-common".into()),
            "{weak}: {p}"
        );
    }
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "hr.weak@anpalservizi.it", "role": "hr" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mail = app.wait_for_mail("hr.weak@anpalservizi.it").await;
    let token = token_in(&mail);
    let p = problem(
        app.password_reset_confirm(&token, "password1234").await,
        422,
    )
    .await;
    assert_eq!(
        first_error(&p),
        ("new_password".into(), "password-too-common".into()),
        "{p}"
    );
    // The words name the rule in both languages.
    let r = app
        .client
        .post(app.api("/auth/password-reset/confirm"))
        .header("accept-language", "en")
        .json(&json!({ "token": token, "new_password": "amoremio2024!" }))
        .send()
        .await
        .unwrap();
    let p = problem(r, 422).await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too common"),
        "{p}"
    );
    // The link still works for a strong password.
    assert_eq!(
        app.password_reset_confirm(&token, PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
}
both_engines!(common_passwords_are_refused_wherever_a_password_is_set);
