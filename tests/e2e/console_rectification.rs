//! Rectification of an applicant's contact data (GDPR art. 16) from the
//! console: on the person's subject access page HR corrects each
//! application's email and phone; the change reaches the Navigator's
//! record, is audited before and after, and a form sent twice applies
//! once. Refused input changes nothing; administrators and coordinators
//! see no form and may not post one; a form without the token is refused.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{element, html, location, staff, Browser};

fn in_2019(s: &mut api::config::Settings) {
    s.today = NaiveDate::from_ymd_opt(2019, 9, 2);
}

/// The only record of the file's section `key`.
fn only<'a>(file: &'a Value, key: &str) -> &'a Value {
    let records = file["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no section {key}"))["records"]
        .as_array()
        .unwrap();
    assert_eq!(records.len(), 1, "{key}: {records:?}");
    &records[0]
}

/// The person's file as the console's JSON document.
async fn file_of(browser: &mut Browser, cf: &str) -> Value {
    let r = browser
        .get(&format!("/console/accesso-dati.json?codice_fiscale={cf}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The application's `application.contact_rectified` lines.
async fn rectifications(app: &TestApp, admin: &str, id: &str) -> Vec<Value> {
    let log = json_of(
        app.audit(admin, &format!("?entity=application&entity_id={id}"))
            .await,
        StatusCode::OK,
    )
    .await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "application.contact_rectified")
        .cloned()
        .collect()
}

async fn hr_rectifies_contact_data_from_the_persons_page(app: TestApp) {
    let p = app.programme(&[("RM", 2)], &["RM"]).await;
    let cf = p.codice_fiscale(0);
    let email = p.email(0);
    let admin_token = app.admin_token().await;

    let hr_email = staff(&app, "hr", &[]).await;
    let mut hr = Browser::signed_in(&app, &hr_email).await;
    let person = format!("/console/accesso-dati?codice_fiscale={cf}");
    let id = only(&file_of(&mut hr, &cf).await, "applications")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let action = format!("/console/accesso-dati/recapiti/{id}");

    // The form, prefilled, with its token and its own key.
    let page = html(hr.get(&person).await, StatusCode::OK).await;
    assert!(page.contains(&format!("action=\"{action}\"")), "{page}");
    assert!(page.contains("Rettifica recapiti"), "{page}");
    assert!(page.contains(&format!("value=\"{email}\"")), "{page}");
    assert!(page.contains("name=\"chiave\""), "{page}");
    assert!(page.contains(&format!("name=\"codice_fiscale\" value=\"{cf}\"")));

    // A phone added: only the phone changed, and the page says so.
    let first = [
        ("chiave", "rettifica-1"),
        ("codice_fiscale", cf.as_str()),
        ("email", email.as_str()),
        ("telefono", "+39 333 7654321"),
    ];
    let r = hr.post(&action, &first).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let added = location(&r);
    assert!(added.ends_with("&campi=telefono"), "{added}");
    let shown = html(hr.get(&added).await, StatusCode::OK).await;
    let done = element(&shown, "esito");
    assert!(done.contains("recapiti rettificati: telefono"), "{done}");

    // A new email and a blank phone: the email everywhere, no phone.
    let second = [
        ("chiave", "rettifica-2"),
        ("codice_fiscale", cf.as_str()),
        ("email", " Nuova.Mail@Example.it "),
        ("telefono", ""),
    ];
    let r = hr.post(&action, &second).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let both = location(&r);
    assert!(both.ends_with("&campi=email,telefono"), "{both}");
    let shown = html(hr.get(&both).await, StatusCode::OK).await;
    let done = element(&shown, "esito");
    assert!(
        done.contains("recapiti rettificati: email, telefono"),
        "{done}"
    );
    assert!(shown.contains("value=\"nuova.mail@example.it\""), "{shown}");
    let file = file_of(&mut hr, &cf).await;
    let application = only(&file, "applications");
    assert_eq!(application["email"], "nuova.mail@example.it");
    assert!(application["phone"].is_null(), "{application}");
    assert_eq!(only(&file, "navigators")["email"], "nuova.mail@example.it");

    // The first form sent again: where it went, the phone not put back.
    let r = hr.post(&action, &first).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), added);
    let file = file_of(&mut hr, &cf).await;
    assert!(only(&file, "applications")["phone"].is_null());
    let lines = rectifications(&app, &admin_token, &id).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    let last = lines
        .iter()
        .find(|l| l["after"]["email"].is_string())
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(last["before"]["email"], email.as_str(), "{last}");
    assert_eq!(last["before"]["phone"], "+39 333 7654321", "{last}");
    assert_eq!(last["after"]["email"], "nuova.mail@example.it", "{last}");
    assert!(last["after"]["phone"].is_null(), "{last}");

    // The same values again: nothing to change, nothing audited.
    let same = [
        ("chiave", "rettifica-3"),
        ("codice_fiscale", cf.as_str()),
        ("email", "nuova.mail@example.it"),
        ("telefono", ""),
    ];
    let r = hr.post(&action, &same).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let shown = html(hr.get(&location(&r)).await, StatusCode::OK).await;
    assert!(
        element(&shown, "esito").contains("nessuna modifica"),
        "{shown}"
    );
    assert_eq!(rectifications(&app, &admin_token, &id).await.len(), 2);

    // Invalid input: the page again, each error on its field, nothing changed.
    let bad = [
        ("chiave", "rettifica-4"),
        ("codice_fiscale", cf.as_str()),
        ("email", "non-una-mail"),
        ("telefono", "12"),
    ];
    let refused = html(
        hr.post(&action, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        element(&refused, &format!("email-{id}-errore")),
        "Indirizzo email non valido."
    );
    let phone_error = element(&refused, &format!("telefono-{id}-errore"));
    assert!(
        phone_error.starts_with("Numero di telefono non valido"),
        "{phone_error}"
    );
    assert!(refused.contains("value=\"non-una-mail\""), "{refused}");
    let file = file_of(&mut hr, &cf).await;
    assert_eq!(
        only(&file, "applications")["email"],
        "nuova.mail@example.it"
    );
    assert_eq!(rectifications(&app, &admin_token, &id).await.len(), 2);

    // Without this browser's token, or with another: refused.
    let unsigned = [
        ("chiave", "rettifica-5"),
        ("codice_fiscale", cf.as_str()),
        ("email", "altra@example.it"),
        ("telefono", ""),
    ];
    let r = hr.send(&action, &unsigned).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut forged = vec![("csrf", "x".repeat(43))];
    forged.extend(unsigned.iter().map(|(k, v)| (*k, v.to_string())));
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = hr.send(&action, &forged).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // An administrator reads the page without the form, and may not post it;
    // nor may a coordinator.
    let admin_email = staff(&app, "admin", &[]).await;
    let mut admin = Browser::signed_in(&app, &admin_email).await;
    let read = html(admin.get(&person).await, StatusCode::OK).await;
    assert!(read.contains("nuova.mail@example.it"), "{read}");
    assert!(!read.contains("/console/accesso-dati/recapiti/"), "{read}");
    assert!(!read.contains("Rettifica recapiti"), "{read}");
    let r = admin.post(&action, &unsigned).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let coordinator = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &coordinator).await;
    c.get("/console/").await;
    let r = c.post(&action, &unsigned).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let file = file_of(&mut hr, &cf).await;
    assert_eq!(
        only(&file, "applications")["email"],
        "nuova.mail@example.it"
    );
    assert_eq!(only(&file, "navigators")["email"], "nuova.mail@example.it");
    assert_eq!(rectifications(&app, &admin_token, &id).await.len(), 2);

    // In English, the form and the message in English words.
    let english = html(hr.get(&format!("{both}&lang=en")).await, StatusCode::OK).await;
    assert!(english.contains("Rectify contact data"), "{english}");
}
both_engines!(hr_rectifies_contact_data_from_the_persons_page, in_2019);
