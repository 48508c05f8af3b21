//! Subject access (GDPR art. 15) and who saw what: the file of one person
//! holds every kind of record they have and nothing of anyone else, in
//! JSON and as a page headed in Italian; producing it is recorded; staff
//! reads of personal data are recorded, and the audit view finds a
//! person's changes and reads by codice fiscale or account.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::console::{element, html, staff, Browser};

fn in_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
}

/// The sections a person with one record of each kind has non-empty.
const EVERY_KIND: [&str; 14] = [
    "accounts",
    "applications",
    "scores",
    "ranking_positions",
    "offers",
    "navigators",
    "contracts",
    "hr_events",
    "assignments",
    "training",
    "ojt_logs",
    "equipment",
    "questions",
    "audit",
];

/// The Italian heading of each section, as the page shows it.
const HEADINGS: [&str; 15] = [
    "Utenze",
    "Domande di partecipazione",
    "Punteggi",
    "Posizioni in graduatoria (ogni versione)",
    "Proposte di contratto",
    "Scheda Navigator",
    "Contratti",
    "Eventi del rapporto (sospensioni, proroghe, cessazioni)",
    "Assegnazioni ai CPI",
    "Formazione",
    "Ore di formazione sul campo",
    "Dotazione (consegne e restituzioni)",
    "Domande a Question RdC e FAQ derivate",
    "Comunicazioni inviate",
    "Registro delle operazioni che la riguardano",
];

fn section<'a>(file: &'a Value, key: &str) -> &'a Vec<Value> {
    file["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no section {key}"))["records"]
        .as_array()
        .unwrap()
}

fn lines(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap().clone()
}

async fn audit_for(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    lines(&json_of(app.audit(token, query).await, StatusCode::OK).await)
}

