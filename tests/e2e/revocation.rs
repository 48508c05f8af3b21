//! Sessions under attack and under flaky networks: login guesses in
//! parallel, revocation that takes effect on the next request, a tablet
//! retrying one refresh, weak passwords, and answers no cache may keep.

use navigator_e2e::contracts::{applicant_of, json_of};
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

// ---------------------------------------------------------------- revocation

/// Moves every spend of a refresh token back past the grace window.
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

async fn me_type(app: &TestApp, access: &str) -> String {
    let r = app.me(access).await;
    if r.status() == StatusCode::OK {
        return "ok".into();
    }
    problem(r, 401).await["type"].as_str().unwrap().to_owned()
}

fn tokens(pair: &serde_json::Value) -> (String, String) {
    (
        pair["access_token"].as_str().unwrap().to_owned(),
        pair["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// After logout the session's access token is refused on the next request,
/// not minutes later; another session of the same person goes on.
async fn logout_stops_the_access_token_at_once(app: TestApp) {
    let (access, refresh) = tokens(&app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let (other, _) = tokens(&app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert_eq!(me_type(&app, &access).await, "ok");
    assert_eq!(
        app.logout(&access, &refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    let p = problem(app.me(&access).await, 401).await;
    assert_eq!(p["type"], "token-revoked");
    // The session ended, not the contract: the words say so.
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("accedi di nuovo"), "{detail}");
    assert!(!detail.contains("contratto"), "{detail}");
    assert_eq!(me_type(&app, &other).await, "ok");
}
both_engines!(logout_stops_the_access_token_at_once);

/// A refresh token replayed past the grace window revokes its family: every
/// access token the family issued stops at once.
async fn a_reused_refresh_token_stops_the_family_access_tokens(app: TestApp) {
    let (first_access, r1) = tokens(&app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let second = json_of(app.refresh(&r1).await, StatusCode::OK).await;
    let (second_access, _) = tokens(&second);
    let (other, _) = tokens(&app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    spent_long_ago(&app).await;
    let p = problem(app.refresh(&r1).await, 401).await;
    assert_eq!(p["type"], "refresh-token-reused");
    assert_eq!(me_type(&app, &second_access).await, "token-revoked");
    assert_eq!(me_type(&app, &first_access).await, "token-revoked");
    assert_eq!(me_type(&app, &other).await, "ok");
}
both_engines!(a_reused_refresh_token_stops_the_family_access_tokens);

/// A new password closes every session, access tokens included.
async fn a_new_password_stops_every_access_token(app: TestApp) {
    let admin = app.admin_token().await;
    let email = "hr.reset@anpalservizi.it";
    let r = app
        .create_user(
            &admin,
            &json!({ "email": email, "role": "hr", "password": PASSWORD }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (access, _) = tokens(&app.login_ok(email, PASSWORD).await);
    assert_eq!(
        app.password_reset(email).await.status(),
        StatusCode::ACCEPTED
    );
    let mail = app.wait_for_mail(email).await;
    assert_eq!(
        app.password_reset_confirm(&token_in(&mail), "ancora un'altra password")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(me_type(&app, &access).await, "token-revoked");
}
both_engines!(a_new_password_stops_every_access_token);

/// How long until `access` is refused on `app` (up to 5 s).
async fn refused_within(app: &TestApp, access: &str) -> Option<std::time::Duration> {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(5) {
        if me_type(app, access).await == "token-revoked" {
            return Some(start.elapsed());
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    None
}

/// Two replicas on one PostgreSQL database: a logout served by one stops
/// the access token on the other as the change commits (announced with
/// NOTIFY), and so does a contract ended on the other. SQLite serves one
/// process, so there is no second replica to tell.
async fn revocations_reach_the_other_replica(app: TestApp) {
    if app.engine == Engine::Sqlite {
        return;
    }
    let other = app.replica().await;
    let (access, refresh) = tokens(&app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert_eq!(me_type(&other, &access).await, "ok");
    assert_eq!(
        app.logout(&access, &refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    let took = refused_within(&other, &access).await;
    assert!(
        took.is_some_and(|t| t < std::time::Duration::from_millis(500)),
        "{took:?}"
    );

    // A Navigator whose contract HR ends (effective today) on one replica
    // is refused on the other.
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, list) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let c = app
        .signed(
            &hr,
            &sel,
            "RM",
            &json!({ "signed_on": "2019-07-15", "start_date": "2019-07-16" }),
        )
        .await;
    let email = applicant_of(&list, &c).email.clone();
    let (navigator, _) = tokens(&app.activate_and_login(&email).await);
    assert_eq!(me_type(&other, &navigator).await, "ok");
    let ended = app
        .terminate_contract(
            &hr,
            c["id"].as_str().unwrap(),
            &json!({ "cause": "withdrawn", "effective_on": "2019-07-20", "reason": "obiettivi mancati" }),
        )
        .await;
    assert_eq!(ended.status(), StatusCode::OK);
    let took = refused_within(&other, &navigator).await;
    assert!(
        took.is_some_and(|t| t < std::time::Duration::from_millis(500)),
        "{took:?}"
    );
    drop(other);
}
both_engines!(
    revocations_reach_the_other_replica,
    |s: &mut api::config::Settings| s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20)
);
