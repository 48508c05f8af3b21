//! HR's selections in the console, as a browser meets it over HTTP: a
//! selection created once however often its form is sent, its posts, the
//! imports of applications and results (a bad row lists its line and
//! reason, and nothing is written), admission, publication, a ranking with
//! who decided each position, a correction with its reason beside the
//! version it replaces, the records-request extract; nothing of it for a
//! coordinator, and no form without its token.

use navigator_e2e::selection::{applicants, applications_csv, results_csv, Applicant};
use navigator_e2e::*;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::console::{element, html, location, staff, Browser};

async fn json(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// An HR officer signed in to the console, and their API token.
async fn officer(app: &TestApp) -> (Browser, String) {
    let email = staff(app, "hr", &[]).await;
    let pair = app.login_ok(&email, PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap().to_owned();
    (Browser::signed_in(app, &email).await, token)
}

/// The hidden key of the form on `page` (the first one).
fn key_in(page: &str) -> String {
    let at = page
        .find("name=\"chiave\" value=\"")
        .unwrap_or_else(|| panic!("no keyed form in {page}"))
        + "name=\"chiave\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The selections with `code`, as the JSON API lists them.
async fn with_code(app: &TestApp, hr: &str, code: &str) -> Vec<Value> {
    let page = json(
        app.get("/selections?limit=100", Some(hr)).await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["code"] == code)
        .cloned()
        .collect()
}

/// The audit lines of `action` on the selection.
async fn audited(app: &TestApp, hr: &str, id: &str, action: &str) -> usize {
    let page = json(
        app.audit(hr, &format!("?entity_id={id}&action={action}"))
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().len()
}

/// Four applicants, two in NA and two in CE; NA's two will tie on the
/// score and be told apart by their degree grade.
fn four() -> Vec<Applicant> {
    let mut list = applicants(4, &["NA", "CE"], 11, "S");
    for (i, grade) in [(0, 105), (2, 100), (1, 100), (3, 99)] {
        list[i].degree_grade = grade;
        list[i].degree_honours = false;
    }
    list
}

/// A selection created from the console's form; its id.
async fn created(b: &mut Browser, code: &str) -> String {
    let page = html(b.get("/console/selezioni").await, StatusCode::OK).await;
    let key = key_in(&page);
    let r = b
        .post(
            "/console/selezioni",
            &[
                ("chiave", &key),
                ("code", code),
                ("title", "Avviso Navigator di prova"),
                ("published_on", "2019-04-18"),
                ("decline_is_final", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    let id = to
        .strip_prefix("/console/selezioni/")
        .and_then(|rest| rest.strip_suffix("?esito=creata"))
        .unwrap_or_else(|| panic!("{to}"))
        .to_owned();
    id
}

async fn a_selection_runs_from_creation_to_a_corrected_ranking(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let code = format!("CONS-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);

    // HR finds the section from the navigation.
    let home = html(b.get("/console/").await, StatusCode::OK).await;
    assert!(home.contains("href=\"/console/selezioni\""), "{home}");

    // A refused form: each refusal next to its field, nothing created.
    let page = html(b.get("/console/selezioni").await, StatusCode::OK).await;
    let key = key_in(&page);
    let r = b
        .post(
            "/console/selezioni",
            &[
                ("chiave", &key),
                ("code", "codice con spazi"),
                ("title", " "),
                ("published_on", "2019-04-18"),
                ("offer_days", "sette"),
                ("ranking_valid_months", "0"),
            ],
        )
        .await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    for f in ["code", "title", "offer_days", "ranking_valid_months"] {
        assert!(page.contains(&format!("id=\"{f}-errore\"")), "{f}: {page}");
    }
    assert!(page.contains("aria-describedby=\"title-errore\""), "{page}");
    assert!(
        page.contains("aria-describedby=\"offer_days-errore offer_days-aiuto\""),
        "{page}"
    );
    assert!(page.contains("value=\"sette\""), "{page}");

    // Created once, however often the same form is sent.
    let page = html(b.get("/console/selezioni").await, StatusCode::OK).await;
    let key = key_in(&page);
    let form = [
        ("chiave", key.as_str()),
        ("code", code.as_str()),
        ("title", "Avviso Navigator di prova"),
        ("published_on", "2019-04-18"),
        ("wrong_penalty", "0,25"),
        ("annual_pay_cents", "27.338,76"),
        ("decline_is_final", "1"),
    ];
    let r = b.post("/console/selezioni", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = location(&r);
    let r = b.post("/console/selezioni", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), first);
    let made = with_code(&app, &hr, &code).await;
    assert_eq!(made.len(), 1, "{made:?}");
    let id = made[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(first, format!("/console/selezioni/{id}?esito=creata"));
    assert_eq!(made[0]["wrong_penalty"], 0.25);
    assert_eq!(made[0]["annual_pay_cents"], 2_733_876);
    // A new form with the same code: the code is refused, next to its field.
    let page = html(b.get("/console/selezioni").await, StatusCode::OK).await;
    let mut again = form;
    let other_key = key_in(&page);
    again[0] = ("chiave", other_key.as_str());
    let page = html(
        b.post("/console/selezioni", &again).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(page.contains("id=\"code-errore\""), "{page}");
    assert_eq!(with_code(&app, &hr, &code).await.len(), 1);

    // The list shows it, and so does its download.
    let list = html(b.get("/console/selezioni").await, StatusCode::OK).await;
    assert!(
        list.contains(&format!("href=\"/console/selezioni/{id}\"")),
        "{list}"
    );
    let r = b.get("/console/selezioni.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("selection_id,code,title"), "{csv}");
    assert!(csv.contains(&code), "{csv}");

    let page = html(b.get(&first).await, StatusCode::OK).await;
    assert!(
        element(&page, "esito").contains("Selezione creata"),
        "{page}"
    );
    assert!(element(&page, "stato").contains("Aperta"), "{page}");

    // Posts: an unknown province is refused on its row; then NA 1, CE 1.
    let posts = format!("/console/selezioni/{id}/posti");
    let r = b.post(&posts, &[("provincia", "ZZ"), ("posti", "1")]).await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("id=\"posti-1-errore\""), "{page}");
    let r = b
        .post(
            &posts,
            &[
                ("provincia", "na"),
                ("posti", "1"),
                ("provincia", "CE"),
                ("posti", "1"),
                ("provincia", ""),
                ("posti", ""),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/console/selezioni/{id}?esito=posti"));
    let seats = json(app.seats(&hr, &id, "").await, StatusCode::OK).await;
    let posts_of: Vec<(String, i64)> = seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["province"].as_str().unwrap().to_owned(),
                s["posts"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(posts_of, [("CE".to_owned(), 1), ("NA".to_owned(), 1)]);

    // Applications with one bad row: the line and the reason, nothing written.
    let list = four();
    let good = applications_csv(&list);
    // Line 4 (the header is line 1): list[2]'s birth date, day first.
    let bad: String = good
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            3 => l.replace(
                &list[2].birth_date.to_string(),
                &list[2].birth_date.format("%d/%m/%Y").to_string(),
            ),
            _ => l.to_owned(),
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(bad, good);
    let import = format!("/console/selezioni/{id}/domande");
    let page = html(
        b.get(&format!("/console/selezioni/{id}")).await,
        StatusCode::OK,
    )
    .await;
    let key = key_in(&page);
    assert!(key.ends_with("-domande"), "{key}");
    let r = b
        .post_file(
            &import,
            &[("chiave", &key)],
            "file",
            "domande.csv",
            bad.into_bytes(),
        )
        .await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let rejected = &page[page.find("id=\"righe-rifiutate\"").expect(&page)..];
    assert!(rejected.contains("<th scope=\"row\">4</th>"), "{rejected}");
    assert!(rejected.contains("birth_date"), "{rejected}");
    assert!(
        element(&page, "domande-errore").contains("nessuna riga"),
        "{page}"
    );
    assert_eq!(audited(&app, &hr, &id, "applications.imported").await, 0);
    // A file not chosen is named too.
    let r = b
        .post_file(&import, &[("chiave", &key)], "file", "", Vec::new())
        .await;
    html(r, StatusCode::UNPROCESSABLE_ENTITY).await;

    // The good file with the same form: every row, the three good ones of
    // the bad file too; sent again, the same answer and no second import.
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = b
            .post_file(
                &import,
                &[("chiave", &key)],
                "file",
                "domande.csv",
                good.clone().into_bytes(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        answers.push(location(&r));
    }
    assert_eq!(answers[0], answers[1]);
    let r = answers.remove(0);
    assert_eq!(r, format!("/console/selezioni/{id}?esito=domande&n=4"));
    assert_eq!(audited(&app, &hr, &id, "applications.imported").await, 1);
    let page = html(b.get(&r).await, StatusCode::OK).await;
    assert!(element(&page, "esito").contains("4"), "{page}");
    assert!(page.contains("4 domande importate"), "{page}");

    // Admission.
    let r = b
        .post(&format!("/console/selezioni/{id}/ammissione"), &[])
        .await;
    assert_eq!(
        location(&r),
        format!("/console/selezioni/{id}?esito=ammissione&n=4")
    );
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    assert!(
        element(&page, "stato").contains("Ammissione calcolata"),
        "{page}"
    );
    assert!(!page.contains("id=\"modulo-domande\""), "{page}");
    let key = key_in(&page);
    assert!(key.ends_with("-risultati"), "{key}");

    // Results: an unknown application is refused with its line; then all.
    let results = format!("/console/selezioni/{id}/risultati");
    let lines = [
        (list[0].application_no.as_str(), 80, 0),
        (list[1].application_no.as_str(), 75, 0),
        (list[2].application_no.as_str(), 80, 0),
        (list[3].application_no.as_str(), 70, 0),
    ];
    let mut wrong = lines;
    wrong[1].0 = "NON-ESISTE";
    let r = b
        .post_file(
            &results,
            &[("chiave", &key)],
            "file",
            "risultati.csv",
            results_csv(&wrong).into_bytes(),
        )
        .await;
    let page = html(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let rejected = &page[page.find("id=\"righe-rifiutate\"").expect(&page)..];
    assert!(rejected.contains("<th scope=\"row\">3</th>"), "{rejected}");
    assert!(rejected.contains("NON-ESISTE"), "{rejected}");
    assert_eq!(audited(&app, &hr, &id, "results.imported").await, 0);
    let r = b
        .post_file(
            &results,
            &[("chiave", &key)],
            "file",
            "risultati.csv",
            results_csv(&lines).into_bytes(),
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/console/selezioni/{id}?esito=risultati&n=4")
    );

    // Publication: a day before the notice is refused next to its field.
    let publish = format!("/console/selezioni/{id}/pubblicazione");
    let page = html(
        b.post(&publish, &[("published_on", "2019-01-01")]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(page.contains("id=\"published_on-errore\""), "{page}");
    let today = chrono::Utc::now().date_naive().to_string();
    let r = b.post(&publish, &[("published_on", &today)]).await;
    assert_eq!(
        location(&r),
        format!("/console/selezioni/{id}?esito=pubblicate&n=2")
    );
    let page = html(b.get(&location(&r)).await, StatusCode::OK).await;
    let ranking = format!("/console/selezioni/{id}/graduatorie/NA");
    assert!(page.contains(&format!("href=\"{ranking}\"")), "{page}");
    assert!(
        element(&page, "stato").contains("Graduatorie pubblicate"),
        "{page}"
    );

    // NA's ranking: the tie on the score decided by the degree grade.
    let page = html(b.get(&ranking).await, StatusCode::OK).await;
    let first_place = &page[page.find("id=\"posizione-1\"").expect(&page)..];
    assert!(
        first_place.contains(&list[0].application_no),
        "{first_place}"
    );
    assert!(
        first_place.contains("A parità di punteggio, voto di laurea più alto"),
        "{first_place}"
    );
    let second = &page[page.find("id=\"posizione-2\"").expect(&page)..];
    assert!(second.contains(&list[2].application_no), "{second}");
    assert!(second.contains("Ultima posizione"), "{second}");
    assert!(page.contains("id=\"nessuna-rettifica\""), "{page}");
    // In English too.
    let en = html(b.get(&format!("{ranking}?lang=en")).await, StatusCode::OK).await;
    assert!(en.contains("Same score: higher degree grade"), "{en}");
    b.get(&format!("{ranking}?lang=it")).await;

    // A correction needs its reason.
    let correct = format!("{ranking}/rettifiche");
    let key = key_in(&page);
    let page = html(
        b.post(
            &correct,
            &[
                ("chiave", &key),
                ("motivo", " "),
                ("domanda", &list[2].application_no),
                ("giuste", "90"),
                ("sbagliate", "0"),
                ("omesse", "10"),
            ],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(page.contains("id=\"motivo-errore\""), "{page}");
    // With it: a second version, once however often the form is sent.
    let form = [
        ("chiave", key.as_str()),
        ("motivo", "Errore di lettura del foglio risposte"),
        ("domanda", list[2].application_no.as_str()),
        ("giuste", "90"),
        ("sbagliate", "0"),
        ("omesse", "10"),
    ];
    let r = b.post(&correct, &form).await;
    assert_eq!(location(&r), format!("{ranking}?rettificata=1#rettifiche"));
    let r = b.post(&correct, &form).await;
    assert_eq!(location(&r), format!("{ranking}?rettificata=1#rettifiche"));
    let v = json(app.ranking(&hr, &id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v["version"], 2, "{v}");
    assert_eq!(v["versions"], serde_json::json!([1, 2]));
    assert_eq!(v["reason"], "Errore di lettura del foglio risposte");
    assert_eq!(
        v["entries"][0]["application_no"],
        list[2].application_no.as_str()
    );

    // The correction with its reason, both versions side by side.
    let page = html(b.get(&ranking).await, StatusCode::OK).await;
    assert!(element(&page, "numero-versione").starts_with('2'), "{page}");
    let c = &page[page.find("id=\"rettifica-2\"").expect(&page)..];
    assert!(c.contains("Errore di lettura del foglio risposte"), "{c}");
    let row = &c[c.find("<th scope=\"row\">1</th>").expect(c)..];
    let row = &row[..row.find("</tr>").unwrap()];
    let before = row.find(&list[0].application_no).expect(row);
    let after = row.find(&list[2].application_no).expect(row);
    assert!(before < after, "{row}");
    assert!(row.contains("80,00") && row.contains("90,00"), "{row}");
    // The first version stays readable.
    let old = html(
        b.get(&format!("{ranking}?versione=1")).await,
        StatusCode::OK,
    )
    .await;
    assert!(element(&old, "numero-versione").starts_with('1'), "{old}");

    // The records-request extract, as a file, and recorded.
    let r = b
        .get(&format!(
            "{ranking}/estratto?domanda={}",
            list[0].application_no
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("ranking-extract-NA-v2"));
    let text = r.text().await.unwrap();
    assert!(
        text.starts_with("position,requester,initials,application_no"),
        "{text}"
    );
    assert!(text.contains(&list[0].codice_fiscale), "{text}");
    assert!(!text.contains(&list[2].codice_fiscale), "{text}");
    let page = json(
        app.audit(&hr, "?action=ranking.extracted&limit=100").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |l| l["after"]["application_no"] == list[0].application_no.as_str()
                    && l["after"]["selection_id"] == id.as_str()
            ),
        "{page}"
    );
    // An application not in the ranking is named next to the field.
    let page = html(
        b.get(&format!("{ranking}/estratto?domanda=NESSUNA")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(page.contains("id=\"richiedente-errore\""), "{page}");
}
both_engines!(a_selection_runs_from_creation_to_a_corrected_ranking);

async fn selections_are_for_hr_and_every_form_needs_its_token(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let code = format!("TOK-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let id = created(&mut b, &code).await;

    // Without the page's token: refused, nothing done.
    let r = b
        .send(
            "/console/selezioni",
            &[
                ("chiave", "un-modulo"),
                ("code", "SENZA-TOKEN"),
                ("title", "Avviso"),
                ("published_on", "2019-04-18"),
            ],
        )
        .await;
    let text = html(r, StatusCode::FORBIDDEN).await;
    assert!(text.contains("Modulo scaduto"), "{text}");
    assert!(with_code(&app, &hr, "SENZA-TOKEN").await.is_empty());
    let r = b
        .send(
            &format!("/console/selezioni/{id}/posti"),
            &[
                ("csrf", "x".repeat(43).as_str()),
                ("provincia", "NA"),
                ("posti", "3"),
            ],
        )
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    let seats = json(app.seats(&hr, &id, "").await, StatusCode::OK).await;
    assert!(seats["items"].as_array().unwrap().is_empty(), "{seats}");
    let r = b
        .send(&format!("/console/selezioni/{id}/ammissione"), &[])
        .await;
    html(r, StatusCode::FORBIDDEN).await;
    let s = json(
        app.get(&format!("/selections/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["admission_done"], false);

    // A coordinator finds nothing here: no link, and not found everywhere.
    let email = staff(&app, "coordinator", &["15"]).await;
    let mut c = Browser::signed_in(&app, &email).await;
    let home = html(c.get("/console/").await, StatusCode::OK).await;
    assert!(!home.contains("/console/selezioni"), "{home}");
    for path in [
        "/console/selezioni".to_owned(),
        "/console/selezioni.csv".to_owned(),
        format!("/console/selezioni/{id}"),
        format!("/console/selezioni/{id}/graduatorie/NA"),
        format!("/console/selezioni/{id}/graduatorie/NA/estratto?domanda=S000000"),
    ] {
        html(c.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    let r = c
        .post(
            "/console/selezioni",
            &[
                ("chiave", "del-coordinatore"),
                ("code", "DEL-COORDINATORE"),
                ("title", "Avviso"),
                ("published_on", "2019-04-18"),
            ],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;
    assert!(with_code(&app, &hr, "DEL-COORDINATORE").await.is_empty());
    let r = c
        .post(
            &format!("/console/selezioni/{id}/posti"),
            &[("provincia", "NA"), ("posti", "3")],
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;
    let r = c
        .post_file(
            &format!("/console/selezioni/{id}/domande"),
            &[],
            "file",
            "domande.csv",
            applications_csv(&four()).into_bytes(),
        )
        .await;
    html(r, StatusCode::NOT_FOUND).await;
    assert_eq!(audited(&app, &hr, &id, "applications.imported").await, 0);
    let seats = json(app.seats(&hr, &id, "").await, StatusCode::OK).await;
    assert!(seats["items"].as_array().unwrap().is_empty(), "{seats}");
}
both_engines!(selections_are_for_hr_and_every_form_needs_its_token);

/// A long ranking is shown a page at a time, in order, each page with the
/// criterion of every position.
async fn a_long_ranking_is_shown_page_by_page(app: TestApp) {
    let (mut b, hr) = officer(&app).await;
    let (id, _) = app.published_selection(&hr, &[("NA", 3)], 60).await;
    let ranking = format!("/console/selezioni/{id}/graduatorie/NA");
    let page = html(b.get(&ranking).await, StatusCode::OK).await;
    assert!(page.contains("id=\"posizione-1\""), "{page}");
    assert!(page.contains("id=\"posizione-50\""), "{page}");
    assert!(!page.contains("id=\"posizione-51\""), "{page}");
    let at = page.find("id=\"pagina-successiva\"").expect(&page);
    let href = &page[page[..at].rfind("href=\"").unwrap() + 6..at];
    let href = href[..href.find('"').unwrap()].replace("&#38;", "&");
    assert_eq!(href, format!("{ranking}?versione=1&cursore=50"));
    let next = html(b.get(&href).await, StatusCode::OK).await;
    assert!(!next.contains("id=\"posizione-50\""), "{next}");
    assert!(next.contains("id=\"posizione-51\""), "{next}");
    assert!(next.contains("id=\"posizione-60\""), "{next}");
    assert!(!next.contains("id=\"pagina-successiva\""), "{next}");
    assert!(next.contains("Ultima posizione"), "{next}");
    let v = json(app.ranking(&hr, &id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v["entries"].as_array().unwrap().len(), 60);
    // The download has every position, in order, with its criterion.
    assert!(
        page.contains(&format!("href=\"{ranking}.csv?versione=1\"")),
        "{page}"
    );
    let r = b.get(&format!("{ranking}.csv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 61, "{csv}");
    assert!(lines[0].starts_with("posizione,domanda,candidato"), "{csv}");
    for (i, line) in lines[1..].iter().enumerate() {
        let entry = &v["entries"][i];
        assert!(line.starts_with(&format!("{},", i + 1)), "{line}");
        assert!(
            line.contains(entry["application_no"].as_str().unwrap()),
            "{line} / {entry}"
        );
    }
    assert!(lines[60].contains("Ultima posizione"), "{csv}");
    // A version that does not exist is not found.
    html(
        b.get(&format!("{ranking}?versione=9")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
both_engines!(a_long_ranking_is_shown_page_by_page);
