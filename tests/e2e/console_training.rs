//! The training section of the console, as a browser meets it over HTTP:
//! classroom sessions created once per form and seen by the JSON API, a
//! register file recorded whole or not at all with every bad line named,
//! one person recorded by hand, a register downloaded as CSV, the
//! completions file and mandatory training (HR only), and nothing of it
//! for a coordinator.

use domain::selection::CodiceFiscale;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::console::{csv_download, download_link};
use crate::console::{element, html, location, staff, Browser};

/// Contracts of the fixture run from 16 July 2019; sessions and
/// completions are in September.
fn in_autumn_2019(s: &mut api::config::Settings) {
    s.today = Some(chrono::NaiveDate::from_ymd_opt(2019, 10, 15).unwrap());
}

/// A codice fiscale nobody in the fixture has.
fn stranger() -> String {
    CodiceFiscale::complete("ZZZZZZ80A01H501")
        .unwrap()
        .as_str()
        .to_owned()
}

/// A staff member of `role` signed in to the console.
async fn signed_in(app: &TestApp, role: &str) -> Browser {
    let email = staff(app, role, &[]).await;
    Browser::signed_in(app, &email).await
}

trait Twin {
    /// Another browser with this one's cookies: the same person's second
    /// press of a button.
    fn twin(&self, app: &TestApp) -> Browser;
}

impl Twin for Browser {
    fn twin(&self, app: &TestApp) -> Browser {
        let mut b = Browser::new(app);
        b.cookies = self.cookies.clone();
        b
    }
}

