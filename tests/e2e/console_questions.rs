//! Question RdC in pages: the experts' queue in the console (oldest first,
//! filtered by topic and by whether anybody took a question, as CSV too),
//! a question taken and answered there and promoted to a FAQ entry that is
//! then edited and retired; who may open the section; and the Navigator's
//! "Domande" on the tablet: asking, the FAQ matching what is typed without
//! script, an answer seen as news once and then read.

use navigator_e2e::*;
use reqwest::header::CONTENT_DISPOSITION;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{element, html, location, staff, Browser};

/// A Navigator of Rome, activated, signed in to the tablet app; their email.
async fn navigator_on_tablet(app: &TestApp) -> (Browser, String) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let email = p.email(0);
    app.activate_and_login(&email).await;
    let mut tablet = Browser::new(app);
    tablet.get("/app/accedi").await;
    let r = tablet
        .post("/app/accedi", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (tablet, email)
}

/// The Navigators are hired in July 2019: the service runs on a day of
/// theirs.
fn in_2019(s: &mut api::config::Settings) {
    s.today = chrono::NaiveDate::from_ymd_opt(2019, 7, 20);
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Asks from the tablet's form; the new question's id.
async fn ask(tablet: &mut Browser, topic: &str, text: &str) -> String {
    tablet.get("/app/domande").await;
    let r = tablet
        .post(
            "/app/domande",
            &[("chiave", &key()), ("argomento", topic), ("testo", text)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let to = location(&r);
    let id = to
        .strip_prefix("/app/domande/")
        .and_then(|s| s.strip_suffix("?inviata=1"))
        .unwrap_or_else(|| panic!("{to}"));
    id.to_owned()
}

/// The ids of the rows of a console table, in their order.
fn row_ids(page: &str) -> Vec<String> {
    page.split("<tr data-id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

/// Posts a move of the question page with a key of its own.
async fn move_it(b: &mut Browser, id: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let k = key();
    let mut all = vec![("chiave", k.as_str())];
    all.extend_from_slice(fields);
    let r = b
        .post(&format!("/console/domande/{id}/{action}"), &all)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    location(&r)
}

/// The queue oldest first, its filters and CSV; a question taken and
/// answered from its page, then promoted to a FAQ entry that is edited
/// (the first version stays) and retired; the Navigator sees the answer.
async fn experts_work_the_queue_in_the_console(app: TestApp) {
    let (mut tablet, _) = navigator_on_tablet(&app).await;
    let first = ask(
        &mut tablet,
        "eligibility",
        "Un nucleo con ISEE scaduto può presentare la domanda di RdC?",
    )
    .await;
    let second = ask(
        &mut tablet,
        "patto_per_il_lavoro",
        "Entro quanti giorni va firmato il Patto per il lavoro dopo la convocazione?",
    )
    .await;
    let third = ask(
        &mut tablet,
        "eligibility",
        "Chi ha la residenza da meno di dieci anni ha diritto al reddito?",
    )
    .await;

    let mut expert = Browser::signed_in(&app, &staff(&app, "expert", &[]).await).await;
    let home = html(expert.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/domande\""), "{home}");
    assert!(home.contains("href=\"/console/faq\""), "{home}");
    // Only the experts' sections.
    assert!(!home.contains("href=\"/console/navigator\""), "{home}");
    // Like other staff, an expert may enrol a second factor.
    let enrol = html(
        expert.get("/console/verifica-due-passaggi").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        enrol.contains("action=\"/console/verifica-due-passaggi/avvia\""),
        "{enrol}"
    );

    // Oldest first.
    let queue = html(expert.get("/console/domande").await, StatusCode::OK).await;
    assert_eq!(
        row_ids(&queue),
        vec![first.clone(), second.clone(), third.clone()]
    );
    let by_topic = html(
        expert.get("/console/domande?argomento=eligibility").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row_ids(&by_topic), vec![first.clone(), third.clone()]);

    // Taken, then answered, from the question's page.
    let page = html(
        expert.get(&format!("/console/domande/{second}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("Entro quanti giorni"), "{page}");
    assert!(page.contains("id=\"prendi\""), "{page}");
    assert!(!page.contains("id=\"rispondi\""), "take it first: {page}");
    let to = move_it(&mut expert, &second, "prendi", &[]).await;
    assert_eq!(to, format!("/console/domande/{second}?fatto=prendi"));
    let untaken = html(
        expert.get("/console/domande?presa=nessuno").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row_ids(&untaken), vec![first.clone(), third.clone()]);
    let mine = html(
        expert.get("/console/domande?presa=mie").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row_ids(&mine), vec![second.clone()]);
    // Taken by mistake and handed back: on the desk again, for anyone.
    move_it(&mut expert, &third, "prendi", &[]).await;
    let page = html(
        expert.get(&format!("/console/domande/{third}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("id=\"lascia\""), "{page}");
    let to = move_it(&mut expert, &third, "lascia", &[]).await;
    assert_eq!(to, format!("/console/domande/{third}?fatto=lascia"));
    let page = html(expert.get(&to).await, StatusCode::OK).await;
    assert!(
        page.contains("Domanda rimessa tra quelle da prendere."),
        "{page}"
    );
    assert!(page.contains("id=\"prendi\""), "{page}");
    assert!(!page.contains("id=\"lascia\""), "{page}");
    let untaken = html(
        expert.get("/console/domande?presa=nessuno").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row_ids(&untaken), vec![first.clone(), third.clone()]);
    // An empty answer is refused next to its field.
    let k = key();
    let r = expert
        .post(
            &format!("/console/domande/{second}/rispondi"),
            &[("chiave", &k), ("testo", "  ")],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(refused.contains("id=\"risposta-errore\""), "{refused}");
    let answer =
        "Il Patto per il lavoro si firma entro 30 giorni dal riconoscimento del beneficio.";
    move_it(&mut expert, &second, "rispondi", &[("testo", answer)]).await;
    let page = html(
        expert.get(&format!("/console/domande/{second}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(element(&page, "stato"), "Con risposta");
    assert!(page.contains(answer), "{page}");
    assert!(page.contains("id=\"promuovi\""), "{page}");

    // The CSV holds the queue as filtered, whole texts.
    let r = expert.get("/console/domande.csv?presa=nessuno").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("domande.csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("question_id,asked_at,topic"), "{csv}");
    assert!(
        lines[1].starts_with(&first) && lines[2].starts_with(&third),
        "{csv}"
    );

    // Promoted to a FAQ entry: the form starts from the question's answer.
    let form = html(
        expert
            .get(&format!("/console/faq/nuova?domande={second}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(form.contains(answer), "{form}");
    // A question without an answer cannot be one of its sources.
    let r = expert
        .post(
            "/console/faq/nuova",
            &[
                ("chiave", &key()),
                ("titolo", "Firma del Patto per il lavoro"),
                ("risposta", answer),
                ("argomento", "patto_per_il_lavoro"),
                ("domande", &format!("{second}\n{first}")),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(refused.contains("id=\"domande-errore\""), "{refused}");
    let k = key();
    let fields = [
        ("chiave", k.as_str()),
        ("titolo", "Firma del Patto per il lavoro"),
        ("risposta", answer),
        ("argomento", "patto_per_il_lavoro"),
        ("domande", second.as_str()),
    ];
    let r = expert.post("/console/faq/nuova", &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let entry = location(&r);
    // The same form sent again makes no second entry.
    let again = expert.post("/console/faq/nuova", &fields).await;
    assert_eq!(location(&again), entry);
    let id = entry
        .strip_prefix("/console/faq/")
        .and_then(|s| s.strip_suffix("?scritta=1"))
        .unwrap()
        .to_owned();
    let list = html(expert.get("/console/faq").await, StatusCode::OK).await;
    assert_eq!(row_ids(&list), vec![id.clone()]);
    let found = html(
        expert.get("/console/faq?q=patti+firmati").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row_ids(&found), vec![id.clone()]);

    // Edited into version 2; version 1 stays readable.
    let r = expert
        .post(
            &format!("/console/faq/{id}"),
            &[
                ("chiave", &key()),
                ("versione", "1"),
                ("titolo", "Quando si firma il Patto per il lavoro"),
                ("risposta", answer),
                ("argomento", "patto_per_il_lavoro"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/console/faq/{id}?modificata=1"));
    let page = html(
        expert.get(&format!("/console/faq/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(element(&page, "versione"), "2");
    assert!(page.contains("Firma del Patto per il lavoro"), "{page}");
    // An edit from a version no longer current is told so.
    let r = expert
        .post(
            &format!("/console/faq/{id}"),
            &[
                ("chiave", &key()),
                ("versione", "1"),
                ("titolo", "Un altro titolo"),
                ("risposta", answer),
                ("argomento", "patto_per_il_lavoro"),
            ],
        )
        .await;
    let stale = html(r, StatusCode::CONFLICT).await;
    assert!(stale.contains("id=\"voce-errore\""), "{stale}");

    // The Navigator sees the answer as news, once.
    let mine = html(tablet.get("/app/domande").await, StatusCode::OK).await;
    assert_eq!(mine.matches("app-da-leggere").count(), 1, "{mine}");
    let read = html(
        tablet.get(&format!("/app/domande/{second}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(read.contains("id=\"novita\""), "{read}");
    assert!(read.contains(answer), "{read}");
    let again = html(
        tablet.get(&format!("/app/domande/{second}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(!again.contains("id=\"novita\""), "{again}");
    let mine = html(tablet.get("/app/domande").await, StatusCode::OK).await;
    assert!(!mine.contains("app-da-leggere"), "{mine}");

    // Retired: the list no longer shows it.
    let r = expert
        .post(&format!("/console/faq/{id}/ritira"), &[("chiave", &key())])
        .await;
    assert_eq!(location(&r), format!("/console/faq/{id}?ritirata=1"));
    let list = html(expert.get("/console/faq").await, StatusCode::OK).await;
    assert!(row_ids(&list).is_empty(), "{list}");
}
both_engines!(experts_work_the_queue_in_the_console, in_2019);

/// The section is the experts', HR's and administrators': a coordinator or
/// a trainer finds it not found, a Navigator is sent to the app; HR reads
/// a question but is offered no move on it.
async fn who_opens_the_experts_section(app: TestApp) {
    let (mut tablet, _) = navigator_on_tablet(&app).await;
    let id = ask(
        &mut tablet,
        "privacy",
        "Posso fotografare i documenti dei beneficiari?",
    )
    .await;
    let text = html(tablet.get("/console/domande").await, StatusCode::FORBIDDEN).await;
    assert!(text.contains("href=\"/app/\""), "{text}");
    for (role, regions) in [("coordinator", vec!["12"]), ("trainer", vec![])] {
        let mut b = Browser::signed_in(&app, &staff(&app, role, &regions).await).await;
        for path in ["/console/domande", "/console/faq", "/console/domande.csv"] {
            let r = b.get(path).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{role} {path}");
        }
        let home = html(b.get("/console/").await, StatusCode::OK).await;
        assert!(!home.contains("/console/domande"), "{role}: {home}");
    }
    let mut hr = Browser::signed_in(&app, &staff(&app, "hr", &[]).await).await;
    let home = html(hr.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/domande\""), "{home}");
    let queue = html(hr.get("/console/domande").await, StatusCode::OK).await;
    assert_eq!(row_ids(&queue), vec![id.clone()]);
    let page = html(
        hr.get(&format!("/console/domande/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(!page.contains("id=\"prendi\""), "{page}");
    // Sent all the same, the move is refused in words.
    let r = hr
        .post(
            &format!("/console/domande/{id}/prendi"),
            &[("chiave", &key())],
        )
        .await;
    let refused = html(r, StatusCode::FORBIDDEN).await;
    assert!(refused.contains("id=\"mossa-errore\""), "{refused}");
    // A form without this browser's token moves nothing.
    let mut expert = Browser::signed_in(&app, &staff(&app, "expert", &[]).await).await;
    let r = expert
        .send(
            &format!("/console/domande/{id}/prendi"),
            &[("csrf", "forged"), ("chiave", &key())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = html(
        expert.get(&format!("/console/domande/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(element(&page, "presa-da"), "Nessuno");
}
both_engines!(who_opens_the_experts_section, in_2019);

/// On the tablet: a question needs its text and a known topic; the FAQ
/// entries matching a typed question are shown without script; the FAQ
/// page searches, and its whole copy is there for the device.
async fn the_tablet_asks_and_searches_the_faq(app: TestApp) {
    let (mut tablet, _) = navigator_on_tablet(&app).await;
    tablet.get("/app/domande").await;
    let r = tablet
        .post(
            "/app/domande",
            &[
                ("chiave", &key()),
                ("argomento", "eligibility"),
                ("testo", " "),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(refused.contains("id=\"testo-error\""), "{refused}");
    let r = tablet
        .post(
            "/app/domande",
            &[
                ("chiave", &key()),
                ("argomento", "meteo"),
                ("testo", "Piove?"),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(refused.contains("id=\"argomento-error\""), "{refused}");

    // A FAQ entry, from an answered question.
    app.questions_at(&["0190aaaa-0000-7000-8000-0000000000a1"], "answered");
    let expert = app.admin_token().await;
    let r = app
        .post(
            "/faqs",
            Some(&expert),
            &json!({
                "title": "Disponibilità al lavoro e DID",
                "answer": "La dichiarazione di immediata disponibilità si rende al CPI o sul portale.",
                "topic": "conditionality",
                "questions": ["0190aaaa-0000-7000-8000-0000000000a1"],
            }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );

    tablet.get("/app/domande").await;
    let r = tablet
        .post(
            "/app/domande",
            &[
                ("chiave", &key()),
                ("argomento", "conditionality"),
                ("testo", "Quando sono disponibile?"),
                ("cerca", "1"),
            ],
        )
        .await;
    let typed = html(r, StatusCode::OK).await;
    // Searching asked nothing.
    let after = html(tablet.get("/app/domande").await, StatusCode::OK).await;
    assert!(!after.contains("data-stato="), "{after}");
    let box_at = typed.find("id=\"faq-suggerite\"").unwrap();
    assert!(
        typed[box_at..].contains("Disponibilità al lavoro e DID"),
        "{typed}"
    );
    // The typed text stays in the form.
    assert!(
        typed.contains("Quando sono disponibile?</textarea>"),
        "{typed}"
    );

    let faq = html(
        tablet.get("/app/faq?q=disponibilit%C3%A0").await,
        StatusCode::OK,
    )
    .await;
    assert!(faq.contains("Disponibilità al lavoro e DID"), "{faq}");
    let none = html(tablet.get("/app/faq?q=pensione").await, StatusCode::OK).await;
    assert!(none.contains("id=\"nessuna-faq\""), "{none}");
    let r = tablet.get("/app/faq/copia").await;
    assert_eq!(r.status(), StatusCode::OK);
    let copy: serde_json::Value = r.json().await.unwrap();
    assert_eq!(copy["items"].as_array().unwrap().len(), 1, "{copy}");
    assert_eq!(copy["items"][0]["title"], "Disponibilità al lavoro e DID");
}
both_engines!(the_tablet_asks_and_searches_the_faq, in_2019);