/// One person with one record of each kind, and a second with a few.
async fn a_person_gets_every_record_and_nothing_of_another(app: TestApp) {
    let p = app.programme(&[("RM", 3)], &["RM", "RM"]).await;
    let hr = p.hr.clone();
    let (a, b) = (p.navigator(0), p.navigator(1));
    let (cf_a, cf_b) = (p.codice_fiscale(0), p.codice_fiscale(1));
    let (email_a, email_b) = (p.email(0), p.email(1));
    let contract_a = p.contracts[0]["id"].as_str().unwrap().to_owned();

    app.cpi_in("RM-EUR", "RM", None).await;
    json_of(
        app.assign(&hr, &a, "RM-EUR", "2019-07-20").await,
        StatusCode::CREATED,
    )
    .await;
    let r = app
        .suspend_contract(&hr, &contract_a, "2019-08-20", "2019-08-22")
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let session = app.session_on(&hr, "2019-07-22", 8.0).await;
    let r = app
        .record_attendance(&hr, &session, &json!([{ "navigator_id": a, "hours": 8 }]))
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    app.equip(&hr, &a, 1).await;
    let token_a = app.activate_and_login(&email_a).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        app.log_hours(&token_a, "c1", "2019-08-30", 4.0).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.post(
            "/questions",
            Some(&token_a),
            &json!({ "topic": "platforms", "text": "Come si accede a MyANPAL?" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token_b = app.activate_and_login(&email_b).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        app.post(
            "/questions",
            Some(&token_b),
            &json!({ "topic": "platforms", "text": "Dove trovo il calendario?" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // Reads by staff, each recorded: A's record, the RM ranking, A's extract.
    json_of(app.navigator(&hr, &a).await, StatusCode::OK).await;
    json_of(
        app.ranking(&hr, &p.selection, "RM", "").await,
        StatusCode::OK,
    )
    .await;
    let no_a = p.contracts[0]["application_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .ranking_extract(
            Some(&hr),
            &p.selection,
            "RM",
            &format!("?application_no={no_a}"),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // HR produces A's file.
    let file = json_of(
        app.get(&format!("/subjects/{cf_a}/access-file"), Some(&hr))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(file["format"], "navigator-ops/subject-access-file");
    assert_eq!(file["format_version"], 1);
    assert_eq!(file["codice_fiscale"], cf_a.as_str());
    for key in EVERY_KIND {
        assert!(!section(&file, key).is_empty(), "{key} is empty: {file}");
    }
    assert_eq!(file["sections"].as_array().unwrap().len(), HEADINGS.len());
    let kinds = |key: &str| -> Vec<String> {
        section(&file, key)
            .iter()
            .map(|r| r["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(kinds("hr_events").contains(&"suspension".to_owned()));
    assert!(kinds("training").contains(&"classroom".to_owned()));
    assert!(!file["left_out"].as_array().unwrap().is_empty());
    let text = file.to_string();
    for theirs in [&cf_b, &email_b, &b] {
        assert!(!text.contains(theirs.as_str()), "B's {theirs} in A's file");
    }
    for secret in ["password_hash", "token_hash", "code_hash", "\"secret\""] {
        assert!(!text.contains(secret), "{secret} in the file");
    }
    // The staff reads of A are among the lines about A.
    let actions: Vec<&str> = section(&file, "audit")
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    for read in ["navigator.read", "ranking.read", "ranking.extracted"] {
        assert!(actions.contains(&read), "{read} in {actions:?}");
    }

    // Producing it was recorded: who, for whom, when.
    let hr_id = json_of(app.get("/me", Some(&hr)).await, StatusCode::OK).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let made = audit_for(&app, &hr, "?action=subject.access_file").await;
    assert_eq!(made.len(), 1, "{made:?}");
    // For whom: by the person's record, never by codice fiscale.
    assert_eq!(made[0]["entity"], "navigator");
    assert_eq!(made[0]["entity_id"], a.as_str());
    assert_eq!(made[0]["actor"], hr_id.as_str());
    assert!(!made[0].to_string().contains(cf_a.as_str()));

    // Unknown and malformed codici fiscali.
    let unknown = domain::selection::CodiceFiscale::complete("RSSMRA85T10A562")
        .unwrap()
        .to_string();
    assert_ne!(unknown, cf_a);
    problem(
        app.get(&format!("/subjects/{unknown}/access-file"), Some(&hr))
            .await,
        404,
    )
    .await;
    let bad = problem(
        app.get("/subjects/RSSMRA85T10A56X/access-file", Some(&hr))
            .await,
        422,
    )
    .await;
    assert!(bad.to_string().contains("codice_fiscale"), "{bad}");
    assert!(bad.to_string().contains("invalid-codice-fiscale"), "{bad}");
    // A coordinator may not; neither may a Navigator for someone else.
    let coordinator = app.user_with_role("coordinator", &["12"]).await;
    problem(
        app.get(&format!("/subjects/{cf_a}/access-file"), Some(&coordinator))
            .await,
        403,
    )
    .await;
    problem(
        app.get(&format!("/subjects/{cf_b}/access-file"), Some(&token_a))
            .await,
        403,
    )
    .await;

    // The Navigator downloads their own, and only their own.
    let own = json_of(
        app.get("/me/access-file", Some(&token_a)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["codice_fiscale"], cf_a.as_str());
    assert!(!section(&own, "questions").is_empty());
    assert!(!own.to_string().contains(cf_b.as_str()));
    let own_b = json_of(
        app.get("/me/access-file", Some(&token_b)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own_b["codice_fiscale"], cf_b.as_str());
    assert!(!own_b.to_string().contains(cf_a.as_str()));
    problem(app.get("/me/access-file", Some(&hr)).await, 403).await;
    let made = audit_for(&app, &hr, "?action=subject.access_file").await;
    assert_eq!(made.len(), 3, "{made:?}");

    // Who saw what: A's lines by codice fiscale, by email and by account
    // id are the same, hold changes and reads, and nothing of B.
    let by_cf = audit_for(&app, &hr, &format!("?person={cf_a}&limit=500")).await;
    let by_email = audit_for(&app, &hr, &format!("?person={email_a}&limit=500")).await;
    let account_a = json_of(app.get("/me", Some(&token_a)).await, StatusCode::OK).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_account = audit_for(&app, &hr, &format!("?person={account_a}&limit=500")).await;
    let ids = |l: &[Value]| -> Vec<String> {
        l.iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&by_cf), ids(&by_email));
    assert_eq!(ids(&by_cf), ids(&by_account));
    let actions: Vec<&str> = by_cf
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    for want in [
        "navigator.read",
        "ranking.read",
        "ranking.extracted",
        "subject.access_file",
        "contract.signed",
        "contract.suspended",
        "navigator.assigned",
        "ojt.logged",
        "question.asked",
    ] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
    for l in &by_cf {
        let t = l.to_string();
        assert!(
            !t.contains(cf_b.as_str()) && !t.contains(&b),
            "B in A's line {l}"
        );
    }
    let by_b = audit_for(&app, &hr, &format!("?person={cf_b}&limit=500")).await;
    assert!(by_b.iter().all(
        |l| !ids(&by_cf).contains(&l["id"].as_str().unwrap().to_owned())
            || l["action"] == "ranking.read"
    ));
    assert!(by_b.iter().any(|l| l["action"] == "question.asked"));
    assert!(!by_b.iter().any(|l| l["action"] == "ranking.extracted"));
    // Nobody by that name: nothing; not a name at all: refused.
    assert!(audit_for(&app, &hr, "?person=nessuno@anpalservizi.it")
        .await
        .is_empty());
    let refused = problem(app.audit(&hr, "?person=XYZ").await, 400).await;
    assert!(refused.to_string().contains("person"), "{refused}");
}
both_engines!(a_person_gets_every_record_and_nothing_of_another, in_2019);

/// The readable file, in the console for HR and in the tablet app for the
/// Navigator: every section headed in Italian, the JSON beside it; the
/// audit page filters by person.
async fn the_file_reads_in_italian_in_the_console_and_the_app(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let cf = p.codice_fiscale(0);
    let email = p.email(0);
    app.activate_and_login(&email).await;

    let hr_email = staff(&app, "hr", &[]).await;
    let mut hr = Browser::signed_in(&app, &hr_email).await;
    let form = html(hr.get("/console/accesso-dati").await, StatusCode::OK).await;
    assert!(form.contains("id=\"codice_fiscale\""), "{form}");
    let page = html(
        hr.get(&format!("/console/accesso-dati?codice_fiscale={cf}"))
            .await,
        StatusCode::OK,
    )
    .await;
    for h in HEADINGS {
        assert!(page.contains(h), "heading {h} missing");
    }
    assert_eq!(element(&page, "codice-fiscale"), cf);
    let json = hr
        .get(&format!("/console/accesso-dati.json?codice_fiscale={cf}"))
        .await;
    assert_eq!(json.status(), StatusCode::OK);
    let file: Value = json.json().await.unwrap();
    assert_eq!(file["codice_fiscale"], cf.as_str());
    let bad = html(
        hr.get("/console/accesso-dati?codice_fiscale=ABC").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad.contains("codice_fiscale-errore"), "{bad}");
    // The audit page, filtered by the person: the productions above.
    let log = html(
        hr.get(&format!("/console/audit?persona={cf}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(log.contains("subject.access_file"), "{log}");
    let refused = html(
        hr.get("/console/audit?persona=XYZ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(refused.contains("persona-errore"), "{refused}");

    // A coordinator finds no such page.
    let coordinator = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &coordinator).await;
    assert_eq!(
        c.get("/console/accesso-dati").await.status(),
        StatusCode::NOT_FOUND
    );

    // The Navigator, in the app: the link from the contract, the page, the JSON.
    let mut tablet = Browser::new(&app);
    tablet.get("/app/accedi").await;
    let r = tablet
        .post("/app/accedi", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let contract = html(tablet.get("/app/contratto").await, StatusCode::OK).await;
    assert!(contract.contains("href=\"/app/i-miei-dati\""), "{contract}");
    let mine = html(tablet.get("/app/i-miei-dati").await, StatusCode::OK).await;
    for h in HEADINGS {
        assert!(mine.contains(h), "heading {h} missing in the app");
    }
    let json = tablet.get("/app/i-miei-dati.json").await;
    assert_eq!(json.status(), StatusCode::OK);
    let own: Value = json.json().await.unwrap();
    assert_eq!(own["codice_fiscale"], cf.as_str());
}
both_engines!(
    the_file_reads_in_italian_in_the_console_and_the_app,
    in_2019
);
