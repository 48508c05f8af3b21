//! HR's contracts in the console, as a browser meets them over HTTP: the
//! drafts from accepted offers (and their download), the list with its
//! filters and download,
//! each action shown with its effects before it is confirmed (and made
//! once however often the confirmation is sent), the bulk extension by
//! Region with its count first; every result checked in the JSON API, and
//! nothing of it for a coordinator or a form without its token.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::console::{csv_download, download_link};
use crate::console::{element, html, location, staff, Browser};

fn in_2019(s: &mut api::config::Settings) {
    s.today = Some(NaiveDate::from_ymd_opt(2019, 7, 20).unwrap());
}

/// An HR officer signed in to the console, and their API token.
async fn officer(app: &TestApp) -> (Browser, String) {
    let email = staff(app, "hr", &[]).await;
    let pair = app.login_ok(&email, PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    (Browser::signed_in(app, &email).await, token)
}

/// The value of the hidden field `name` of the first form on `page` that has one.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

async fn contract(app: &TestApp, hr: &str, id: &str) -> Value {
    json_of(app.contract(hr, id).await, StatusCode::OK).await
}

async fn contracts(app: &TestApp, hr: &str) -> Vec<Value> {
    json_of(app.contracts(hr, "?limit=500").await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The confirmation page of `action` on `id` with `query`: shown (200)
/// with its effects; and the form's key on it.
async fn preview(b: &mut Browser, id: &str, action: &str, query: &str) -> (String, String) {
    let page = html(
        b.get(&format!(
            "/console/contratti/{id}/{action}?anteprima=1&{query}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("id=\"conferma\""), "{page}");
    let key = hidden(&page, "chiave");
    (page, key)
}

async fn a_draft_is_made_and_signed_from_the_console(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2), ("NA", 1)], 2).await;
    let offer = app.accepted_offer(&hr, &sel, "RM").await;
    let offer_id = id_of(&offer);

    // HR finds the section, and the accepted offer waiting for its draft.
    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/contratti\""), "{home}");
    let page = html(
        b.get("/console/contratti/da-redigere").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        page.contains(&format!("id=\"offerta-{offer_id}\"")),
        "{page}"
    );
    let key = hidden(&page, "chiave");

    // Without the requirements stated verified: refused next to the box.
    let r = b
        .post(
            "/console/contratti/da-redigere",
            &[("chiave", &key), ("offer_id", &offer_id)],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        !element(&text, "requirements_verified-errore").is_empty(),
        "{text}"
    );
    // An offer nobody made: refused next to its field.
    let r = b
        .post(
            "/console/contratti/da-redigere",
            &[
                ("chiave", &key),
                ("offer_id", "01234567-89ab-7def-8123-456789abcdef"),
                ("requirements_verified", "1"),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "offer_id-errore").is_empty(), "{text}");
    assert!(contracts(&app, &hr).await.is_empty());

    // Drafted once, however often the form is sent.
    let form = [
        ("chiave", key.as_str()),
        ("offer_id", offer_id.as_str()),
        ("requirements_verified", "1"),
    ];
    let r = b.post("/console/contratti/da-redigere", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = location(&r);
    let r = b.post("/console/contratti/da-redigere", &form).await;
    assert_eq!(location(&r), at);
    let all = contracts(&app, &hr).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let id = id_of(&all[0]);
    assert_eq!(at, format!("/console/contratti/{id}?esito=bozza"));
    assert_eq!(all[0]["status"], "draft");
    let page = html(b.get(&at).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("Bozza"), "{page}");
    assert_eq!(element(&page, "stato"), "In bozza");
    assert!(page.contains("id=\"azione-firma\""), "{page}");
    // The offer no longer waits for a draft.
    let page = html(
        b.get("/console/contratti/da-redigere").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !page.contains(&format!("id=\"offerta-{offer_id}\"")),
        "{page}"
    );

    // A signature before the ranking's publication: refused next to the
    // field, before any confirmation, and nothing signed.
    let r = b
        .get(&format!(
            "/console/contratti/{id}/firma?anteprima=1&signed_on=2019-06-20&start_date=2019-07-29&end_date="
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "signed_on-errore").is_empty(), "{text}");
    assert!(!text.contains("id=\"conferma\""), "{text}");
    let r = b
        .get(&format!(
            "/console/contratti/{id}/firma?anteprima=1&signed_on=ieri&start_date=2019-07-29"
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "signed_on-errore").is_empty(), "{text}");

    // The effects first: the account and its activation mail.
    let (page, key) = preview(
        &mut b,
        &id,
        "firma",
        "signed_on=2019-07-20&start_date=2019-07-29&end_date=",
    )
    .await;
    assert!(
        element(&page, "effetto-accesso").contains(all[0]["full_name"].as_str().unwrap())
            || element(&page, "effetto-accesso").contains('@'),
        "{page}"
    );
    assert!(
        element(&page, "effetto-contratto").contains("29/07/2019"),
        "{page}"
    );
    assert_eq!(contract(&app, &hr, &id).await["status"], "draft");

    // A confirmation without this browser's token changes nothing.
    let confirm = format!("/console/contratti/{id}/firma");
    let fields = [
        ("chiave", key.as_str()),
        ("signed_on", "2019-07-20"),
        ("start_date", "2019-07-29"),
        ("end_date", ""),
    ];
    let mut forged = vec![("csrf", "x".repeat(43))];
    forged.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.send(&confirm, &forged).await;
    let text = html(r, StatusCode::FORBIDDEN).await;
    assert!(text.contains("Modulo scaduto"), "{text}");
    assert_eq!(contract(&app, &hr, &id).await["status"], "draft");

    let r = b.post(&confirm, &fields).await;
    assert_eq!(location(&r), format!("/console/contratti/{id}?esito=firma"));
    let signed = contract(&app, &hr, &id).await;
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signed_on"], "2019-07-20");
    assert_eq!(signed["start_date"], "2019-07-29");
    // Sent again: the first answer, no second signature.
    let r = b.post(&confirm, &fields).await;
    assert_eq!(location(&r), format!("/console/contratti/{id}?esito=firma"));
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert_eq!(element(&page, "stato"), "Firmato");
    assert!(!page.contains("id=\"azione-firma\""), "{page}");
    assert!(page.contains("id=\"azione-recesso\""), "{page}");

    // The list, filtered by Region and state, and its download.
    let list = html(b.get("/console/contratti").await, StatusCode::OK).await;
    assert!(list.contains(&format!("id=\"contratto-{id}\"")), "{list}");
    for (query, shown) in [
        ("?regione=12", true),
        ("?regione=15", false),
        ("?stato=signed", true),
        ("?stato=draft", false),
        ("?regione=12&stato=signed", true),
    ] {
        let list = html(
            b.get(&format!("/console/contratti{query}")).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            list.contains(&format!("id=\"contratto-{id}\"")),
            shown,
            "{query}: {list}"
        );
    }
    // In English too.
    let list = html(b.get("/console/contratti?lang=en").await, StatusCode::OK).await;
    assert!(list.contains("Extension by Region"), "{list}");
    assert!(list.contains(">Signed<"), "{list}");
    b.get("/console/contratti?lang=it").await;
    let r = b.get("/console/contratti.csv?regione=12").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("contract_id,name,application_no"), "{csv}");
    assert!(csv.contains(&id), "{csv}");
    let r = b.get("/console/contratti.csv?regione=15").await;
    assert!(!r.text().await.unwrap().contains(&id));

    // A coordinator finds none of it.
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    let home = html(c.get("/console/").await, StatusCode::OK).await;
    assert!(!home.contains("/console/contratti"), "{home}");
    for path in [
        "/console/contratti".to_owned(),
        "/console/contratti.csv".to_owned(),
        "/console/contratti/da-redigere".to_owned(),
        "/console/contratti/proroga".to_owned(),
        format!("/console/contratti/{id}"),
        format!("/console/contratti/{id}/recesso"),
    ] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    let r = c
        .post(
            &format!("/console/contratti/{id}/recesso"),
            &[
                ("chiave", "un-modulo"),
                ("effective_on", "2019-07-20"),
                ("reason", "obiettivi"),
            ],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;
    assert!(contract(&app, &hr, &id).await["scheduled_end"].is_null());
}
both_engines!(a_draft_is_made_and_signed_from_the_console, in_2019);

