//! HR's equipment in the console, as a browser meets it over HTTP: a batch
//! imported from a CSV file (all rows or none, each bad row named by line
//! and reason, once per form), the inventory with its filters and
//! download, an item personalised, a kit assigned with its SIMs put into
//! their devices and downloaded as CSV, a return and a write-off, the
//! offboarding checklist;
//! every result checked in the JSON API, and nothing of it for a
//! coordinator or a form without its token.

use chrono::NaiveDate;
use navigator_e2e::contracts::json_of;
use navigator_e2e::equipment::kit_bodies;
use navigator_e2e::*;
use reqwest::header::{ACCEPT, COOKIE};
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

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The `n`-th kit as the lines of a batch file.
fn kit_lines(n: u32) -> Vec<String> {
    let cell = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_owned();
    kit_bodies(n)
        .iter()
        .map(|b| {
            [
                "kind",
                "model",
                "serial",
                "imei",
                "iccid",
                "phone_number",
                "plan",
                "mailbox",
                "batch",
            ]
            .iter()
            .map(|k| cell(b, k))
            .collect::<Vec<_>>()
            .join(",")
        })
        .collect()
}

/// A form's key, as a page makes one.
fn fresh() -> String {
    uuid::Uuid::new_v4().to_string()
}

const HEADER: &str = "kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch";

