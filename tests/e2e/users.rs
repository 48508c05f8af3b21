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

async fn users(app: &TestApp, admin: &str) -> Vec<Value> {
    let page = body(app.list_users(admin).await, StatusCode::OK).await;
    page["items"].as_array().unwrap().clone()
}

/// Every audit line, newest first, following the cursor.
async fn all_audit(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = format!("?limit=500{filter}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let page = body(app.audit(token, &q).await, StatusCode::OK).await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

/// `(field, code)` of every error of a problem.
fn errors(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

/// Posts a refused account and checks that no user and no audit line was
/// written; returns the problem.
async fn refused(app: &TestApp, admin: &str, new: &Value, status: u16) -> Value {
    let users_before = users(app, admin).await;
    let audit_before = all_audit(app, admin, "").await.len();
    let p = problem(app.create_user(admin, new).await, status).await;
    assert_eq!(users(app, admin).await, users_before, "a user was written");
    assert_eq!(
        all_audit(app, admin, "").await.len(),
        audit_before,
        "an audit line was written"
    );
    p
}

async fn an_admin_creates_an_active_user_who_logs_in(app: TestApp) {
    let admin = app.admin_token().await;
    assert_eq!(users(&app, &admin).await.len(), 1);

    let r = app
        .create_user(
            &admin,
            &json!({ "email": "hr.rossi@anpalservizi.it", "role": "hr", "password": PASSWORD }),
        )
        .await;
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let user = body(r, StatusCode::CREATED).await;
    let id = user["id"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(user["email"], "hr.rossi@anpalservizi.it");
    assert_eq!(user["role"], "hr");
    assert_eq!(user["regions"], json!([]));
    assert!(user["navigator_id"].is_null());
    assert_eq!(user["active"], true);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/users/{id}").as_str())
    );

    let list = users(&app, &admin).await;
    assert_eq!(list.len(), 2);
    assert!(list.contains(&user));

    let pair = app.login_ok("hr.rossi@anpalservizi.it", PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["user"]["id"], id.as_str());
    assert_eq!(pair["user"]["role"], "hr");
    let token = pair["access_token"].as_str().unwrap();
    let me = body(app.me(token).await, StatusCode::OK).await;
    assert_eq!(me["id"], id.as_str());
    assert_eq!(me["role"], "hr");
    // No mail for an account created with a password.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(app
        .mails()
        .iter()
        .all(|m| m.to != "hr.rossi@anpalservizi.it"));
}
both_engines!(an_admin_creates_an_active_user_who_logs_in);

async fn a_coordinator_carries_their_regions(app: TestApp) {
    let admin = app.admin_token().await;
    let r = app
        .create_user(
            &admin,
            &json!({
                "email": "coordinatore.lazio@anpalservizi.it",
                "role": "coordinator",
                "regions": ["12"],
                "password": PASSWORD
            }),
        )
        .await;
    let user = body(r, StatusCode::CREATED).await;
    assert_eq!(user["role"], "coordinator");
    assert_eq!(user["regions"], json!(["12"]));

    let pair = app
        .login_ok("coordinatore.lazio@anpalservizi.it", PASSWORD)
        .await;
    assert_eq!(pair["user"]["regions"], json!(["12"]));
    let me = body(
        app.me(pair["access_token"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["regions"], json!(["12"]));

    // Two Regions.
    let r = app
        .create_user(
            &admin,
            &json!({
                "email": "coordinatore.sud@anpalservizi.it",
                "role": "coordinator",
                "regions": ["17", "15"],
                "password": PASSWORD
            }),
        )
        .await;
    let user = body(r, StatusCode::CREATED).await;
    let mut regions: Vec<String> = serde_json::from_value(user["regions"].clone()).unwrap();
    regions.sort();
    assert_eq!(regions, ["15", "17"]);
    let me = body(
        app.me(app
            .login_ok("coordinatore.sud@anpalservizi.it", PASSWORD)
            .await["access_token"]
            .as_str()
            .unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    let mut regions: Vec<String> = serde_json::from_value(me["regions"].clone()).unwrap();
    regions.sort();
    assert_eq!(regions, ["15", "17"]);
}
both_engines!(a_coordinator_carries_their_regions);

async fn without_a_password_the_account_waits_for_activation(app: TestApp) {
    let admin = app.admin_token().await;
    let email = "formatore.bianchi@anpalservizi.it";
    let r = app
        .create_user(&admin, &json!({ "email": email, "role": "trainer" }))
        .await;
    let user = body(r, StatusCode::CREATED).await;
    assert_eq!(user["active"], false);
    let listed = users(&app, &admin).await;
    let listed = listed.iter().find(|u| u["id"] == user["id"]).unwrap();
    assert_eq!(listed["active"], false);

    let mail = app.wait_for_mail(email).await;
    let token = token_in(&mail);
    assert!(token.len() >= 32, "token {token:?}");
    assert!(
        mail.body.contains("https://navigator.example.it/"),
        "{}",
        mail.body
    );

    // Not before activation, with any password.
    let p = problem(app.login(email, PASSWORD).await, 401).await;
    assert_eq!(p["type"], "invalid-credentials");

    let r = app.password_reset_confirm(&token, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let pair = app.login_ok(email, PASSWORD).await;
    assert_eq!(pair["user"]["active"], true);
    assert_eq!(pair["user"]["role"], "trainer");
    let listed = users(&app, &admin).await;
    let listed = listed.iter().find(|u| u["id"] == user["id"]).unwrap();
    assert_eq!(listed["active"], true);

    // The link works once.
    let p = problem(
        app.password_reset_confirm(&token, "un'altra password lunga")
            .await,
        400,
    )
    .await;
    assert_eq!(p["type"], "one-time-token-invalid");
    app.login_ok(email, PASSWORD).await;

    let lines = all_audit(
        &app,
        &admin,
        &format!("&entity=user&entity_id={}", user["id"].as_str().unwrap()),
    )
    .await;
    let actions: Vec<&str> = lines
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.created"), "{actions:?}");
    assert!(actions.contains(&"user.activated"), "{actions:?}");
}
both_engines!(without_a_password_the_account_waits_for_activation);

async fn an_email_is_taken_once_whatever_its_case(app: TestApp) {
    let admin = app.admin_token().await;
    let first =
        json!({ "email": "mario.rossi@anpalservizi.it", "role": "hr", "password": PASSWORD });
    body(app.create_user(&admin, &first).await, StatusCode::CREATED).await;

    for email in [
        "mario.rossi@anpalservizi.it",
        "Mario.Rossi@AnpalServizi.IT",
        "  mario.rossi@anpalservizi.it  ",
    ] {
        let p = refused(
            &app,
            &admin,
            &json!({ "email": email, "role": "trainer", "password": PASSWORD }),
            409,
        )
        .await;
        assert_eq!(p["type"], "email-taken", "{email}");
    }
    // Also the bootstrap admin's address.
    let p = refused(
        &app,
        &admin,
        &json!({ "email": ADMIN_EMAIL.to_uppercase(), "role": "hr", "password": PASSWORD }),
        409,
    )
    .await;
    assert_eq!(p["type"], "email-taken");

    // Stored lower-cased and trimmed.
    let r = app
        .create_user(
            &admin,
            &json!({ "email": " Lucia.Verdi@AnpalServizi.it ", "role": "hr", "password": PASSWORD }),
        )
        .await;
    let u = body(r, StatusCode::CREATED).await;
    assert_eq!(u["email"], "lucia.verdi@anpalservizi.it");
}
both_engines!(an_email_is_taken_once_whatever_its_case);

async fn region_scope_rules_are_enforced(app: TestApp) {
    let admin = app.admin_token().await;

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "c1@anpalservizi.it", "role": "coordinator", "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(errors(&p), [pair("regions", "coordinator-needs-region")]);

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "c2@anpalservizi.it", "role": "coordinator", "regions": [], "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(errors(&p), [pair("regions", "coordinator-needs-region")]);

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "h1@anpalservizi.it", "role": "hr", "regions": ["12"], "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(
        errors(&p),
        [pair("regions", "region-scope-only-for-coordinators")]
    );

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "c3@anpalservizi.it", "role": "coordinator", "regions": ["99"], "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(errors(&p), [pair("regions[0]", "invalid-region-code")]);

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "c4@anpalservizi.it", "role": "coordinator", "regions": ["12", "12"], "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(errors(&p), [pair("regions[1]", "duplicate")]);
}
both_engines!(region_scope_rules_are_enforced);

async fn navigator_accounts_need_a_navigator(app: TestApp) {
    let admin = app.admin_token().await;
    let p = refused(
        &app,
        &admin,
        &json!({ "email": "n1@anpalservizi.it", "role": "navigator", "password": PASSWORD }),
        422,
    )
    .await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(
        errors(&p),
        [pair("navigator_id", "navigator-account-needs-navigator")]
    );

    let p = refused(
        &app,
        &admin,
        &json!({
            "email": "h2@anpalservizi.it",
            "role": "hr",
            "navigator_id": uuid::Uuid::new_v4(),
            "password": PASSWORD
        }),
        422,
    )
    .await;
    assert_eq!(
        errors(&p),
        [pair("navigator_id", "navigator-id-only-for-navigators")]
    );

    // With its navigator id it is created and carries it: a Navigator whose
    // contract is still a draft has no account yet.
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 2).await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    let nav = draft["navigator_id"].as_str().unwrap().to_owned();
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "n2@anpalservizi.it", "role": "navigator", "navigator_id": nav, "password": PASSWORD }),
        )
        .await;
    let u = body(r, StatusCode::CREATED).await;
    assert_eq!(u["navigator_id"], nav.as_str());
    let pair = app.login_ok("n2@anpalservizi.it", PASSWORD).await;
    assert_eq!(pair["user"]["navigator_id"], nav.as_str());
}
both_engines!(
    navigator_accounts_need_a_navigator,
    |s: &mut api::config::Settings| {
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20);
    }
);

async fn passwords_must_be_long_enough(app: TestApp) {
    let admin = app.admin_token().await;
    let p = refused(
        &app,
        &admin,
        &json!({ "email": "h3@anpalservizi.it", "role": "hr", "password": "corta" }),
        422,
    )
    .await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(errors(&p), [pair("password", "password-too-short")]);

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "h3@anpalservizi.it", "role": "hr", "password": "x".repeat(129) }),
        422,
    )
    .await;
    assert_eq!(errors(&p), [pair("password", "password-too-long")]);

    let p = refused(
        &app,
        &admin,
        &json!({ "email": "h3.lungo@anpalservizi.it", "role": "hr", "password": "H3.Lungo@anpalservizi.it" }),
        422,
    )
    .await;
    assert_eq!(errors(&p), [pair("password", "password-is-email")]);
    // The short password never became an account that logs in.
    let p = problem(app.login("h3@anpalservizi.it", "corta").await, 401).await;
    assert_eq!(p["type"], "invalid-credentials");
}
both_engines!(passwords_must_be_long_enough);