fn signature() -> Value {
    json!({ "signed_on": "2019-07-20", "start_date": "2019-07-20" })
}

async fn each_change_shows_its_effects_before_it_is_confirmed(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 3)], 3).await;
    let resigning = app.signed(&hr, &sel, "RM", &signature()).await;
    let withdrawn = app.signed(&hr, &sel, "RM", &signature()).await;
    let kept = app.signed(&hr, &sel, "RM", &signature()).await;
    let navigator = resigning["navigator_id"].as_str().unwrap();
    app.equip(&hr, navigator, 1).await;
    let id = id_of(&resigning);

    // A resignation effective before the contract starts: refused next
    // to its day, nothing registered.
    let r = b
        .get(&format!(
            "/console/contratti/{id}/dimissioni?anteprima=1&submitted_on=2019-07-20&effective_on=2019-07-10"
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "effective_on-errore").is_empty(), "{text}");

    // The effects: the last day, the login, the seat, the kit to recover.
    let (page, key) = preview(
        &mut b,
        &id,
        "dimissioni",
        "submitted_on=2019-07-20&effective_on=2019-08-01",
    )
    .await;
    assert!(
        element(&page, "effetto-contratto").contains("31/07/2019"),
        "{page}"
    );
    assert!(
        element(&page, "effetto-accesso").contains("01/08/2019"),
        "{page}"
    );
    let seat = element(&page, "effetto-posto");
    assert!(seat.contains("RM") && seat.contains("01/08/2019"), "{page}");
    assert!(element(&page, "effetto-dotazioni").contains('5'), "{page}");
    let kit = &page[page.find("id=\"dotazioni-da-recuperare\"").unwrap()..];
    let kit = &kit[..kit.find("</table>").unwrap()];
    assert_eq!(kit.matches("<th scope=\"row\">").count(), 5, "{kit}");
    // Read only: nothing registered yet.
    assert!(contract(&app, &hr, &id).await["scheduled_end"].is_null());

    let confirm = format!("/console/contratti/{id}/dimissioni");
    let fields = [
        ("chiave", key.as_str()),
        ("submitted_on", "2019-07-20"),
        ("effective_on", "2019-08-01"),
    ];
    let r = b.post(&confirm, &fields).await;
    assert_eq!(
        location(&r),
        format!("/console/contratti/{id}?esito=dimissioni")
    );
    let after = contract(&app, &hr, &id).await;
    assert_eq!(after["scheduled_end"]["cause"], "resigned");
    assert_eq!(after["scheduled_end"]["effective_on"], "2019-08-01");
    // Sent again: the first answer, not a refusal.
    let r = b.post(&confirm, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A new form for an ending already registered: refused in words.
    let r = b
        .get(&format!(
            "/console/contratti/{id}/recesso?anteprima=1&effective_on=2019-07-25&reason=obiettivi"
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "contract-errore").is_empty(), "{text}");

    // A withdrawal effective today: the reason is required; confirmed, the
    // contract has ended and its offboarding is open.
    let wid = id_of(&withdrawn);
    let r = b
        .get(&format!(
            "/console/contratti/{wid}/recesso?anteprima=1&effective_on=2019-07-20&reason="
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "reason-errore").is_empty(), "{text}");
    let (page, key) = preview(
        &mut b,
        &wid,
        "recesso",
        "effective_on=2019-07-20&reason=obiettivi+mancati",
    )
    .await;
    assert!(
        element(&page, "effetto-accesso").contains("20/07/2019"),
        "{page}"
    );
    assert!(
        element(&page, "effetto-dotazioni").contains("Nessuna"),
        "{page}"
    );
    let r = b
        .post(
            &format!("/console/contratti/{wid}/recesso"),
            &[
                ("chiave", &key),
                ("effective_on", "2019-07-20"),
                ("reason", "obiettivi mancati"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = contract(&app, &hr, &wid).await;
    assert_eq!(after["status"], "ended");
    assert_eq!(after["end_cause"], "withdrawn");
    let off = json_of(app.offboarding(&hr, "").await, StatusCode::OK).await;
    assert!(
        off["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["contract_id"] == wid.as_str()),
        "{off}"
    );

    // An extension must move the end later: refused next to the day.
    let kid = id_of(&kept);
    let r = b
        .get(&format!(
            "/console/contratti/{kid}/proroga?anteprima=1&new_end_date=2021-04-30&reason=proroga"
        ))
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "new_end_date-errore").is_empty(), "{text}");
    let (page, key) = preview(
        &mut b,
        &kid,
        "proroga",
        "new_end_date=2021-12-31&reason=proroga",
    )
    .await;
    assert!(
        element(&page, "effetto-accesso").contains("01/01/2022"),
        "{page}"
    );
    assert_eq!(contract(&app, &hr, &kid).await["end_date"], "2021-04-30");
    let r = b
        .post(
            &format!("/console/contratti/{kid}/proroga"),
            &[
                ("chiave", &key),
                ("new_end_date", "2021-12-31"),
                ("reason", "proroga"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(contract(&app, &hr, &kid).await["end_date"], "2021-12-31");

    // A suspension keeps the seat.
    let (page, key) = preview(
        &mut b,
        &kid,
        "sospensione",
        "from=2019-08-01&to=2019-08-10&reason=malattia",
    )
    .await;
    assert!(
        element(&page, "effetto-posto").contains("resta coperto"),
        "{page}"
    );
    let form = [
        ("chiave", key.as_str()),
        ("from", "2019-08-01"),
        ("to", "2019-08-10"),
        ("reason", "malattia"),
    ];
    let r = b
        .post(&format!("/console/contratti/{kid}/sospensione"), &form)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Pressed twice: one suspension.
    let r = b
        .post(&format!("/console/contratti/{kid}/sospensione"), &form)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = contract(&app, &hr, &kid).await;
    assert_eq!(after["suspensions"].as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after["suspensions"][0]["from"], "2019-08-01");
}
both_engines!(
    each_change_shows_its_effects_before_it_is_confirmed,
    in_2019
);

async fn a_regions_contracts_are_extended_at_once_after_their_count(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2), ("NA", 1)], 2).await;
    let lazio = [
        app.signed(&hr, &sel, "RM", &signature()).await,
        app.signed(&hr, &sel, "RM", &signature()).await,
    ];
    let campania = app.signed(&hr, &sel, "NA", &signature()).await;

    let page = html(b.get("/console/contratti/proroga").await, StatusCode::OK).await;
    assert!(page.contains("id=\"mostra-effetti\""), "{page}");
    // A date before the current end: refused next to it, for the Region.
    let r = b
        .get("/console/contratti/proroga?anteprima=1&region=12&new_end_date=2021-01-31&reason=proroga")
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "new_end_date-errore").is_empty(), "{text}");
    let r = b
        .get("/console/contratti/proroga?anteprima=1&region=12&new_end_date=2021-12-31&reason=")
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "reason-errore").is_empty(), "{text}");

    // The count first, nothing extended by it.
    let page = html(
        b.get("/console/contratti/proroga?anteprima=1&region=12&new_end_date=2021-12-31&reason=proroga+2021")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(element(&page, "conteggio"), "2");
    let key = hidden(&page, "chiave");
    for c in &lazio {
        assert_eq!(
            contract(&app, &hr, &id_of(c)).await["end_date"],
            "2021-04-30"
        );
    }

    let form = [
        ("chiave", key.as_str()),
        ("region", "12"),
        ("new_end_date", "2021-12-31"),
        ("reason", "proroga 2021"),
    ];
    let r = b.post("/console/contratti/proroga", &form).await;
    assert_eq!(location(&r), "/console/contratti?regione=12&prorogati=2");
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains('2'), "{page}");
    for c in &lazio {
        assert_eq!(
            contract(&app, &hr, &id_of(c)).await["end_date"],
            "2021-12-31"
        );
    }
    assert_eq!(
        contract(&app, &hr, &id_of(&campania)).await["end_date"],
        "2021-04-30"
    );
    // Sent again: the first answer, nothing more.
    let r = b.post("/console/contratti/proroga", &form).await;
    assert_eq!(location(&r), "/console/contratti?regione=12&prorogati=2");
    // Without the token: refused, nothing extended.
    let r = b
        .send(
            "/console/contratti/proroga",
            &[
                ("csrf", "x".repeat(43).as_str()),
                ("chiave", "un-altro-modulo"),
                ("region", "15"),
                ("new_end_date", "2021-12-31"),
                ("reason", "proroga"),
            ],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert_eq!(
        contract(&app, &hr, &id_of(&campania)).await["end_date"],
        "2021-04-30"
    );
}
both_engines!(
    a_regions_contracts_are_extended_at_once_after_their_count,
    in_2019
);