async fn items(app: &TestApp, hr: &str, query: &str) -> Vec<Value> {
    json_of(app.items(hr, query).await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn item(app: &TestApp, hr: &str, id: &str) -> Value {
    json_of(app.item(hr, id).await, StatusCode::OK).await
}

async fn a_batch_is_imported_from_a_file_all_or_nothing(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/dotazioni\""), "{home}");
    let page = html(b.get("/console/dotazioni/importa").await, StatusCode::OK).await;
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let key = hidden(&page, "chiave");

    // Bad rows (line 2: an IMEI whose check digit is wrong, line 3: a
    // plan that is none, line 7: an unknown kind): each named by line,
    // nothing imported.
    let mut lines = kit_lines(1);
    lines[1] = lines[1].replace("voice_data", "voce");
    let good_imei = kit_bodies(1)[0]["imei"].as_str().unwrap().to_owned();
    let mut bad_imei = good_imei.clone();
    let last = bad_imei.pop().unwrap().to_digit(10).unwrap();
    bad_imei.push(char::from_digit((last + 1) % 10, 10).unwrap());
    lines[0] = lines[0].replace(&good_imei, &bad_imei);
    lines.push("scrivania,,,,,,,,".to_owned());
    let file = format!("{HEADER}\n{}\n", lines.join("\n"));
    let r = b
        .post_file(
            "/console/dotazioni/importa",
            &[("chiave", &key)],
            "file",
            "lotto.csv",
            file.into_bytes(),
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(text.contains("id=\"file-errore\""), "{text}");
    let table = &text[text.find("id=\"righe-rifiutate\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    for line in ["2", "3", "7"] {
        assert!(
            table.contains(&format!("<th scope=\"row\">{line}</th>")),
            "line {line}: {table}"
        );
    }
    assert!(table.contains("imei"), "{table}");
    assert!(items(&app, &hr, "").await.is_empty());

    // A file whose header is not the batch's: refused whole.
    let r = b
        .post_file(
            "/console/dotazioni/importa",
            &[("chiave", &key)],
            "file",
            "lotto.csv",
            b"tipo,modello\nsmartphone,A40\n".to_vec(),
        )
        .await;
    html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    // No file chosen: refused next to the field.
    let r = b
        .post_file(
            "/console/dotazioni/importa",
            &[("chiave", &key)],
            "file",
            "",
            Vec::new(),
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "file-errore-campo").is_empty(), "{text}");

    // A file without this browser's token: refused, nothing imported.
    let good = format!("{HEADER}\n{}\n", kit_lines(1).join("\n"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", "x".repeat(43))
        .text("chiave", key.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(good.clone().into_bytes()).file_name("lotto.csv"),
        );
    let r = b
        .client
        .post(format!("{}/console/dotazioni/importa", b.base))
        .header(ACCEPT, "text/html")
        .header(COOKIE, b.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let text = html(r, StatusCode::FORBIDDEN).await;
    assert!(text.contains("Modulo scaduto"), "{text}");
    // Nor a form that is not one.
    let r = b
        .post("/console/dotazioni/importa", &[("chiave", &key)])
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert!(items(&app, &hr, "").await.is_empty());

    // The whole file: five items, once however often it is sent.
    for _ in 0..2 {
        let r = b
            .post_file(
                "/console/dotazioni/importa",
                &[("chiave", &key)],
                "file",
                "lotto.csv",
                good.clone().into_bytes(),
            )
            .await;
        assert_eq!(location(&r), "/console/dotazioni?importati=5");
    }
    let all = items(&app, &hr, "").await;
    assert_eq!(all.len(), 5, "{all:?}");
    assert!(all.iter().all(|i| i["state"] == "in_stock"));
    let page = html(
        b.get("/console/dotazioni?importati=5").await,
        StatusCode::OK,
    )
    .await;
    assert!(element(&page, "esito").contains('5'), "{page}");

    // The list by kind, and its download.
    let sims: Vec<&Value> = all.iter().filter(|i| i["kind"] == "sim").collect();
    let page = html(b.get("/console/dotazioni?tipo=sim").await, StatusCode::OK).await;
    for i in &all {
        let id = i["id"].as_str().unwrap();
        assert_eq!(
            page.contains(&format!("id=\"dotazione-{id}\"")),
            i["kind"] == "sim",
            "{page}"
        );
    }
    // In English too.
    let page = html(b.get("/console/dotazioni?lang=en").await, StatusCode::OK).await;
    assert!(page.contains("Import a batch (CSV)"), "{page}");
    assert!(page.contains(">In stock<"), "{page}");
    b.get("/console/dotazioni?lang=it").await;
    let r = b.get("/console/dotazioni.csv?tipo=sim").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("item_id,kind,identifier"), "{csv}");
    for s in &sims {
        assert!(csv.contains(s["iccid"].as_str().unwrap()), "{csv}");
    }
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // A coordinator finds none of it.
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    let home = html(c.get("/console/").await, StatusCode::OK).await;
    assert!(!home.contains("/console/dotazioni"), "{home}");
    let first = all[0]["id"].as_str().unwrap();
    for path in [
        "/console/dotazioni".to_owned(),
        "/console/dotazioni.csv".to_owned(),
        "/console/dotazioni/importa".to_owned(),
        "/console/dotazioni/riconsegne".to_owned(),
        format!("/console/dotazioni/{first}"),
    ] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    let r = c
        .post(&format!("/console/dotazioni/{first}/personalizza"), &[])
        .await;
    html(r, StatusCode::NOT_FOUND).await;
    assert_eq!(item(&app, &hr, first).await["state"], "in_stock");
}
both_engines!(a_batch_is_imported_from_a_file_all_or_nothing);

async fn a_kit_is_assigned_paired_and_recovered_at_the_end(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 1).await;
    let contract = app
        .signed(
            &hr,
            &sel,
            "RM",
            &json!({ "signed_on": "2019-07-20", "start_date": "2019-07-20" }),
        )
        .await;
    let navigator = contract["navigator_id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for body in kit_bodies(1) {
        let i = json_of(app.create_item(&hr, &body).await, StatusCode::CREATED).await;
        ids.push(i["id"].as_str().unwrap().to_owned());
    }
    let (phone, voice, tablet, data, mailbox) = (&ids[0], &ids[1], &ids[2], &ids[3], &ids[4]);

    // Personalised from its page, once however often the form is sent; a
    // new form for it is refused, in words.
    let page = html(
        b.get(&format!("/console/dotazioni/{phone}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("id=\"personalizza\""), "{page}");
    let key = hidden(&page, "chiave");
    for _ in 0..2 {
        let r = b
            .post(
                &format!("/console/dotazioni/{phone}/personalizza"),
                &[("chiave", &key)],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/console/dotazioni/{phone}?esito=personalizza")
        );
    }
    assert_eq!(item(&app, &hr, phone).await["state"], "personalised");
    let r = b
        .post(
            &format!("/console/dotazioni/{phone}/personalizza"),
            &[("chiave", &fresh())],
        )
        .await;
    let text = html(r, StatusCode::CONFLICT).await;
    assert!(!element(&text, "item-errore").is_empty(), "{text}");
    assert_eq!(item(&app, &hr, phone).await["state"], "personalised");
    for id in [voice, tablet, data, mailbox] {
        json_of(
            app.item_action(&hr, id, "personalise", &json!({})).await,
            StatusCode::OK,
        )
        .await;
    }

    // The kit: every part missing, every personalised item offered.
    let kit_page = format!("/console/dotazioni/kit?navigator={navigator}");
    let page = html(b.get(&kit_page).await, StatusCode::OK).await;
    assert!(element(&page, "completezza").contains("Mancano"), "{page}");
    for id in &ids {
        assert!(page.contains(&format!("<option value=\"{id}\"")), "{page}");
    }
    let r = b
        .post(
            "/console/dotazioni/kit/assegna",
            &[
                ("chiave", &fresh()),
                ("navigator_id", &navigator),
                ("item_id", ""),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "item_id-errore").is_empty(), "{text}");
    let mut first = None;
    for id in &ids {
        let key = fresh();
        let form = [
            ("chiave", key.as_str()),
            ("navigator_id", navigator.as_str()),
            ("item_id", id.as_str()),
        ];
        let r = b.post("/console/dotazioni/kit/assegna", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{id}");
        first.get_or_insert((key, location(&r)));
    }
    // The first form again: its answer again.
    let (key, at) = first.unwrap();
    let r = b
        .post(
            "/console/dotazioni/kit/assegna",
            &[
                ("chiave", &key),
                ("navigator_id", &navigator),
                ("item_id", phone),
            ],
        )
        .await;
    assert_eq!(location(&r), at);
    // A new form assigning it again: refused, still one holder.
    let r = b
        .post(
            "/console/dotazioni/kit/assegna",
            &[
                ("chiave", &fresh()),
                ("navigator_id", &navigator),
                ("item_id", phone),
            ],
        )
        .await;
    let text = html(r, StatusCode::CONFLICT).await;
    assert!(!element(&text, "item_id-errore").is_empty(), "{text}");
    let kit = json_of(app.kit(&hr, &navigator).await, StatusCode::OK).await;
    assert_eq!(kit["complete"], true, "{kit}");
    assert_eq!(kit["items"].as_array().unwrap().len(), 5);

    // The SIMs into their devices: the voice SIM not into the tablet.
    let pair = |sim: &str, device: &str| {
        vec![
            ("chiave", fresh()),
            ("navigator_id", navigator.clone()),
            ("sim_id", sim.to_owned()),
            ("device_id", device.to_owned()),
        ]
    };
    let form = pair(voice, tablet);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post("/console/dotazioni/kit/abbina", &form).await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "sim_id-errore").is_empty(), "{text}");
    assert!(item(&app, &hr, voice).await["paired_with"].is_null());
    for (sim, device) in [(voice, phone), (data, tablet)] {
        let form = pair(sim, device);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post("/console/dotazioni/kit/abbina", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(item(&app, &hr, sim).await["paired_with"], device.as_str());
    }
    let page = html(b.get(&kit_page).await, StatusCode::OK).await;
    assert!(element(&page, "completezza").contains("completa"), "{page}");

    // The contract ends today: the offboarding opens with the kit.
    json_of(
        app.terminate_contract(
            &hr,
            contract["id"].as_str().unwrap(),
            &json!({ "cause": "withdrawn", "effective_on": "2019-07-20", "reason": "obiettivi" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // A device's return needs its data wipe confirmed.
    let r = b
        .post(
            &format!("/console/dotazioni/{phone}/restituisci"),
            &[
                ("chiave", &fresh()),
                ("condition", "good"),
                ("on", "2019-07-20"),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "wiped-errore").is_empty(), "{text}");
    assert_eq!(item(&app, &hr, phone).await["state"], "assigned");
    let r = b
        .post(
            &format!("/console/dotazioni/{phone}/restituisci"),
            &[
                ("chiave", &fresh()),
                ("condition", "good"),
                ("wiped", "1"),
                ("on", "2019-07-20"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let returned = item(&app, &hr, phone).await;
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["wiped"], true);

    // A loss reported in the future is refused next to its day.
    let r = b
        .post(
            &format!("/console/dotazioni/{tablet}/denuncia"),
            &[
                ("chiave", &fresh()),
                ("how", "lost"),
                ("reported_on", "2019-07-21"),
            ],
        )
        .await;
    let text = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(!element(&text, "reported_on-errore").is_empty(), "{text}");
    let r = b
        .post(
            &format!("/console/dotazioni/{tablet}/denuncia"),
            &[
                ("chiave", &fresh()),
                ("how", "stolen"),
                ("reported_on", "2019-07-20"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stolen = item(&app, &hr, tablet).await;
    assert_eq!(stolen["state"], "stolen");
    assert_eq!(stolen["reported_on"], "2019-07-20");

    // The checklist lists what is still out, as the JSON API does.
    let page = html(b.get("/console/dotazioni/riconsegne").await, StatusCode::OK).await;
    let cid = contract["id"].as_str().unwrap();
    assert!(page.contains(&format!("id=\"pratica-{cid}\"")), "{page}");
    let open = json_of(app.offboarding(&hr, "?open=true").await, StatusCode::OK).await;
    let record = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["contract_id"] == cid)
        .unwrap_or_else(|| panic!("{open}"))
        .clone();
    let outstanding = record["outstanding"].as_array().unwrap();
    assert!(!outstanding.is_empty(), "{record}");
    for i in outstanding {
        let id = i["id"].as_str().unwrap();
        assert!(
            page.contains(&format!("id=\"da-recuperare-{id}\"")),
            "{page}"
        );
    }
    for gone in [phone, tablet] {
        assert!(
            !page.contains(&format!("id=\"da-recuperare-{gone}\"")),
            "{page}"
        );
    }
    // The same checklist as CSV: a line per item to recover.
    assert!(
        page.contains("href=\"/console/dotazioni/riconsegne.csv\""),
        "{page}"
    );
    let csv = b
        .get("/console/dotazioni/riconsegne.csv")
        .await
        .text()
        .await
        .unwrap();
    let ours: Vec<&str> = csv.lines().filter(|l| l.contains(cid)).collect();
    assert_eq!(ours.len(), outstanding.len(), "{csv}");
    for i in outstanding {
        let id = i["id"].as_str().unwrap();
        assert!(ours.iter().any(|l| l.contains(id)), "{csv}");
    }

    // A movement without this browser's token changes nothing.
    let r = b
        .send(
            &format!("/console/dotazioni/{voice}/denuncia"),
            &[
                ("csrf", "x".repeat(43).as_str()),
                ("how", "lost"),
                ("reported_on", "2019-07-20"),
            ],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    assert_eq!(item(&app, &hr, voice).await["state"], "assigned");
}
both_engines!(a_kit_is_assigned_paired_and_recovered_at_the_end, in_2019);

/// A Navigator's kit downloads as CSV from its page, with the page's
/// Navigator: the items they hold, in the page's order, each with its
/// state and the item it is paired with; nothing of anyone else's, and not
/// found wherever the page is not found.
async fn a_navigators_kit_downloads_as_csv(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2)], 2).await;
    let sign = json!({ "signed_on": "2019-07-20", "start_date": "2019-07-20" });
    let mut navigators = Vec::new();
    for _ in 0..2 {
        let contract = app.signed(&hr, &sel, "RM", &sign).await;
        navigators.push(contract["navigator_id"].as_str().unwrap().to_owned());
    }
    let ids = app.equip(&hr, &navigators[0], 1).await;
    let others = app.equip(&hr, &navigators[1], 2).await;

    let kit = format!("/console/dotazioni/kit?navigator={}", navigators[0]);
    let page = html(b.get(&kit).await, StatusCode::OK).await;
    let csv = format!("/console/dotazioni/kit.csv?navigator={}", navigators[0]);
    assert_eq!(download_link(&page), csv);
    let file = format!("dotazione-{}.csv", navigators[0]);
    let (header, rows) = csv_download(&mut b, &csv, &file).await;
    assert_eq!(
        header,
        [
            "item_id",
            "tipo",
            "identificativo",
            "modello",
            "piano",
            "stato",
            "abbinata a"
        ]
    );
    assert_eq!(rows.len(), ids.len(), "{rows:?}");
    // In the page's order.
    let at = |id: &str| page.find(&format!("id=\"detenuta-{id}\"")).unwrap();
    for pair in rows.windows(2) {
        assert!(at(&pair[0][0]) < at(&pair[1][0]), "{rows:?}");
    }
    let (phone, voice, tablet, data, mailbox) = (&ids[0], &ids[1], &ids[2], &ids[3], &ids[4]);
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    let phone_row = row(phone);
    let imei = item(&app, &hr, phone).await["imei"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        phone_row,
        [
            phone.as_str(),
            "Smartphone",
            &imei,
            "Samsung Galaxy A40 Enterprise Edition",
            "",
            "Assegnato",
            voice.as_str()
        ]
    );
    for (sim, device) in [(voice, phone), (data, tablet), (tablet, data)] {
        assert_eq!(row(sim)[6], *device);
    }
    assert_eq!(row(voice)[1], "SIM");
    assert_eq!(row(mailbox)[1], "Casella di posta");
    assert_eq!(row(mailbox)[6], "");
    assert!(rows.iter().all(|r| r[5] == "Assegnato"), "{rows:?}");
    assert!(
        !rows.iter().any(|r| others.contains(&r[0])),
        "{rows:?} / {others:?}"
    );

    // No Navigator, or one nobody hired: not found, as the page.
    for query in ["", "?navigator=01234567-89ab-7def-8123-456789abcdef"] {
        for path in ["/console/dotazioni/kit", "/console/dotazioni/kit.csv"] {
            html(
                b.get(&format!("{path}{query}")).await,
                StatusCode::NOT_FOUND,
            )
            .await;
        }
    }
    // A coordinator has neither the page nor its file.
    let email = staff(&app, "coordinator", &["12"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    for path in [kit, csv] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
}
both_engines!(a_navigators_kit_downloads_as_csv, in_2019);