async fn every_broken_rule_is_listed_at_once(app: TestApp) {
    let admin = app.admin_token().await;
    let p = refused(
        &app,
        &admin,
        &json!({
            "email": "non-una-mail",
            "role": "hr",
            "regions": ["12"],
            "navigator_id": uuid::Uuid::new_v4(),
            "password": "corta"
        }),
        422,
    )
    .await;
    assert_eq!(p["type"], "validation-failed");
    let got = errors(&p);
    for expected in [
        pair("email", "invalid-email"),
        pair("regions", "region-scope-only-for-coordinators"),
        pair("navigator_id", "navigator-id-only-for-navigators"),
        pair("password", "password-too-short"),
    ] {
        assert!(got.contains(&expected), "{expected:?} missing from {got:?}");
    }
    assert_eq!(got.len(), 4, "{got:?}");
    // Each error has words.
    assert!(p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["message"].as_str().unwrap().is_empty()));
}
both_engines!(every_broken_rule_is_listed_at_once);

async fn only_an_admin_creates_users(app: TestApp) {
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    let hr = app.user_with_role("hr", &[]).await;
    let trainer = app.user_with_role("trainer", &[]).await;
    let admin = app.admin_token().await;
    let users_before = users(&app, &admin).await;
    let audit_before = all_audit(&app, &admin, "").await.len();

    let new = json!({ "email": "intruso@anpalservizi.it", "role": "admin", "password": PASSWORD });
    for token in [&coordinator, &hr, &trainer] {
        let p = problem(app.create_user(token, &new).await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.list_users(token).await, 403).await;
        assert_eq!(p["type"], "forbidden");
    }
    let p = problem(app.post("/users", None, &new).await, 401).await;
    assert_eq!(p["type"], "token-missing");

    assert_eq!(users(&app, &admin).await, users_before);
    assert_eq!(all_audit(&app, &admin, "").await.len(), audit_before);
    let p = problem(app.login("intruso@anpalservizi.it", PASSWORD).await, 401).await;
    assert_eq!(p["type"], "invalid-credentials");
}
both_engines!(only_an_admin_creates_users);

