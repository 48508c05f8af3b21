//! The pages behind the mailed links, as a browser without script meets
//! them: plain GETs and form posts, the anti-forgery cookie sent back by
//! hand. (The browser tests drive the same pages in Chromium.)

use navigator_e2e::*;
use reqwest::header::{HeaderMap, ACCEPT, ACCEPT_LANGUAGE, CACHE_CONTROL, COOKIE, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::json;

/// A browser without script: no redirects followed, cookies sent by hand.
struct Browser {
    base: String,
    client: Client,
    csrf: Option<String>,
}

/// The value of the cookie `name` among the `Set-Cookie` headers.
fn set_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        Self {
            base: app.address.clone(),
            client: Client::builder()
                .redirect(redirect::Policy::none())
                // Under the server's 5 s keep-alive: see the harness's client.
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .unwrap(),
            csrf: None,
        }
    }

    async fn get(&mut self, path_and_query: &str) -> Response {
        let mut req = self
            .client
            .get(format!("{}{path_and_query}", self.base))
            .header(ACCEPT, "text/html");
        if let Some(c) = &self.csrf {
            req = req.header(COOKIE, format!("navigator_csrf={c}"));
        }
        let r = req.send().await.unwrap();
        if let Some(c) = set_cookie(r.headers(), "navigator_csrf") {
            self.csrf = Some(cookie_value(c));
        }
        r
    }

    /// Posts a form as the page holds it (with this browser's token).
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf.clone().expect("a page was read first");
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form, Some(&csrf)).await
    }

    async fn post_raw(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .form(form);
        if let Some(c) = cookie {
            req = req.header(COOKIE, format!("navigator_csrf={c}"));
        }
        req.send().await.unwrap()
    }
}

async fn html(r: Response, status: StatusCode) -> String {
    let got = r.status();
    let ty = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    assert!(ty.starts_with("text/html"), "{ty}: {text}");
    text
}