/// The hidden key of the session form on `page`.
fn key_in(page: &str) -> String {
    let at = page
        .find("name=\"chiave\" value=\"")
        .unwrap_or_else(|| panic!("no session form in {page}"))
        + "name=\"chiave\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The table with `id` on `page`, whole.
fn table(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let end = page[at..].find("</table>").unwrap();
    page[at..at + end].to_owned()
}

/// The body rows of the table with `id`.
fn rows_of(page: &str, id: &str) -> usize {
    table(page, id).matches("<tr").count() - 1
}

/// A form with a file, posted with the browser's cookies but without the
/// page's token (as another site would post it).
async fn without_token(b: &Browser, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("registro.csv")
        .mime_str("text/csv")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    b.client
        .post(format!("{}{path}", b.base))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::COOKIE, b.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn audit_of(app: &TestApp, entity: &str) -> Vec<Value> {
    let admin = app.admin_token().await;
    app.audit_of(&admin, entity).await
}

async fn sessions_are_made_once_and_registers_recorded_whole(app: TestApp) {
    let t = app.trainees().await;
    let p = &t.programme;
    let mut b = signed_in(&app, "hr").await;

    // HR finds the section in the navigation.
    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/formazione\""), "{home}");
    let page = html(b.get("/console/formazione").await, StatusCode::OK).await;
    assert!(page.contains("id=\"nessuna\""), "{page}");
    assert!(page.contains("id=\"link-fad\""), "{page}");

    // Refusals next to their fields, nothing created.
    let key = key_in(&page);
    let r = b
        .post(
            "/console/formazione/sessioni",
            &[
                ("chiave", &key),
                ("day", "2019-09-10"),
                ("hours", "13"),
                ("place", " "),
                ("trainer", "Dott.ssa Bianchi"),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&refused, "hours-errore").is_empty(), "{refused}");
    assert!(
        element(&refused, "place-errore").contains("obbligatorio"),
        "{refused}"
    );
    assert!(refused.contains("aria-describedby=\"place-errore\""));
    assert!(refused.contains("value=\"Dott.ssa Bianchi\""), "{refused}");
    assert!(audit_of(&app, "classroom_session").await.is_empty());

    // Created, once however often the form is sent.
    let form = [
        ("chiave", key.as_str()),
        ("day", "2019-09-10"),
        ("hours", "4"),
        ("place", "Roma, via Fornovo 8"),
        ("trainer", "Dott.ssa Bianchi"),
    ];
    let r = b.post("/console/formazione/sessioni", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let made = location(&r);
    assert!(made.starts_with("/console/formazione/sessioni/"), "{made}");
    assert!(made.ends_with("?creata=1"), "{made}");
    let id = made["/console/formazione/sessioni/".len()..made.len() - "?creata=1".len()].to_owned();
    let again = b.post("/console/formazione/sessioni", &form).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), made);
    let created = audit_of(&app, "classroom_session").await;
    assert_eq!(created.len(), 1, "{created:?}");

    // Pressed twice at once: still one session.
    let page = html(b.get("/console/formazione").await, StatusCode::OK).await;
    let twice = key_in(&page);
    let twice_form = [
        ("chiave", twice.as_str()),
        ("day", "2019-09-12"),
        ("hours", "1"),
        ("place", "Roma, aula 2"),
        ("trainer", "Dott.ssa Bianchi"),
    ];
    let (mut one, mut other) = (b.twin(&app), b.twin(&app));
    let (r1, r2) = tokio::join!(
        one.post("/console/formazione/sessioni", &twice_form),
        other.post("/console/formazione/sessioni", &twice_form)
    );
    assert_eq!(r1.status(), StatusCode::SEE_OTHER);
    assert_eq!(r2.status(), StatusCode::SEE_OTHER);
    let created = audit_of(&app, "classroom_session").await;
    assert_eq!(created.len(), 2, "{created:?}");
    assert_eq!(created[0]["after"]["place"], "Roma, aula 2");
    // Of the two, only the first made here goes on below.
    let created: Vec<Value> = created.into_iter().skip(1).collect();
    assert_eq!(created[0]["entity_id"], id.as_str());
    assert_eq!(created[0]["after"]["place"], "Roma, via Fornovo 8");
    assert_eq!(created[0]["after"]["minutes"], 240);

    let page = html(b.get(&made).await, StatusCode::OK).await;
    assert!(
        element(&page, "esito").contains("Sessione creata"),
        "{page}"
    );
    assert_eq!(element(&page, "luogo"), "Roma, via Fornovo 8");
    assert!(page.contains("id=\"nessun-presente\""), "{page}");

    // The JSON API knows the session: attendance is recorded on it.
    let one = json!([{ "navigator_id": p.navigator(0), "hours": 2 }]);
    let done = json_of(
        app.record_attendance(&p.hr, &id, &one).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done, json!({ "recorded": 1, "corrected": 0 }));

    // Listed, and downloaded.
    let list = html(b.get("/console/formazione").await, StatusCode::OK).await;
    assert_eq!(rows_of(&list, "sessioni"), 2);
    let rows = table(&list, "sessioni");
    assert!(
        rows.contains(&format!("/console/formazione/sessioni/{id}")),
        "{rows}"
    );
    assert!(rows.contains("Roma, via Fornovo 8"), "{rows}");
    let r = b.get("/console/formazione.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "session_id,day,hours,place,trainer,attended");
    assert_eq!(lines.len(), 3, "{csv}");
    // Newest first.
    assert!(lines[1].contains("Roma, aula 2"), "{csv}");
    assert_eq!(
        lines[2],
        format!("{id},2019-09-10,4,\"Roma, via Fornovo 8\",Dott.ssa Bianchi,1")
    );

    // A register with bad rows: each named by line and reason, nothing
    // written.
    let register = format!(
        "codice_fiscale,hours\n{},3\n{},2\n{},tre\n",
        p.codice_fiscale(1),
        stranger(),
        p.codice_fiscale(2)
    );
    let r = b
        .post_file(
            &format!("/console/formazione/sessioni/{id}/registro"),
            &[],
            "file",
            "registro.csv",
            register.into_bytes(),
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&refused, "file-rifiutato").contains("nessuna riga"),
        "{refused}"
    );
    let bad = table(&refused, "righe-rifiutate");
    assert_eq!(rows_of(&refused, "righe-rifiutate"), 2, "{bad}");
    assert!(
        bad.contains("<th scope=\"row\">3</th><td>codice_fiscale</td>"),
        "{bad}"
    );
    assert!(
        bad.contains("<th scope=\"row\">4</th><td>hours</td>"),
        "{bad}"
    );
    assert!(bad.contains("tre"), "{bad}");
    // A codice fiscale is personal data: the page does not repeat it.
    assert!(!refused.contains(&stranger()), "{refused}");
    assert_eq!(audit_of(&app, "classroom_attendance").await.len(), 1);
    // A file of another shape is refused as a whole; no file, in words.
    let r = b
        .post_file(
            &format!("/console/formazione/sessioni/{id}/registro"),
            &[],
            "file",
            "registro.csv",
            b"cf,ore\nX,1\n".to_vec(),
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        table(&refused, "righe-rifiutate").contains("header"),
        "{refused}"
    );
    let r = b
        .post_file(
            &format!("/console/formazione/sessioni/{id}/registro"),
            &[],
            "file",
            "",
            Vec::new(),
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&refused, "file-motivo").contains("file"),
        "{refused}"
    );

    // The register as the API takes it: recorded whole.
    let register = format!(
        "codice_fiscale,hours\n{},\"3,5\"\n{},4\n",
        p.codice_fiscale(1),
        p.codice_fiscale(2).to_lowercase()
    );
    let r = b
        .post_file(
            &format!("/console/formazione/sessioni/{id}/registro"),
            &[],
            "file",
            "registro.csv",
            register.into_bytes(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = location(&r);
    assert!(after.ends_with("?registrate=2&corrette=0"), "{after}");
    let page = html(b.get(&after).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("2"), "{page}");
    assert_eq!(rows_of(&page, "presenti"), 3, "{page}");
    assert_eq!(audit_of(&app, "classroom_attendance").await.len(), 3);

    // One person by hand: a correction; a refusal next to its field.
    let one = format!("/console/formazione/sessioni/{id}/presenza");
    let cf0 = p.codice_fiscale(0);
    let r = b
        .post(&one, &[("codice_fiscale", &cf0), ("hours", "5")])
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&refused, "hours-errore").is_empty(), "{refused}");
    let r = b
        .post(&one, &[("codice_fiscale", &cf0), ("hours", "3,75")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("?registrate=0&corrette=1"));
    let log = audit_of(&app, "classroom_attendance").await;
    assert_eq!(log.len(), 4);
    assert_eq!(log[0]["action"], "classroom_attendance.corrected");
    assert_eq!(log[0]["after"]["minutes"], 225);
    let r = b
        .post(&one, &[("codice_fiscale", "non un codice"), ("hours", "1")])
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&refused, "codice_fiscale-errore").is_empty());

    // Forms without the browser's token are refused, the file's too.
    let r = b
        .send(
            "/console/formazione/sessioni",
            &[
                ("chiave", "altra-chiave"),
                ("day", "2019-09-11"),
                ("hours", "2"),
                ("place", "Roma"),
                ("trainer", "Bianchi"),
            ],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    let r = without_token(
        &b,
        &format!("/console/formazione/sessioni/{id}/registro"),
        format!("codice_fiscale,hours\n{cf0},1\n").into_bytes(),
    )
    .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert_eq!(audit_of(&app, "classroom_session").await.len(), 2);
    assert_eq!(audit_of(&app, "classroom_attendance").await.len(), 4);

    // A session nobody has: not found.
    let nobody = uuid::Uuid::new_v4();
    html(
        b.get(&format!("/console/formazione/sessioni/{nobody}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
both_engines!(
    sessions_are_made_once_and_registers_recorded_whole,
    in_autumn_2019
);

async fn completions_and_mandatory_training_are_recorded_by_hr(app: TestApp) {
    let t = app.trainees().await;
    let p = &t.programme;
    let mut b = signed_in(&app, "hr").await;
    let (cf0, cf1) = (p.codice_fiscale(0), p.codice_fiscale(1));

    // A completions file with bad lines: each named, nothing written.
    let page = html(b.get("/console/formazione/fad").await, StatusCode::OK).await;
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let header = "codice_fiscale,module_code,completed_on,test_passed\n";
    let file = format!(
        "{header}{cf0},FAD-01,2019-09-10,true\n{cf1},FAD-77,2019-09-10,true\n{cf1},FAD-02,10/09/2019,true\n"
    );
    let r = b
        .post_file(
            "/console/formazione/fad",
            &[],
            "file",
            "fad.csv",
            file.into_bytes(),
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let bad = table(&refused, "righe-rifiutate");
    assert_eq!(rows_of(&refused, "righe-rifiutate"), 2, "{bad}");
    assert!(
        bad.contains("<th scope=\"row\">3</th><td>module_code</td>"),
        "{bad}"
    );
    assert!(
        bad.contains("<th scope=\"row\">4</th><td>completed_on</td>"),
        "{bad}"
    );
    assert!(audit_of(&app, "distance_completion").await.is_empty());

    let file = format!("{header}{cf0},FAD-01,2019-09-10,true\n{cf1},fad-02,2019-09-11,false\n");
    let r = b
        .post_file(
            "/console/formazione/fad",
            &[],
            "file",
            "fad.csv",
            file.into_bytes(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = location(&r);
    assert_eq!(
        after,
        "/console/formazione/fad?registrati=2&superati=1&invariati=0"
    );
    let page = html(b.get(&after).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("registrati: 2"), "{page}");
    let log = audit_of(&app, "distance_completion").await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["after"]["module_code"], "FAD-02");

    // Mandatory training by codice fiscale.
    html(
        b.get("/console/formazione/obbligatoria").await,
        StatusCode::OK,
    )
    .await;
    let form = [
        ("codice_fiscale", cf0.as_str()),
        ("item", "health_and_safety"),
        ("completed_on", "2019-09-05"),
    ];
    let r = b.post("/console/formazione/obbligatoria", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert!(
        element(&page, "esito").contains("Salute e sicurezza"),
        "{page}"
    );
    assert_eq!(rows_of(&page, "obbligatoria-registrata"), 1, "{page}");
    let log = audit_of(&app, "mandatory_training").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["after"]["navigator_id"], p.navigator(0).as_str());
    assert_eq!(log[0]["after"]["completed_on"], "2019-09-05");
    // The JSON API sees it recorded: the same again is a conflict.
    let body = json!({ "item": "health_and_safety", "completed_on": "2019-09-05" });
    let again = problem(
        app.mandatory_training(&p.hr, &p.navigator(0), &body).await,
        409,
    )
    .await;
    assert_eq!(again["type"], "mandatory-training-recorded");
    // Refusals next to their fields.
    let r = b.post("/console/formazione/obbligatoria", &form).await;
    let refused = html(r, StatusCode::CONFLICT).await;
    assert!(!element(&refused, "completed_on-errore").is_empty());
    let r = b
        .post(
            "/console/formazione/obbligatoria",
            &[
                ("codice_fiscale", &stranger()),
                ("item", "data_protection"),
                ("completed_on", "2019-09-05"),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        element(&refused, "codice_fiscale-errore").contains("Nessun Navigator"),
        "{refused}"
    );
    let r = b
        .post(
            "/console/formazione/obbligatoria",
            &[
                ("codice_fiscale", &cf0),
                ("item", "final_assessment"),
                ("completed_on", "2019-09-05"),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&refused, "item-errore").is_empty(), "{refused}");
    let r = b
        .post(
            "/console/formazione/obbligatoria",
            &[
                ("codice_fiscale", &cf0),
                ("item", "data_protection"),
                ("completed_on", "2019-10-16"),
            ],
        )
        .await;
    let refused = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&refused, "completed_on-errore").is_empty());
    assert_eq!(audit_of(&app, "mandatory_training").await.len(), 1);
    // A refresher has a date of its own; the Navigator's records show both.
    let r = b
        .post(
            "/console/formazione/obbligatoria",
            &[
                ("codice_fiscale", &cf0),
                ("item", "health_and_safety"),
                ("completed_on", "2019-10-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    let kept = table(&page, "obbligatoria-registrata");
    assert_eq!(rows_of(&page, "obbligatoria-registrata"), 2, "{kept}");
    assert!(kept.contains("01/10/2019"), "{kept}");
    assert_eq!(audit_of(&app, "mandatory_training").await.len(), 2);
    // Without the token: refused.
    let r = b
        .send(
            "/console/formazione/obbligatoria",
            &[
                ("codice_fiscale", &cf1),
                ("item", "data_protection"),
                ("completed_on", "2019-09-05"),
            ],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert_eq!(audit_of(&app, "mandatory_training").await.len(), 2);
}
both_engines!(
    completions_and_mandatory_training_are_recorded_by_hr,
    in_autumn_2019
);

/// A trainer has the sessions, not HR's parts; a coordinator and an
/// administrator find no training section at all.
async fn the_roles_of_the_use_cases_decide_who_finds_training(app: TestApp) {
    let mut trainer = signed_in(&app, "trainer").await;
    let home = html(trainer.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/formazione\""), "{home}");
    let page = html(trainer.get("/console/formazione").await, StatusCode::OK).await;
    assert!(!page.contains("id=\"link-fad\""), "{page}");
    let english = html(
        trainer.get("/console/formazione?lang=en").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        english.contains("Training: classroom sessions"),
        "{english}"
    );
    assert!(english.contains("Create the session"), "{english}");
    let key = key_in(&page);
    let r = trainer
        .post(
            "/console/formazione/sessioni",
            &[
                ("chiave", &key),
                ("day", "2019-09-10"),
                ("hours", "2"),
                ("place", "Napoli"),
                ("trainer", "Prof. Esposito"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in [
        "/console/formazione/fad",
        "/console/formazione/obbligatoria",
    ] {
        html(trainer.get(path).await, StatusCode::NOT_FOUND).await;
    }
    let r = trainer
        .post_file(
            "/console/formazione/fad",
            &[],
            "file",
            "fad.csv",
            b"codice_fiscale,module_code,completed_on,test_passed\n".to_vec(),
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;

    let mut coordinator =
        Browser::signed_in(&app, &staff(&app, "coordinator", &["12"]).await).await;
    let mut admin = signed_in(&app, "admin").await;
    for b in [&mut coordinator, &mut admin] {
        let home = html(b.get("/console/").await, StatusCode::OK).await;
        assert!(!home.contains("href=\"/console/formazione\""), "{home}");
        for path in [
            "/console/formazione",
            "/console/formazione.csv",
            "/console/formazione/fad",
            "/console/formazione/obbligatoria",
        ] {
            html(b.get(path).await, StatusCode::NOT_FOUND).await;
        }
        let page_key = uuid::Uuid::new_v4().to_string();
        let r = b
            .post(
                "/console/formazione/sessioni",
                &[
                    ("chiave", &page_key),
                    ("day", "2019-09-10"),
                    ("hours", "2"),
                    ("place", "Roma"),
                    ("trainer", "Bianchi"),
                ],
            )
            .await;
        html(r, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(audit_of(&app, "classroom_session").await.len(), 1);
}
both_engines!(the_roles_of_the_use_cases_decide_who_finds_training);

/// A session's register downloads as CSV from its page: the people of the
/// page's table, in its order, with their hours as the register file takes
/// them; for whoever has the page (HR, trainers), not found for the rest.
async fn a_register_downloads_as_csv(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM", "RM"]).await;
    let id = app.session_on(&p.hr, "2019-09-10", 4.0).await;
    let other = app.session_on(&p.hr, "2019-09-12", 2.0).await;
    let rows = json!([
        { "navigator_id": p.navigator(2), "hours": 4 },
        { "navigator_id": p.navigator(0), "hours": 2.5 },
    ]);
    json_of(
        app.record_attendance(&p.hr, &id, &rows).await,
        StatusCode::OK,
    )
    .await;
    let elsewhere = json!([{ "navigator_id": p.navigator(1), "hours": 2 }]);
    json_of(
        app.record_attendance(&p.hr, &other, &elsewhere).await,
        StatusCode::OK,
    )
    .await;

    let session = format!("/console/formazione/sessioni/{id}");
    for role in ["hr", "trainer"] {
        let mut b = signed_in(&app, role).await;
        let page = html(b.get(&session).await, StatusCode::OK).await;
        assert_eq!(download_link(&page), format!("{session}.csv"));
        let (header, lines) =
            csv_download(&mut b, &format!("{session}.csv"), "registro-2019-09-10.csv").await;
        assert_eq!(header, ["navigator_id", "navigator", "ore"]);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(rows_of(&page, "presenti"), 2);
        for (line, (i, hours)) in lines.iter().zip([(2, "4"), (0, "2.5")]) {
            let who = navigator_e2e::contracts::applicant_of(&p.applicants, &p.contracts[i]);
            let name = format!("{} {}", who.last_name, who.first_name);
            assert_eq!(*line, [p.navigator(i), name.clone(), hours.to_owned()]);
            assert!(table(&page, "presenti").contains(&name), "{page}");
        }
        // In the page's order.
        let shown = table(&page, "presenti");
        let at = |l: &Vec<String>| shown.find(&l[1]).unwrap();
        assert!(at(&lines[0]) < at(&lines[1]), "{shown}");
    }

    // A session nobody made is not found, its file too.
    let mut hr = signed_in(&app, "hr").await;
    let nobody = "/console/formazione/sessioni/01234567-89ab-7def-8123-456789abcdef";
    html(hr.get(nobody).await, StatusCode::NOT_FOUND).await;
    html(
        hr.get(&format!("{nobody}.csv")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // A coordinator and an administrator have neither the page nor its file.
    let mut coordinator =
        Browser::signed_in(&app, &staff(&app, "coordinator", &["12"]).await).await;
    let mut admin = signed_in(&app, "admin").await;
    for b in [&mut coordinator, &mut admin] {
        for path in [session.clone(), format!("{session}.csv")] {
            html(b.get(&path).await, StatusCode::NOT_FOUND).await;
        }
    }
}
both_engines!(a_register_downloads_as_csv, in_autumn_2019);
