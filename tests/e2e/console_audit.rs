//! The audit log in the console, as a browser meets it over HTTP: filtered
//! by who, what and when, a page at a time, the filtered lines as CSV; for
//! administrators and HR only.

use chrono::{Duration, Utc};
use navigator_e2e::contracts::json_of;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{element, html, location, staff, Browser};

/// The lines of the log a page shows.
fn lines_on(page: &str) -> usize {
    page.matches("id=\"operazione-").count()
}

/// A session made through the console by `b`: its id.
async fn session_from_console(b: &mut Browser, place: &str) -> String {
    let page = html(b.get("/console/formazione").await, StatusCode::OK).await;
    let at = page.find("name=\"chiave\" value=\"").unwrap() + "name=\"chiave\" value=\"".len();
    let key = page[at..at + page[at..].find('"').unwrap()].to_owned();
    let r = b
        .post(
            "/console/formazione/sessioni",
            &[
                ("chiave", &key),
                ("day", "2019-09-10"),
                ("hours", "3"),
                ("place", place),
                ("trainer", "Dott.ssa Bianchi"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let made = location(&r);
    made["/console/formazione/sessioni/".len()..made.find('?').unwrap()].to_owned()
}

async fn the_log_is_filtered_by_who_what_and_when(app: TestApp) {
    let email = staff(&app, "hr", &[]).await;
    let mut hr = Browser::signed_in(&app, &email).await;
    // Another officer's session, through the JSON API.
    let other = app.user_with_role("hr", &[]).await;
    let theirs = json_of(
        app.create_session(
            &other,
            &json!({ "day": "2019-09-11", "hours": 2, "place": "Milano", "trainer": "Rossi" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mine = session_from_console(&mut hr, "Roma, via Fornovo 8").await;

    // HR finds the log in the navigation; every line is there, newest first.
    let home = html(hr.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/audit\""), "{home}");
    let all = html(hr.get("/console/audit").await, StatusCode::OK).await;
    assert!(lines_on(&all) >= 2, "{all}");
    let first = all.find(&format!("{mine}</span>")).unwrap();
    let second = all.find(&format!("{theirs}</span>")).unwrap();
    assert!(first < second, "newest first");

    // Who: by email, the actions just done by this officer only.
    let who = format!(
        "/console/audit?chi={}&entita=classroom_session",
        email.to_uppercase()
    );
    let page = html(hr.get(&who).await, StatusCode::OK).await;
    assert_eq!(lines_on(&page), 1, "{page}");
    assert!(page.contains(&mine), "{page}");
    assert!(!page.contains(&theirs), "{page}");
    assert!(
        page.contains(&format!("<td class=\"chi\">{email}</td>")),
        "{page}"
    );
    assert!(
        page.contains("<td class=\"azione\">classroom_session.created</td>"),
        "{page}"
    );
    assert!(page.contains("value=\"classroom_session\""), "{page}");
    // Nobody has that email: nothing.
    let page = html(
        hr.get("/console/audit?chi=nessuno@anpalservizi.it").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 0);
    assert!(page.contains("id=\"nessuna\""), "{page}");

    // What: the action and the entity.
    let page = html(
        hr.get("/console/audit?azione=classroom_session.created")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 2, "{page}");
    let page = html(
        hr.get(&format!(
            "/console/audit?entita=classroom_session&id={theirs}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 1, "{page}");
    assert!(page.contains(&theirs));

    // When: days in Italian time; a day that does not read is refused
    // next to its field.
    let today = Utc::now().date_naive();
    let from = (today - Duration::days(1)).format("%Y-%m-%d");
    let to = (today + Duration::days(1)).format("%Y-%m-%d");
    let long_ago = (today - Duration::days(3)).format("%Y-%m-%d");
    let page = html(
        hr.get(&format!(
            "/console/audit?azione=classroom_session.created&dal={from}&al={to}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 2, "{page}");
    let page = html(
        hr.get(&format!(
            "/console/audit?azione=classroom_session.created&al={long_ago}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 0, "{page}");
    let page = html(
        hr.get(&format!(
            "/console/audit?azione=classroom_session.created&dal={to}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 0, "{page}");
    let page = html(
        hr.get("/console/audit?dal=ieri").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(!element(&page, "dal-errore").is_empty(), "{page}");
    assert!(page.contains("aria-describedby=\"dal-errore\""));

    // The CSV has the filtered lines, and only them.
    assert!(
        page.contains("href=\"/console/audit.csv?dal=ieri\""),
        "{page}"
    );
    let r = hr
        .get(&format!(
            "/console/audit.csv?chi={email}&azione=classroom_session.created&dal={from}"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor_id,actor,action,entity,entity_id,request_id,before,after"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains(&mine), "{csv}");
    assert!(lines[1].contains(&email), "{csv}");
    assert!(lines[1].contains("classroom_session.created"), "{csv}");
    assert!(!csv.contains(&theirs), "{csv}");

    // Pages: one line a page is not offered, but the cursor reads on.
    let page = html(
        hr.get(&format!(
            "/console/audit?azione=classroom_session.created&cursore={mine}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lines_on(&page), 1, "{page}");
    assert!(page.contains(&theirs), "{page}");

    // An administrator reads it too, in English on request.
    let admin_email = staff(&app, "admin", &[]).await;
    let mut admin = Browser::signed_in(&app, &admin_email).await;
    let page = html(admin.get("/console/audit?lang=en").await, StatusCode::OK).await;
    assert!(page.contains("Audit log"), "{page}");
    assert!(lines_on(&page) >= 2, "{page}");
}
both_engines!(the_log_is_filtered_by_who_what_and_when);

async fn only_administrators_and_hr_find_the_log(app: TestApp) {
    for (role, regions) in [("coordinator", vec!["12"]), ("trainer", vec![])] {
        let email = staff(&app, role, &regions).await;
        let mut b = Browser::signed_in(&app, &email).await;
        let home = html(b.get("/console/").await, StatusCode::OK).await;
        assert!(!home.contains("href=\"/console/audit\""), "{home}");
        for path in [
            "/console/audit",
            "/console/audit.csv",
            "/console/audit?chi=x",
        ] {
            let page = html(b.get(path).await, StatusCode::NOT_FOUND).await;
            assert!(page.contains("Pagina non trovata"), "{page}");
        }
    }
    // Signed out: the sign-in page.
    let mut nobody = Browser::new(&app);
    let r = nobody.get("/console/audit").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/accedi");
}
both_engines!(only_administrators_and_hr_find_the_log);