/// The path and query of the link in a mail (the mail names the public
/// address; the test server listens elsewhere).
fn link_in(mail: &api::mail::OutgoingMail, page: &str) -> String {
    let start = mail
        .body
        .find(&format!("/{page}?token="))
        .unwrap_or_else(|| panic!("no /{page} link in {}", mail.body));
    mail.body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn pages_answer_html_with_their_security_headers(app: TestApp) {
    let mut browser = Browser::new(&app);
    let r = browser.get("/").await;
    let headers = r.headers().clone();
    let text = html(r, StatusCode::OK).await;
    assert!(text.contains("<html lang=\"it\">"), "{text}");
    assert!(text.contains("app Navigator") && text.contains("Documentazione API"));
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    // The test servers publish an https address.
    assert!(headers["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let csrf = set_cookie(&headers, "navigator_csrf").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(csrf.contains(flag), "{csrf} lacks {flag}");
    }

    // English by the switch (remembered), or by Accept-Language.
    let r = browser.get("/?lang=en").await;
    let lang = set_cookie(r.headers(), "navigator_lang")
        .unwrap()
        .to_owned();
    assert!(lang.starts_with("navigator_lang=en"), "{lang}");
    let text = html(r, StatusCode::OK).await;
    assert!(text.contains("<html lang=\"en\">") && text.contains("Open the Navigator app"));
    assert!(text.contains("href=\"/?lang=it\""), "the switch leads back");
    let r = app
        .client
        .get(app.url("/"))
        .header(ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(html(r, StatusCode::OK)
        .await
        .contains("Open the Navigator app"));

    // A browser gets a page for an unknown address, a program a problem.
    let text = html(browser.get("/non-esiste").await, StatusCode::NOT_FOUND).await;
    assert!(text.contains("Pagina non trovata"), "{text}");
    let r = app.outside("/non-esiste").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = browser.get("/api/v1/non-esiste").await;
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // Static files: named by their digest, cached for a year, revalidated.
    let text = html(browser.get("/").await, StatusCode::OK).await;
    let start = text.find("/static/navigator.").unwrap();
    let href: String = text[start..].chars().take_while(|c| *c != '"').collect();
    assert!(href.ends_with(".css") && href.len() > "/static/navigator.css".len());
    let r = browser.get(&href).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = app
        .client
        .get(app.url(&href))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = browser.get("/static/navigator.0000000000.css").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_engines!(pages_answer_html_with_their_security_headers);

/// `(taken, pending, vacant)` of a province's seats.
async fn seats(app: &TestApp, hr: &str, id: &str, sigla: &str) -> (i64, i64, i64) {
    let r = app.seats(hr, id, "").await;
    let all: serde_json::Value = r.json().await.unwrap();
    let seat = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["province"] == sigla)
        .unwrap()
        .clone();
    (
        seat["filled"].as_i64().unwrap() + seat["accepted_unsigned"].as_i64().unwrap(),
        seat["pending_offers"].as_i64().unwrap(),
        seat["vacant"].as_i64().unwrap(),
    )
}

async fn candidate(app: &TestApp, hr: &str, offer: &serde_json::Value) -> serde_json::Value {
    let id = offer["candidate_id"].as_str().unwrap();
    app.get(&format!("/candidates/{id}"), Some(hr))
        .await
        .json()
        .await
        .unwrap()
}

async fn offers_are_answered_from_the_mailed_link(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app.published_selection(&hr, &[("NA", 2)], 4).await;
    let mut browser = Browser::new(&app);

    // The first candidate opens the link of the mail and reads the offer.
    let first: serde_json::Value = app
        .call(&hr, &id, "NA", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let link = link_in(&app.wait_for_mail(&list[0].email).await, "offerta");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let text = html(browser.get(&link).await, StatusCode::OK).await;
    assert!(text.contains("Napoli (NA)"), "{text}");
    assert!(
        text.contains("27.338,76 €") && text.contains("300,00 €"),
        "{text}"
    );
    assert!(text.contains("Accetto la proposta") && text.contains("Cosa significa accettare"));
    let english = html(
        browser.get(&format!("{link}&lang=en")).await,
        StatusCode::OK,
    )
    .await;
    assert!(english.contains("€27,338.76") && english.contains("I accept the offer"));
    browser.get(&format!("{link}&lang=it")).await;

    // A form posted without this browser's token changes nothing.
    let forged = [("token", token.as_str()), ("decision", "accept")];
    let r = browser.post_raw("/offerta", &forged, None).await;
    assert!(html(r, StatusCode::FORBIDDEN)
        .await
        .contains("Modulo scaduto"));
    let r = browser
        .post_raw(
            "/offerta",
            &[
                ("csrf", "x".repeat(43).as_str()),
                ("token", &token),
                ("decision", "accept"),
            ],
            browser.csrf.as_deref(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(seats(&app, &hr, &id, "NA").await, (0, 1, 1));

    // Accepted: post, redirect, get; the page says what happens next.
    let r = browser.post("/offerta", &forged).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let text = html(browser.get(&to).await, StatusCode::OK).await;
    assert!(text.contains("Hai accettato la proposta"), "{text}");
    assert!(
        !text.contains("Accetto la proposta"),
        "no form on an answered offer"
    );
    assert_eq!(seats(&app, &hr, &id, "NA").await, (1, 0, 1));
    // Accepting again, or declining now, changes nothing.
    let r = browser.post("/offerta", &forged).await;
    assert!(html(r, StatusCode::CONFLICT)
        .await
        .contains("Hai accettato la proposta"));
    let r = browser
        .post("/offerta", &[("token", &token), ("decision", "decline")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(seats(&app, &hr, &id, "NA").await, (1, 0, 1));
    assert_eq!(candidate(&app, &hr, &first).await["state"], "accepted");

    // The second declines, with a reason too long and then a fitting one.
    let second: serde_json::Value = app
        .call(&hr, &id, "NA", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let link = link_in(&app.wait_for_mail(&list[1].email).await, "offerta");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    browser.get(&link).await;
    let long = "x".repeat(501);
    let r = browser
        .post(
            "/offerta",
            &[
                ("token", &token),
                ("decision", "decline"),
                ("reason", &long),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(text.contains("al massimo 500 caratteri"), "{text}");
    assert_eq!(candidate(&app, &hr, &second).await["state"], "offered");
    let r = browser
        .post(
            "/offerta",
            &[
                ("token", &token),
                ("decision", "decline"),
                ("reason", "Ho già un altro incarico"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = html(browser.get(&link).await, StatusCode::OK).await;
    assert!(text.contains("Hai rinunciato alla proposta"), "{text}");
    let declined = candidate(&app, &hr, &second).await;
    assert_eq!(declined["state"], "declined");
    assert!(
        declined["state_reason"]
            .as_str()
            .unwrap()
            .contains("Ho già un altro incarico"),
        "{declined}"
    );

    // A link made up, or one whose deadline passed, gets a page that says so.
    let text = html(
        browser.get("/offerta?token=inventato").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(text.contains("Link non valido"), "{text}");
    let text = html(browser.get("/offerta").await, StatusCode::NOT_FOUND).await;
    assert!(text.contains("Link non valido"));
    let third: serde_json::Value = app
        .call(&hr, &id, "NA", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let link = link_in(&app.wait_for_mail(&list[2].email).await, "offerta");
    let db = app.db.clone();
    let offer_id = third["id"].as_str().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        db.get()
            .unwrap()
            .batch_execute(&format!(
                "UPDATE offers SET deadline = '2000-01-01 00:00:00' WHERE id = '{offer_id}'"
            ))
            .unwrap();
    })
    .await
    .unwrap();
    let text = html(browser.get(&link).await, StatusCode::GONE).await;
    assert!(text.contains("non è più aperta"), "{text}");
    assert!(!text.contains("Accetto la proposta"));
}
both_engines!(offers_are_answered_from_the_mailed_link);

async fn passwords_are_chosen_from_the_activation_and_reset_links(app: TestApp) {
    let admin = app.admin_token().await;
    let email = "nuova.hr@anpalservizi.it";
    let r = app
        .create_user(
            &admin,
            &json!({ "email": email, "role": "hr", "regions": [] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let link = link_in(&app.activation_mail(email).await, "attivazione");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let mut browser = Browser::new(&app);

    let text = html(browser.get(&link).await, StatusCode::OK).await;
    assert!(
        text.contains("Attiva il tuo account") && text.contains("almeno 12"),
        "{text}"
    );
    assert!(
        text.contains("minlength=\"12\""),
        "the rule holds without script too"
    );
    assert!(
        text.contains("password-policy."),
        "the rules are shown as one types"
    );

    let chosen = "una frase lunga da ricordare";
    let r = browser
        .post(
            "/attivazione",
            &[
                ("token", &token),
                ("new_password", chosen),
                ("confirm_password", "altro"),
            ],
        )
        .await;
    assert!(html(r, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .contains("non coincidono"));
    let r = browser
        .post(
            "/attivazione",
            &[
                ("token", &token),
                ("new_password", "corta"),
                ("confirm_password", "corta"),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(text.contains("new_password-error"), "{text}");
    assert_eq!(
        app.login(email, "corta").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let r = browser
        .post(
            "/attivazione",
            &[
                ("token", &token),
                ("new_password", chosen),
                ("confirm_password", chosen),
            ],
        )
        .await;
    let text = html(r, StatusCode::OK).await;
    assert!(
        text.contains("Account attivato") && text.contains("href=\"/app/\""),
        "{text}"
    );
    app.login_ok(email, chosen).await;
    // The link worked once.
    let text = html(browser.get(&link).await, StatusCode::GONE).await;
    assert!(text.contains("Link non più valido") && text.contains("/password-dimenticata"));
    let r = browser
        .post(
            "/attivazione",
            &[
                ("token", &token),
                ("new_password", "un'altra frase lunga"),
                ("confirm_password", "un'altra frase lunga"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::GONE);
    app.login_ok(email, chosen).await;

    // Forgotten: the form asks for the address and a reset link comes.
    html(browser.get("/password-dimenticata").await, StatusCode::OK).await;
    let text = html(
        browser
            .post("/password-dimenticata", &[("email", email)])
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(text.contains("Controlla la posta"));
    let mut reset = None;
    for _ in 0..400 {
        reset = app
            .mails()
            .into_iter()
            .find(|m| m.to == email && m.body.contains("/reimposta-password?token="));
        if reset.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let link = link_in(&reset.expect("a reset mail"), "reimposta-password");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    // A reset link is not an activation link.
    let r = browser.get(&format!("/attivazione?token={token}")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    let text = html(browser.get(&link).await, StatusCode::OK).await;
    assert!(text.contains("Scegli una nuova password"));
    let newer = "ancora un'altra frase lunga";
    let r = browser
        .post(
            "/reimposta-password",
            &[
                ("token", &token),
                ("new_password", newer),
                ("confirm_password", newer),
            ],
        )
        .await;
    assert!(html(r, StatusCode::OK).await.contains("Password cambiata"));
    app.login_ok(email, newer).await;
    assert_eq!(
        app.login(email, chosen).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
both_engines!(passwords_are_chosen_from_the_activation_and_reset_links);
