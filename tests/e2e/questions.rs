//! Question RdC: Navigators ask, experts take and answer (one owner at a
//! time), every move by whom the rules allow; the service's figures.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The Navigators are hired in July 2019: the service runs on a day of
/// theirs (instants stay real, only the calendar day is fixed).
fn in_2019(s: &mut api::config::Settings) {
    s.today = Some(NaiveDate::from_ymd_opt(2019, 7, 20).unwrap());
}

/// Someone signed in: their account id and access token.
struct Person {
    id: String,
    email: String,
    token: String,
}

async fn ok(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn sign_in(app: &TestApp, email: &str) -> Person {
    let pair = app.login_ok(email, PASSWORD).await;
    Person {
        id: pair["user"]["id"].as_str().unwrap().to_owned(),
        email: email.to_owned(),
        token: pair["access_token"].as_str().unwrap().to_owned(),
    }
}

/// `n` Navigators with a signed contract, their accounts activated.
async fn navigators(app: &TestApp, n: usize) -> Vec<Person> {
    let hire = vec!["RM"; n];
    let p = app.programme(&[("RM", n as i64 + 1)], &hire).await;
    let mut out = Vec::new();
    for i in 0..n {
        let email = p.email(i);
        app.activate_and_login(&email).await;
        out.push(sign_in(app, &email).await);
    }
    out
}

async fn expert(app: &TestApp, name: &str) -> Person {
    let admin = app.admin_token().await;
    let email = format!("{name}@anpalservizi.it");
    let body = json!({ "email": email, "role": "expert", "password": PASSWORD });
    ok(app.create_user(&admin, &body).await, StatusCode::CREATED).await;
    sign_in(app, &email).await
}

async fn ask(app: &TestApp, who: &Person, topic: &str, text: &str) -> Value {
    let r = app
        .post(
            "/questions",
            Some(&who.token),
            &json!({ "topic": topic, "text": text }),
        )
        .await;
    ok(r, StatusCode::CREATED).await
}

async fn act(app: &TestApp, who: &Person, id: &str, action: &str, body: Value) -> Response {
    app.post(
        &format!("/questions/{id}/{action}"),
        Some(&who.token),
        &body,
    )
    .await
}

/// Waits (up to 10 s) for the mail telling `to` their question is answered.
async fn answer_mail(app: &TestApp, to: &str) -> api::mail::OutgoingMail {
    for _ in 0..400 {
        if let Some(m) = app
            .mails()
            .into_iter()
            .find(|m| m.to == to && m.subject.starts_with("Question RdC"))
        {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no answer mail to {to} within 10 s");
}

fn kind(p: &Value) -> &str {
    p["type"].as_str().unwrap().rsplit('/').next().unwrap()
}

async fn refused(r: Response, status: u16, want: &str) {
    let p = problem(r, status).await;
    assert_eq!(kind(&p), want, "{p}");
}

async fn a_question_is_asked_taken_detailed_answered_and_closed(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let exp = expert(&app, "esperta.rossi").await;

    let topics = ok(
        app.get("/question-topics", Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    let codes: Vec<&str> = topics["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "eligibility",
            "patto_per_il_lavoro",
            "conditionality",
            "platforms",
            "privacy"
        ]
    );
    assert_eq!(topics["items"][1]["label_it"], "Patto per il lavoro");

    let q = ask(
        &app,
        &nav,
        "conditionality",
        "  Cosa succede se il beneficiario non si presenta al colloquio? ",
    )
    .await;
    let id = q["id"].as_str().unwrap().to_owned();
    assert_eq!(q["status"], "open");
    assert_eq!(
        q["text"],
        "Cosa succede se il beneficiario non si presenta al colloquio?"
    );
    assert!(q["taken_by"].is_null());

    // The experts' queue: the questions nobody has taken.
    let queue = ok(
        app.get("/questions?taken=false&status=open", Some(&exp.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let q = ok(
        act(&app, &exp, &id, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(q["taken_by"], exp.id.as_str());
    // Taking one's own question again changes nothing.
    ok(
        act(&app, &exp, &id, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let queue = ok(
        app.get("/questions?taken=false", Some(&exp.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(queue["items"].as_array().unwrap().is_empty());
    let mine = ok(
        app.get("/questions?mine=true", Some(&exp.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    let q = ok(
        act(
            &app,
            &exp,
            &id,
            "detail-requests",
            json!({ "text": "Di quale Regione si tratta?" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(q["awaiting_detail"], true);
    // The author sees news in their list, and opening the question reads it.
    let own = ok(
        app.get("/questions", Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["items"][0]["unread"], true);
    let opened = ok(
        app.get(&format!("/questions/{id}"), Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        opened["unread"], true,
        "the news shown as it was on opening"
    );
    let own = ok(
        app.get("/questions", Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["items"][0]["unread"], false);

    let q = ok(
        act(
            &app,
            &nav,
            &id,
            "details",
            json!({ "text": "Lazio, CPI di Roma." }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(q["awaiting_detail"], false);
    let q = ok(
        act(
            &app,
            &exp,
            &id,
            "answer",
            json!({ "text": "Si applica la decurtazione prevista." }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(q["status"], "answered");
    assert!(q["first_answered_at"].is_string());
    assert_eq!(q["unread"], false, "the flag is the author's alone");

    // Told in the app and by mail, in Italian, without the answer itself.
    let own = ok(
        app.get("/questions", Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["items"][0]["unread"], true);
    let mail = answer_mail(&app, &nav.email).await;
    assert!(mail.subject.contains("risposta"), "{}", mail.subject);
    assert!(mail.body.contains("Condizionalità"), "{}", mail.body);
    assert!(!mail.body.contains("decurtazione"));

    let thread = ok(
        app.get(&format!("/questions/{id}"), Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<&str> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["detail_request", "detail", "answer"]);
    assert_eq!(thread["messages"][1]["author_id"], nav.id.as_str());
    assert_eq!(
        thread["messages"][2]["text"],
        "Si applica la decurtazione prevista."
    );

    let q = ok(
        act(&app, &exp, &id, "close", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(q["status"], "closed");
    refused(
        act(&app, &exp, &id, "answer", json!({ "text": "Ancora" })).await,
        409,
        "question-status-forbids",
    )
    .await;
}
both_engines!(
    a_question_is_asked_taken_detailed_answered_and_closed,
    in_2019
);

async fn every_move_is_made_only_by_whom_and_when_the_rules_allow(app: TestApp) {
    let navs = navigators(&app, 2).await;
    let (author, other) = (&navs[0], &navs[1]);
    let e1 = expert(&app, "esperto.uno").await;
    let e2 = expert(&app, "esperto.due").await;
    let hr = app.user_with_role("hr", &[]).await;
    let coordinator = app.user_with_role("coordinator", &["12"]).await;

    let q = ask(
        &app,
        author,
        "privacy",
        "Posso conservare copia del documento?",
    )
    .await;
    let id = q["id"].as_str().unwrap().to_owned();
    let text = json!({ "text": "Risposta" });

    // Another Navigator does not know the question exists.
    problem(
        app.get(&format!("/questions/{id}"), Some(&other.token))
            .await,
        404,
    )
    .await;
    problem(act(&app, other, &id, "withdraw", json!({})).await, 404).await;
    let theirs = ok(
        app.get("/questions", Some(&other.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    // Navigators neither take nor answer; HR reads but makes no move.
    refused(
        act(&app, author, &id, "take", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    refused(
        act(&app, author, &id, "answer", text.clone()).await,
        403,
        "forbidden",
    )
    .await;
    refused(
        app.post(&format!("/questions/{id}/take"), Some(&hr), &json!({}))
            .await,
        403,
        "forbidden",
    )
    .await;
    ok(
        app.get(&format!("/questions/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    ok(app.get("/questions", Some(&hr)).await, StatusCode::OK).await;
    refused(
        app.get("/questions", Some(&coordinator)).await,
        403,
        "forbidden",
    )
    .await;
    // Experts ask nothing and withdraw nothing.
    refused(
        app.post(
            "/questions",
            Some(&e1.token),
            &json!({ "topic": "privacy", "text": "x" }),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    refused(
        act(&app, &e1, &id, "withdraw", json!({})).await,
        403,
        "forbidden",
    )
    .await;

    // Answered only once taken, and only by the owner.
    refused(
        act(&app, &e1, &id, "answer", text.clone()).await,
        409,
        "question-not-taken",
    )
    .await;
    ok(act(&app, &e1, &id, "take", json!({})).await, StatusCode::OK).await;
    refused(
        act(&app, &e2, &id, "take", json!({})).await,
        409,
        "question-taken",
    )
    .await;
    refused(
        act(&app, &e2, &id, "answer", text.clone()).await,
        409,
        "question-taken",
    )
    .await;
    refused(
        act(&app, &e2, &id, "detail-requests", text.clone()).await,
        409,
        "question-taken",
    )
    .await;
    refused(
        act(&app, &e2, &id, "close", json!({})).await,
        409,
        "question-taken",
    )
    .await;
    // Detail only when asked for.
    refused(
        act(&app, author, &id, "details", text.clone()).await,
        409,
        "no-detail-requested",
    )
    .await;

    // Withdrawn by the author while open, and then nothing more.
    let w = ok(
        act(&app, author, &id, "withdraw", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(w["status"], "withdrawn");
    refused(
        act(&app, author, &id, "withdraw", json!({})).await,
        409,
        "question-status-forbids",
    )
    .await;
    refused(
        act(&app, &e1, &id, "answer", text.clone()).await,
        409,
        "question-status-forbids",
    )
    .await;

    // Not withdrawn once answered.
    let q2 = ask(&app, author, "platforms", "Come si accede a MyANPAL?").await;
    let id2 = q2["id"].as_str().unwrap().to_owned();
    ok(
        act(&app, &e2, &id2, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    ok(
        act(&app, &e2, &id2, "answer", text.clone()).await,
        StatusCode::OK,
    )
    .await;
    refused(
        act(&app, author, &id2, "withdraw", json!({})).await,
        409,
        "question-status-forbids",
    )
    .await;

    // Merged into another question: not itself, not an unknown or a
    // withdrawn one.
    let q3 = ask(&app, other, "platforms", "Come entro in MyANPAL?").await;
    let id3 = q3["id"].as_str().unwrap().to_owned();
    let merge = |into: &str| json!({ "into": into });
    let p = problem(act(&app, &e2, &id3, "merge", merge(&id3)).await, 422).await;
    assert_eq!(p["errors"][0]["field"], "into");
    assert_eq!(p["errors"][0]["code"], "merge-into-itself");
    let p = problem(act(&app, &e2, &id3, "merge", merge("nessuna")).await, 422).await;
    assert_eq!(p["errors"][0]["code"], "unknown-question");
    let p = problem(act(&app, &e2, &id3, "merge", merge(&id)).await, 422).await;
    assert_eq!(p["errors"][0]["code"], "merge-target-settled");
    let m = ok(
        act(&app, &e2, &id3, "merge", merge(&id2)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(m["status"], "merged");
    assert_eq!(m["merged_into"], id2.as_str());

    // Lists: everyone's for experts and HR, filtered; oldest first.
    let all = ok(app.get("/questions", Some(&e1.token)).await, StatusCode::OK).await;
    let ids: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str(), id2.as_str(), id3.as_str()]);
    let platforms = ok(
        app.get("/questions?topic=platforms&status=answered", Some(&hr))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(platforms["items"].as_array().unwrap().len(), 1);
    let page = ok(
        app.get("/questions?limit=2", Some(&e1.token)).await,
        StatusCode::OK,
    )
    .await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = ok(
        app.get(
            &format!("/questions?limit=2&cursor={cursor}"),
            Some(&e1.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], id3.as_str());
    let own = ok(
        app.get("/questions", Some(&author.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
}
both_engines!(
    every_move_is_made_only_by_whom_and_when_the_rules_allow,
    in_2019
);

async fn experts_taking_one_question_at_once_make_exactly_one_owner(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let mut experts = Vec::new();
    for i in 0..6 {
        experts.push(expert(&app, &format!("esperto.gara{i}")).await);
    }
    for round in 0..3 {
        let q = ask(&app, &nav, "eligibility", &format!("Domanda {round}")).await;
        let id = q["id"].as_str().unwrap().to_owned();
        let takes = experts.iter().map(|e| {
            let client = app.client.clone();
            let url = format!("{}/api/v1/questions/{id}/take", app.address);
            let token = e.token.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap()
            })
        });
        let answers = futures_util::future::join_all(takes).await;
        let mut winners = Vec::new();
        for (e, r) in experts.iter().zip(answers) {
            let r = r.unwrap();
            match r.status().as_u16() {
                200 => winners.push(e.id.clone()),
                409 => refused(r, 409, "question-taken").await,
                other => panic!("take answered {other}: {}", r.text().await.unwrap()),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let now = ok(
            app.get(&format!("/questions/{id}"), Some(&nav.token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(now["taken_by"], winners[0].as_str());
    }
}
both_engines!(
    experts_taking_one_question_at_once_make_exactly_one_owner,
    in_2019
);

/// The audit log's `question.released` lines of question `id`.
async fn released_lines(app: &TestApp, admin: &str, id: &str) -> Vec<Value> {
    let query = format!("?entity=question&entity_id={id}&action=question.released");
    let page = ok(app.audit(admin, &query).await, StatusCode::OK).await;
    page["items"].as_array().unwrap().clone()
}

/// The owner hands an open question back to the desk: only they, only
/// while it is open and theirs; the thread and a pending request for detail
/// stay; the audit log says who; another expert then takes it, also while
/// others race to take it as it is handed back.
async fn an_expert_hands_a_question_back_for_another_to_take(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let first = expert(&app, "esperta.prima").await;
    let second = expert(&app, "esperto.secondo").await;
    let q = ask(&app, &nav, "eligibility", "Chi firma il patto?").await;
    let id = q["id"].as_str().unwrap().to_owned();

    refused(
        act(&app, &first, &id, "release", json!({})).await,
        409,
        "question-not-taken",
    )
    .await;
    ok(
        act(&app, &first, &id, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let detail = json!({ "text": "Di quale Regione?" });
    ok(
        act(&app, &first, &id, "detail-requests", detail).await,
        StatusCode::OK,
    )
    .await;
    refused(
        act(&app, &second, &id, "release", json!({})).await,
        409,
        "question-taken",
    )
    .await;
    refused(
        act(&app, &nav, &id, "release", json!({})).await,
        403,
        "forbidden",
    )
    .await;

    let back = ok(
        act(&app, &first, &id, "release", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert!(back["taken_by"].is_null(), "{back}");
    assert!(back["taken_at"].is_null(), "{back}");
    assert_eq!(back["status"], "open");
    assert_eq!(back["awaiting_detail"], true);
    refused(
        act(&app, &first, &id, "release", json!({})).await,
        409,
        "question-not-taken",
    )
    .await;
    let admin = app.admin_token().await;
    let released = released_lines(&app, &admin, &id).await;
    assert_eq!(released.len(), 1, "{released:?}");
    assert_eq!(released[0]["actor"], first.id.as_str());

    // Another expert takes it, sees the thread and answers.
    ok(
        act(&app, &second, &id, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let seen = ok(
        app.get(&format!("/questions/{id}"), Some(&second.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["messages"].as_array().unwrap().len(), 1, "{seen}");
    ok(
        act(
            &app,
            &second,
            &id,
            "answer",
            json!({ "text": "La Regione." }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    refused(
        act(&app, &second, &id, "release", json!({})).await,
        409,
        "question-status-forbids",
    )
    .await;

    // Handed back while four experts try to take it: at most one gets it,
    // and whoever holds it in the end is that one.
    let mut racers = Vec::new();
    for i in 0..4 {
        racers.push(expert(&app, &format!("esperto.corsa{i}")).await);
    }
    for round in 0..3 {
        let q = ask(&app, &nav, "eligibility", &format!("Domanda {round}")).await;
        let id = q["id"].as_str().unwrap().to_owned();
        ok(
            act(&app, &first, &id, "take", json!({})).await,
            StatusCode::OK,
        )
        .await;
        let release = act(&app, &first, &id, "release", json!({}));
        let takes = futures_util::future::join_all(
            racers.iter().map(|e| act(&app, e, &id, "take", json!({}))),
        );
        let (release, takes) = tokio::join!(release, takes);
        ok(release, StatusCode::OK).await;
        let mut winners = Vec::new();
        for (e, r) in racers.iter().zip(takes) {
            match r.status().as_u16() {
                200 => winners.push(e.id.clone()),
                409 => refused(r, 409, "question-taken").await,
                other => panic!("take answered {other}: {}", r.text().await.unwrap()),
            }
        }
        assert!(winners.len() <= 1, "round {round}: {winners:?}");
        let now = ok(
            app.get(&format!("/questions/{id}"), Some(&nav.token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            now["taken_by"].as_str(),
            winners.first().map(String::as_str),
            "round {round}"
        );
    }

    // An expert whose account is closed holds nothing any more: their open
    // questions go back to the desk; the one they answered stays theirs.
    let q = ask(&app, &nav, "eligibility", "Chi la segue adesso?").await;
    let held = q["id"].as_str().unwrap().to_owned();
    ok(
        act(&app, &second, &held, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    ok(
        app.post(
            &format!("/users/{}/deactivate", second.id),
            Some(&admin),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let now = ok(
        app.get(&format!("/questions/{held}"), Some(&first.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(now["taken_by"].is_null(), "{now}");
    let answered = ok(
        app.get(&format!("/questions/{id}"), Some(&first.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answered["taken_by"], second.id.as_str());
    let because = released_lines(&app, &admin, &held).await;
    assert_eq!(because.len(), 1, "{because:?}");
    assert_eq!(
        because[0]["after"]["because"], "user.deactivated",
        "{because:?}"
    );
    ok(
        act(&app, &first, &held, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
}
both_engines!(an_expert_hands_a_question_back_for_another_to_take, in_2019);

async fn bad_questions_are_refused_naming_the_field(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let post = |body: Value| {
        let app = &app;
        let token = nav.token.clone();
        async move { app.post("/questions", Some(&token), &body).await }
    };
    let field_and_code = |p: &Value| {
        (
            p["errors"][0]["field"].as_str().unwrap().to_owned(),
            p["errors"][0]["code"].as_str().unwrap().to_owned(),
        )
    };
    for (body, field, code) in [
        (
            json!({ "topic": "privacy", "text": "" }),
            "text",
            "required",
        ),
        (
            json!({ "topic": "privacy", "text": " \n\t " }),
            "text",
            "required",
        ),
        (
            json!({ "topic": "privacy", "text": "è".repeat(4001) }),
            "text",
            "too-long",
        ),
        (
            json!({ "topic": "pensioni", "text": "Una domanda" }),
            "topic",
            "unknown-topic",
        ),
    ] {
        let p = problem(post(body).await, 422).await;
        assert_eq!(
            field_and_code(&p),
            (field.to_owned(), code.to_owned()),
            "{p}"
        );
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
    let p = problem(post(json!({ "topic": "privacy" })).await, 400).await;
    assert_eq!(kind(&p), "missing-field");
    let p = problem(
        post(json!({ "topic": "privacy", "text": "x", "urgente": true })).await,
        400,
    )
    .await;
    assert_eq!(kind(&p), "unknown-field");
    ask(&app, &nav, "privacy", &"è".repeat(4000)).await;
    problem(
        app.get("/questions?status=chiusa", Some(&nav.token)).await,
        400,
    )
    .await;
    let p = problem(
        app.get("/questions?topic=pensioni", Some(&nav.token)).await,
        400,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "topic");
    let exp = expert(&app, "esperto.campi").await;
    let id = ask(&app, &nav, "privacy", "Testo").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        act(&app, &exp, &id, "take", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let p = problem(
        act(&app, &exp, &id, "answer", json!({ "text": "  " })).await,
        422,
    )
    .await;
    assert_eq!(
        field_and_code(&p),
        ("text".to_owned(), "required".to_owned())
    );
    problem(
        app.get(
            "/reports/question-service?from=2019-12-31&to=2019-12-01",
            Some(&exp.token),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.get(
            "/reports/question-service?from=2019-12-01",
            Some(&exp.token),
        )
        .await,
        400,
    )
    .await;
}
both_engines!(bad_questions_are_refused_naming_the_field, in_2019);

async fn a_question_sent_again_with_its_key_is_asked_once(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let send = || {
        app.client
            .post(format!("{}/api/v1/questions", app.address))
            .bearer_auth(&nav.token)
            .header("Idempotency-Key", "domanda-7f3a")
            .json(&json!({ "topic": "eligibility", "text": "Il requisito di residenza?" }))
            .send()
    };
    let first = ok(send().await.unwrap(), StatusCode::CREATED).await;
    let again = send().await.unwrap();
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    let again = ok(again, StatusCode::CREATED).await;
    assert_eq!(first["id"], again["id"]);
    let own = ok(
        app.get("/questions", Some(&nav.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
}
both_engines!(a_question_sent_again_with_its_key_is_asked_once, in_2019);

// ------------------------------------------------------ the figures

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// A month of activity, written with known instants. November 2019 in
/// Rome is UTC+1: its days run from 31 October 23:00 to 30 November 23:00
/// UTC.
///
/// - Uses: N0 on 1, 2 and 15 November, N1 on 30 November, N2 on 31 October
///   and 1 December only, the expert on 3 and 4 November, HR on 20
///   November: 2 Navigators and 2 other operators.
/// - Questions: one a day at 09:00 UTC (days 1..30), and four at the edges:
///   A at 31 Oct 23:30 UTC (1 Nov in Rome: in), B at 31 Oct 22:30 (out),
///   C at 30 Nov 22:30 (in), D at 30 Nov 23:30 (1 Dec in Rome: out): 32
///   asked.
/// - First answers: day d (d a multiple of 3) after d hours, so day 30's on
///   1 December; B after 48 hours, on 2 November. First answered in the
///   month: days 3..27 and B, 10 questions: 3, 6, ..., 27 and 48 hours,
///   median (15 + 18) / 2 = 16.5 hours.
/// - Closed two days after asked: days 5, 10, 20, 25. Day 28 withdrawn on 2
///   December (so still open at the month's end).
/// - Open at the end: A, C and days 1, 2, 4, 7, 8, 11, 13, 14, 16, 17, 19,
///   22, 23, 26, 28, 29, 30, aged 30 - d whole days (A 29, C 0).
fn write_month(app: &TestApp, navs: &[String; 3], expert: &str, hr: &str) {
    use persistence::questions::{self as q, Change};
    let mut pooled = app.db.get().unwrap();
    let conn: &mut persistence::DbConnection = &mut pooled;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
    for (user, days) in [
        (
            &navs[0],
            vec![day(11, 1), day(11, 2), day(11, 15), day(11, 15)],
        ),
        (&navs[1], vec![day(11, 30)]),
        (&navs[2], vec![day(10, 31), day(12, 1)]),
        (&expert.to_owned(), vec![day(11, 3), day(11, 4)]),
        (&hr.to_owned(), vec![day(11, 20)]),
    ] {
        for d in days {
            q::record_use(conn, user, d).unwrap();
        }
    }
    let settle =
        |conn: &mut persistence::DbConnection, id: &str, status: &str, when: DateTime<Utc>| {
            let before = q::get(conn, id).unwrap().unwrap();
            let answered = status == "answered";
            let change = Change {
                status,
                awaiting_detail: false,
                first_answered_at: answered.then(|| when.naive_utc()),
                settled_at: (!answered).then(|| when.naive_utc()),
                merged_into: None,
                unread_by_author: answered,
                at: when,
            };
            assert!(q::apply(conn, &before, &change).unwrap());
        };
    for d in 1..=30u32 {
        let asked = at(2019, 11, d, 9, 0);
        let id = q::insert(
            conn,
            &navs[(d % 2) as usize],
            "eligibility",
            "Domanda",
            asked,
        )
        .unwrap();
        if d % 3 == 0 {
            settle(
                conn,
                &id,
                "answered",
                asked + chrono::Duration::hours(i64::from(d)),
            );
        } else if d % 5 == 0 {
            settle(conn, &id, "closed", asked + chrono::Duration::days(2));
        } else if d == 28 {
            settle(conn, &id, "withdrawn", at(2019, 12, 2, 10, 0));
        }
    }
    q::insert(conn, &navs[0], "privacy", "A", at(2019, 10, 31, 23, 30)).unwrap();
    let b = q::insert(conn, &navs[0], "privacy", "B", at(2019, 10, 31, 22, 30)).unwrap();
    settle(conn, &b, "answered", at(2019, 11, 2, 22, 30));
    q::insert(conn, &navs[1], "privacy", "C", at(2019, 11, 30, 22, 30)).unwrap();
    q::insert(conn, &navs[1], "privacy", "D", at(2019, 11, 30, 23, 30)).unwrap();
}

async fn the_figures_of_a_month_of_activity(app: TestApp) {
    let navs = navigators(&app, 3).await;
    let exp = expert(&app, "esperto.cifre").await;
    let hr_email = "hr.cifre@anpalservizi.it";
    let admin = app.admin_token().await;
    ok(
        app.create_user(
            &admin,
            &json!({ "email": hr_email, "role": "hr", "password": PASSWORD }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let hr = sign_in(&app, hr_email).await;
    {
        let ids = [navs[0].id.clone(), navs[1].id.clone(), navs[2].id.clone()];
        tokio::task::block_in_place(|| write_month(&app, &ids, &exp.id, &hr.id));
    }
    let query = "/reports/question-service?from=2019-11-01&to=2019-11-30";
    let r = ok(app.get(query, Some(&hr.token)).await, StatusCode::OK).await;
    assert_eq!(r["from"], "2019-11-01");
    assert_eq!(
        r["users"],
        json!({ "total": 4, "navigators": 2, "other_operators": 2 })
    );
    assert_eq!(r["questions_asked"], 32);
    assert_eq!(r["faq_entries_created"], 0);
    assert_eq!(r["questions_answered"], 10);
    assert_eq!(r["median_seconds_to_first_answer"], 16.5 * 3600.0);
    let open = &r["open_questions"];
    assert_eq!(open["as_of"], "2019-11-30T23:00:00Z");
    assert_eq!(open["total"], 19);
    let bands: Vec<(String, i64)> = open["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["band"].as_str().unwrap().to_owned(),
                b["count"].as_i64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("under_1_day", 2),
        ("1_to_2_days", 2),
        ("3_to_6_days", 1),
        ("7_to_13_days", 4),
        ("14_to_29_days", 10),
        ("30_days_and_over", 0),
    ];
    assert_eq!(bands, want.map(|(b, n)| (b.to_owned(), n)));

    // Two days, 15 and 16 November: N0 the only user; days 15's and 16's
    // questions asked; day 15's answered after 15 hours, at 01:00 on the
    // 16th in Rome.
    let days = ok(
        app.get(
            "/reports/question-service?from=2019-11-15&to=2019-11-16",
            Some(&exp.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        days["users"],
        json!({ "total": 1, "navigators": 1, "other_operators": 0 })
    );
    assert_eq!(days["questions_asked"], 2);
    assert_eq!(days["questions_answered"], 1);
    assert_eq!(days["median_seconds_to_first_answer"], 15.0 * 3600.0);

    // The same as CSV; Navigators do not read the figures.
    let csv = app
        .client
        .get(format!("{}/api/v1{query}", app.address))
        .bearer_auth(&admin)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("users_navigators"), "2");
    assert_eq!(cell("users_other_operators"), "2");
    assert_eq!(cell("questions_asked"), "32");
    assert_eq!(cell("median_seconds_to_first_answer"), "59400");
    assert_eq!(cell("open_14_to_29_days"), "10");
    problem(app.get(query, Some(&navs[0].token)).await, 403).await;
}
both_engines!(the_figures_of_a_month_of_activity, in_2019);

/// Opening the service, questions or FAQ, is noted once a day per person.
async fn opening_the_service_counts_as_a_use(app: TestApp) {
    let nav = navigators(&app, 1).await.remove(0);
    let exp = expert(&app, "esperto.uso").await;
    for _ in 0..3 {
        ok(
            app.get("/questions", Some(&nav.token)).await,
            StatusCode::OK,
        )
        .await;
    }
    ok(
        app.get("/questions?taken=false", Some(&exp.token)).await,
        StatusCode::OK,
    )
    .await;
    // The service's day is 20 July 2019.
    let q = "/reports/question-service?from=2019-07-20&to=2019-07-20";
    let r = ok(app.get(q, Some(&exp.token)).await, StatusCode::OK).await;
    assert_eq!(
        r["users"],
        json!({ "total": 2, "navigators": 1, "other_operators": 1 })
    );
    let q = "/reports/question-service?from=2019-07-21&to=2019-07-31";
    let r = ok(app.get(q, Some(&exp.token)).await, StatusCode::OK).await;
    assert_eq!(r["users"]["total"], 0);
}
both_engines!(opening_the_service_counts_as_a_use, in_2019);
