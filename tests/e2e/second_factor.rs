//! The second factor (TOTP, RFC 6238) of staff accounts, end to end: the
//! codes are computed here from the secret the service hands out, as an
//! authenticator app would. Enrolment, sign-in with a right, a wrong, a
//! reused and a skewed code, recovery codes used once, wrong codes counted
//! by the login throttle, removal by the owner and by an administrator,
//! roles that must enrol, and the console's sign-in form.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::account::Role;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use totp_rs::{Builder, Secret};

use crate::console::{element, html, location, Browser};

/// The code of `step` for `secret` (base32), as an authenticator app
/// shows it.
fn code_at(secret: &str, step: u64) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

/// The current step, waited for when it is about to end, so the server
/// sees the same step a few requests later.
async fn settled_step() -> u64 {
    loop {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if now % 30 < 24 {
            return now / 30;
        }
        tokio::time::sleep(Duration::from_secs(30 - now % 30)).await;
    }
}

/// A staff account of `role` with the harness' password: its email and id.
async fn staff(app: &TestApp, role: &str) -> (String, String) {
    let admin = app.admin_token().await;
    let email = format!("{role}.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
    let regions: &[&str] = if role == "coordinator" { &["12"] } else { &[] };
    let user = json_of(
        app.create_user(
            &admin,
            &json!({ "email": email, "role": role, "regions": regions, "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (email, user["id"].as_str().unwrap().to_owned())
}

async fn login_with(app: &TestApp, email: &str, totp: &str) -> reqwest::Response {
    app.post(
        "/auth/login",
        None,
        &json!({ "email": email, "password": PASSWORD, "totp": totp }),
    )
    .await
}

fn token(pair: &Value) -> String {
    pair["access_token"].as_str().unwrap().to_owned()
}

/// Enrols `email`'s account, confirming with the code of `step`: the
/// secret and the recovery codes.
async fn enrol(app: &TestApp, access: &str, step: u64) -> (String, Vec<String>) {
    let started = json_of(
        app.post("/me/totp", Some(access), &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    let secret = started["secret"].as_str().unwrap().to_owned();
    let codes = json_of(
        app.post(
            "/me/totp/confirm",
            Some(access),
            &json!({ "code": code_at(&secret, step) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let recovery = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, recovery)
}

async fn enrolment_and_sign_in_with_right_wrong_reused_and_skewed_codes(app: TestApp) {
    let (email, _) = staff(&app, "hr").await;
    let first = app.login_ok(&email, PASSWORD).await;
    assert_eq!(first["totp_enrolment_required"], false);
    let access = token(&first);

    let started = app.post("/me/totp", Some(&access), &json!({})).await;
    assert_eq!(
        started.headers()["cache-control"].to_str().unwrap(),
        "no-store"
    );
    let started = json_of(started, StatusCode::CREATED).await;
    let secret = started["secret"].as_str().unwrap().to_owned();
    let uri = started["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert!(uri.contains("issuer=Navigator"), "{uri}");

    let step = settled_step().await;
    // A code three steps off confirms nothing.
    let far = problem(
        app.post(
            "/me/totp/confirm",
            Some(&access),
            &json!({ "code": code_at(&secret, step - 3) }),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(far["type"], "totp-wrong-code");
    // One step behind (a phone's clock a little slow) confirms.
    let codes = json_of(
        app.post(
            "/me/totp/confirm",
            Some(&access),
            &json!({ "code": code_at(&secret, step - 1) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let recovery = codes["recovery_codes"].as_array().unwrap();
    assert_eq!(recovery.len(), 10);
    let status = json_of(app.get("/me/totp", Some(&access)).await, StatusCode::OK).await;
    assert_eq!(status["enrolled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    // Enrolled: a second enrolment is refused until this one is removed.
    let again = problem(app.post("/me/totp", Some(&access), &json!({})).await, 409).await;
    assert_eq!(again["type"], "totp-already-enrolled");

    // The password alone no longer signs in.
    let bare = problem(app.login(&email, PASSWORD).await, 401).await;
    assert_eq!(bare["type"], "totp-required");
    // A wrong code, and codes three steps off either way, are refused.
    let right_now = code_at(&secret, step);
    let wrong = if right_now == "000000" {
        "000001"
    } else {
        "000000"
    };
    let w = problem(login_with(&app, &email, wrong).await, 401).await;
    assert_eq!(w["type"], "totp-wrong-code");
    for off in [step - 3, step + 3] {
        let p = problem(login_with(&app, &email, &code_at(&secret, off)).await, 401).await;
        assert_eq!(p["type"], "totp-wrong-code", "step {off} of {step}");
    }
    // One step ahead (a phone's clock a little fast) signs in.
    let ahead = code_at(&secret, step + 1);
    let pair = json_of(login_with(&app, &email, &ahead).await, StatusCode::OK).await;
    assert_eq!(pair["user"]["email"], email);
    assert_eq!(pair["totp_enrolment_required"], false);
    // The same code again is a replay, and so is an older one.
    let replay = problem(login_with(&app, &email, &ahead).await, 401).await;
    assert_eq!(replay["type"], "totp-replayed");
    let older = problem(login_with(&app, &email, &right_now).await, 401).await;
    assert_eq!(older["type"], "totp-replayed");
    // A wrong password with a right code is still a wrong password.
    let r = app
        .post(
            "/auth/login",
            None,
            &json!({ "email": email, "password": "not the password at all", "totp": right_now }),
        )
        .await;
    assert_eq!(problem(r, 401).await["type"], "invalid-credentials");

    // The refusals are in English on request, naming the rule.
    let en = app
        .client
        .post(app.api("/auth/login"))
        .header("accept-language", "en")
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let en = problem(en, 401).await;
    assert_eq!(en["title"], "Verification code required");

    let token = app.admin_token().await;
    let opened: Value = app
        .audit(&token, "?action=totp.enrolled")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(opened["items"].as_array().unwrap().len(), 1);
}
both_engines!(enrolment_and_sign_in_with_right_wrong_reused_and_skewed_codes);

async fn a_recovery_code_works_once(app: TestApp) {
    let (email, _) = staff(&app, "trainer").await;
    let access = token(&app.login_ok(&email, PASSWORD).await);
    let step = settled_step().await;
    let (_, recovery) = enrol(&app, &access, step).await;

    // Typed as printed, or in capitals without the dash: both are the code.
    let typed = recovery[3].replace('-', "").to_uppercase();
    let pair = json_of(login_with(&app, &email, &typed).await, StatusCode::OK).await;
    let access = token(&pair);
    let used = problem(login_with(&app, &email, &recovery[3]).await, 401).await;
    assert_eq!(used["type"], "recovery-code-used");
    let made_up = problem(login_with(&app, &email, "abcde-fghjk").await, 401).await;
    assert_eq!(made_up["type"], "totp-wrong-code");
    // Another one still works.
    json_of(login_with(&app, &email, &recovery[7]).await, StatusCode::OK).await;
    let status = json_of(app.get("/me/totp", Some(&access)).await, StatusCode::OK).await;
    assert_eq!(status["recovery_codes_left"], 8);

    // The owner removes the factor with a recovery code; the password alone
    // signs in again.
    let wrong = problem(
        app.post(
            "/me/totp/disable",
            Some(&access),
            &json!({ "code": recovery[3] }),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(wrong["type"], "recovery-code-used");
    let r = app
        .post(
            "/me/totp/disable",
            Some(&access),
            &json!({ "code": recovery[0] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login_ok(&email, PASSWORD).await;
}
both_engines!(a_recovery_code_works_once);

async fn wrong_codes_are_throttled_like_wrong_passwords(app: TestApp) {
    let (email, _) = staff(&app, "coordinator").await;
    let access = token(&app.login_ok(&email, PASSWORD).await);
    let step = settled_step().await;
    let (secret, _) = enrol(&app, &access, step).await;
    // Five failures of the account from this address: missing or wrong
    // codes behind a right password.
    problem(app.login(&email, PASSWORD).await, 401).await;
    for off in [step - 5, step + 5, step - 7, step + 7] {
        problem(login_with(&app, &email, &code_at(&secret, off)).await, 401).await;
    }
    // The sixth attempt, even with a right code, waits.
    let r = login_with(&app, &email, &code_at(&secret, step + 1)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
}
both_engines!(wrong_codes_are_throttled_like_wrong_passwords);

async fn an_administrator_resets_another_accounts_factor(app: TestApp) {
    let (email, id) = staff(&app, "hr").await;
    let access = token(&app.login_ok(&email, PASSWORD).await);
    enrol(&app, &access, settled_step().await).await;
    assert_eq!(
        problem(app.login(&email, PASSWORD).await, 401).await["type"],
        "totp-required"
    );
    // Not the account's own to reset that way, nor HR's.
    let own = app
        .client
        .delete(app.api(&format!("/users/{id}/totp")))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::FORBIDDEN);

    let admin = app.admin_token().await;
    let reset = |who: String| {
        app.client
            .delete(app.api(&format!("/users/{who}/totp")))
            .bearer_auth(&admin)
            .send()
    };
    assert_eq!(
        reset(id.clone()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    // The sessions open before the reset end with the factor.
    let ended = app
        .client
        .get(app.api("/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::UNAUTHORIZED);
    let twice = problem(reset(id.clone()).await.unwrap(), 409).await;
    assert_eq!(twice["type"], "totp-not-enrolled");
    app.login_ok(&email, PASSWORD).await;
    let audit: Value = app
        .audit(&admin, "?action=totp.reset")
        .await
        .json()
        .await
        .unwrap();
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["entity_id"], id.as_str());
}
both_engines!(an_administrator_resets_another_accounts_factor);

fn hr_must_enrol(s: &mut api::config::Settings) {
    s.totp_required_roles = vec![Role::Hr];
}

async fn a_required_role_without_a_factor_may_only_enrol(app: TestApp) {
    let (email, _) = staff(&app, "hr").await;
    let pair = app.login_ok(&email, PASSWORD).await;
    assert_eq!(pair["totp_enrolment_required"], true);
    let limited = token(&pair);
    // Nothing but the enrolment.
    let me = problem(app.me(&limited).await, 403).await;
    assert_eq!(me["type"], "totp-enrolment-required");
    let list = problem(app.get("/selections", Some(&limited)).await, 403).await;
    assert_eq!(list["type"], "totp-enrolment-required");
    let status = json_of(app.get("/me/totp", Some(&limited)).await, StatusCode::OK).await;
    assert_eq!(status["required"], true);
    assert_eq!(status["enrolled"], false);
    // A refresh keeps the limit until enrolment is confirmed.
    let renewed = json_of(
        app.refresh(pair["refresh_token"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renewed["totp_enrolment_required"], true);
    let limited = token(&renewed);
    let step = settled_step().await;
    let (secret, _) = enrol(&app, &limited, step).await;
    // Confirmed: the next refresh lifts the limit.
    let full = json_of(
        app.refresh(renewed["refresh_token"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(full["totp_enrolment_required"], false);
    assert_eq!(app.me(&token(&full)).await.status(), StatusCode::OK);
    // And sign-ins now ask for the code.
    assert_eq!(
        problem(app.login(&email, PASSWORD).await, 401).await["type"],
        "totp-required"
    );
    json_of(
        login_with(&app, &email, &code_at(&secret, step + 1)).await,
        StatusCode::OK,
    )
    .await;

    // A role not named signs in as before.
    let (coordinator, _) = staff(&app, "coordinator").await;
    let pair = app.login_ok(&coordinator, PASSWORD).await;
    assert_eq!(pair["totp_enrolment_required"], false);
    assert_eq!(app.me(&token(&pair)).await.status(), StatusCode::OK);

    // At the console, such a session goes to the enrolment page, and every
    // other page sends it back there until enrolment is confirmed.
    let (other, _) = staff(&app, "hr").await;
    let mut b = Browser::new(&app);
    b.get("/console/accedi").await;
    let r = b
        .post(
            "/console/accedi",
            &[("email", other.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/verifica-due-passaggi");
    for away in ["/console/", "/console/navigator", "/console/selezioni"] {
        let r = b.get(away).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{away}");
        assert_eq!(location(&r), "/console/verifica-due-passaggi", "{away}");
    }
    let page = html(
        b.get("/console/verifica-due-passaggi").await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("id=\"verifica-richiesta\""), "{page}");
    let page = html(
        b.post("/console/verifica-due-passaggi/avvia", &[]).await,
        StatusCode::OK,
    )
    .await;
    let secret = element(&page, "totp-segreto");
    let step = settled_step().await;
    // A wrong code shows the key again with the refusal.
    let wrong = code_at(&secret, step + 3);
    let page = html(
        b.post(
            "/console/verifica-due-passaggi/conferma",
            &[("codice", wrong.as_str()), ("segreto", secret.as_str())],
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(element(&page, "totp-segreto"), secret);
    let right = code_at(&secret, step);
    let page = html(
        b.post(
            "/console/verifica-due-passaggi/conferma",
            &[("codice", right.as_str()), ("segreto", secret.as_str())],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page.matches("<li><code>").count(), 10, "{page}");
    // The session is a full one now.
    let home = b.get("/console/").await;
    assert_eq!(home.status(), StatusCode::OK);
}
both_engines!(
    a_required_role_without_a_factor_may_only_enrol,
    hr_must_enrol
);

async fn the_console_sign_in_asks_for_the_code(app: TestApp) {
    let (email, _) = staff(&app, "hr").await;
    let access = token(&app.login_ok(&email, PASSWORD).await);
    let step = settled_step().await;
    let (secret, _) = enrol(&app, &access, step).await;

    let mut b = Browser::new(&app);
    let form = html(b.get("/console/accedi").await, StatusCode::OK).await;
    assert!(form.contains("name=\"totp\""), "{form}");
    // The password alone: the form asks for the code, and never holds the
    // password.
    let r = b
        .post(
            "/console/accedi",
            &[("email", email.as_str()), ("password", PASSWORD)],
        )
        .await;
    let page = html(r, StatusCode::UNAUTHORIZED).await;
    assert!(page.contains("verifica in due passaggi"), "{page}");
    assert!(!page.contains(PASSWORD));
    // A wrong code is refused in words.
    let wrong = code_at(&secret, step + 4);
    let r = b
        .post(
            "/console/accedi",
            &[
                ("email", email.as_str()),
                ("password", PASSWORD),
                ("totp", wrong.as_str()),
            ],
        )
        .await;
    let page = html(r, StatusCode::UNAUTHORIZED).await;
    assert!(page.contains("errato"), "{page}");
    // The right code signs in.
    let right = code_at(&secret, step + 1);
    let r = b
        .post(
            "/console/accedi",
            &[
                ("email", email.as_str()),
                ("password", PASSWORD),
                ("totp", right.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/");
    let home = b.get("/console/").await;
    assert_eq!(home.status(), StatusCode::OK);
}
both_engines!(the_console_sign_in_asks_for_the_code);