async fn the_audit_log_records_creation_without_secrets(app: TestApp) {
    let admin = app.admin_token().await;
    let me = body(app.me(&admin).await, StatusCode::OK).await;
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "c.lazio@anpalservizi.it", "role": "coordinator", "regions": ["12"], "password": PASSWORD }),
        )
        .await;
    let request_id = r
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let user = body(r, StatusCode::CREATED).await;
    let id = user["id"].as_str().unwrap();
    // An account waiting for activation too.
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "t.nuovo@anpalservizi.it", "role": "trainer" }),
        )
        .await;
    body(r, StatusCode::CREATED).await;

    let lines = all_audit(&app, &admin, &format!("&entity=user&entity_id={id}")).await;
    let created: Vec<&Value> = lines
        .iter()
        .filter(|l| l["action"] == "user.created")
        .collect();
    assert_eq!(created.len(), 1, "{lines:#?}");
    let line = created[0];
    assert_eq!(line["entity"], "user");
    assert_eq!(line["entity_id"], id);
    assert_eq!(line["actor"], me["id"]);
    assert_eq!(line["request_id"], request_id.as_str());
    assert!(line["before"].is_null());
    assert_eq!(line["after"]["email"], "c.lazio@anpalservizi.it");
    assert_eq!(line["after"]["role"], "coordinator");
    assert_eq!(line["after"]["regions"], json!(["12"]));

    // No password, hash or token anywhere in the whole log.
    let everything = serde_json::to_string(&all_audit(&app, &admin, "").await).unwrap();
    assert!(
        !everything.contains("$argon2"),
        "a password hash in the audit log"
    );
    assert!(
        !everything.contains(PASSWORD),
        "a password in the audit log"
    );
    assert!(!everything.contains(ADMIN_PASSWORD));
    assert!(!everything.contains("password_hash"));
    let mail = app.wait_for_mail("t.nuovo@anpalservizi.it").await;
    assert!(
        !everything.contains(&token_in(&mail)),
        "an activation token in the audit log"
    );
}
both_engines!(the_audit_log_records_creation_without_secrets);