/// The cells of the row with `id` on `page`, as text.
fn cells(page: &str, id: &str) -> Vec<String> {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    row.split("</t")
        .filter_map(|c| c.rfind('>').map(|i| c[i + 1..].trim().to_owned()))
        .collect()
}

/// The accepted offers waiting for their draft download as CSV: every one,
/// past the page's first fifty, as the pages list them; nothing for a
/// coordinator, as the page.
async fn accepted_offers_to_draft_download_as_csv(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 26), ("NA", 26)], 26).await;
    let mut accepted = Vec::new();
    for sigla in ["RM", "NA"] {
        for _ in 0..26 {
            accepted.push(app.accepted_offer(&hr, &sel, sigla).await);
        }
    }
    // One drafted: it waits no more.
    let drafted = accepted.pop().unwrap();
    let r = app.draft_contract(&hr, &id_of(&drafted), true).await;
    json_of(r, StatusCode::CREATED).await;

    let list = "/console/contratti/da-redigere";
    let first = html(b.get(list).await, StatusCode::OK).await;
    assert_eq!(download_link(&first), format!("{list}.csv"));
    let next = element(&first, "pagina-successiva");
    assert!(!next.is_empty(), "{first}");
    let at = first.find("id=\"pagina-successiva\"").unwrap();
    let href = &first[first[..at].rfind("href=\"").unwrap() + 6..at];
    let second = html(
        b.get(&href[..href.find('"').unwrap()].replace("&#38;", "&"))
            .await,
        StatusCode::OK,
    )
    .await;

    let (header, rows) =
        csv_download(&mut b, &format!("{list}.csv"), "contratti-da-redigere.csv").await;
    assert_eq!(
        header,
        ["offer_id", "candidatura", "provincia", "accettata il"]
    );
    assert_eq!(rows.len(), 51, "{rows:?}");
    // In the pages' order: the first fifty on the first, the last on the second.
    for (i, row) in rows.iter().enumerate() {
        let page = if i < 50 { &first } else { &second };
        let shown = cells(page, &format!("offerta-{}", row[0]));
        assert_eq!(row[1..], shown[..3], "{row:?}");
        let offer = accepted.iter().find(|o| o["id"] == row[0].as_str());
        let offer = offer.unwrap_or_else(|| panic!("{row:?}"));
        assert_eq!(row[1], offer["application_no"].as_str().unwrap());
        assert_eq!(row[2], offer["province"].as_str().unwrap());
    }
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), 51);
    assert!(!ids.contains(&id_of(&drafted).as_str()));

    // A coordinator has neither the page nor its file.
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    for path in [list.to_owned(), format!("{list}.csv")] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
}
both_engines!(accepted_offers_to_draft_download_as_csv, in_2019);