async fn a_navigator_has_one_account(app: TestApp) {
    let admin = app.admin_token().await;
    // A Navigator who does not exist cannot get an account.
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "n.nessuno@anpalservizi.it", "role": "navigator", "navigator_id": uuid::Uuid::new_v4(), "password": PASSWORD }),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "navigator_id", "{p}");
    assert_eq!(p["errors"][0]["code"], "unknown-navigator", "{p}");

    // Signing the contract gave this Navigator their account.
    let programme = app.programme(&[("RM", 1)], &["RM"]).await;
    let nav = programme.navigator(0);

    // A second account for the same Navigator is a conflict the caller can
    // act on, not an internal error.
    let users_before = users(&app, &admin).await;
    let r = app
        .create_user(
            &admin,
            &json!({ "email": "n.secondo@anpalservizi.it", "role": "navigator", "navigator_id": nav, "password": PASSWORD }),
        )
        .await;
    let p = problem(r, 409).await;
    assert_eq!(p["type"], "navigator-has-account", "{p}");
    assert_eq!(users(&app, &admin).await, users_before);
    let p = problem(app.login("n.secondo@anpalservizi.it", PASSWORD).await, 401).await;
    assert_eq!(p["type"], "invalid-credentials");
}
both_engines!(
    a_navigator_has_one_account,
    |s: &mut api::config::Settings| {
        s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20);
    }
);

async fn the_same_email_posted_at_once_gives_one_account(app: TestApp) {
    let admin = app.admin_token().await;
    let users_before = users(&app, &admin).await.len();
    // Several addresses, each posted many times at once (in different case
    // and spacing; no password, so no hashing spreads the requests apart):
    // each must give exactly one account and `email-taken` for the rest,
    // never an internal error. A race is not certain in one burst, so a few.
    let addresses = 5;
    let bursts = 3;
    let mut unexpected = Vec::new();
    for burst in 0..bursts {
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..40 {
            let client = app.client.clone();
            let url = app.api("/users");
            let admin = admin.clone();
            let n = i % addresses;
            let email = if i % 2 == 0 {
                format!("contesa.{burst}.{n}@anpalservizi.it")
            } else {
                format!(" Contesa.{burst}.{n}@AnpalServizi.it ")
            };
            requests.spawn(async move {
                let r = client
                    .post(url)
                    .bearer_auth(admin)
                    .json(&json!({ "email": email, "role": "hr" }))
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (n, status, r.text().await.unwrap())
            });
        }
        let mut created = vec![0; addresses];
        while let Some(done) = requests.join_next().await {
            let (n, status, text) = done.unwrap();
            match status {
                201 => created[n] += 1,
                409 => {
                    let p: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(p["type"], "email-taken", "{text}");
                }
                other => unexpected.push(format!("{other}: {text}")),
            }
        }
        assert!(
            created.iter().all(|c| *c <= 1),
            "an address got two accounts: {created:?}"
        );
    }
    assert!(
        unexpected.is_empty(),
        "concurrent duplicates answered {unexpected:#?}"
    );
    assert_eq!(
        users(&app, &admin).await.len(),
        users_before + addresses * bursts
    );
}
both_engines!(the_same_email_posted_at_once_gives_one_account);
