//! The records-request extract (accesso agli atti) of a ranking: the
//! requester in full, everyone else by initials only, as JSON and CSV, each
//! extract in the audit log.

use navigator_e2e::contracts::{json_of, PUBLISHED_2019};
use navigator_e2e::endpoints::problem;
use navigator_e2e::selection::{applicants, Applicant};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const CSV: Option<&str> = Some("text/csv");

/// A selection with NA (2 posts) and CE (1 post) rankings of four each, and
/// no ranking for MI. NA's applicants are `list[0, 2, 4, 6]`, ranked in that
/// order; the first three have names with two first names, an apostrophe,
/// an accent, a particle and a hyphen.
struct Fixture {
    hr: String,
    id: String,
    list: Vec<Applicant>,
}

impl Fixture {
    async fn new(app: &TestApp) -> Self {
        let hr = app.user_with_role("hr", &[]).await;
        let mut list = applicants(8, &["NA", "CE"], 41, "X");
        for (i, first, last) in [
            (0, "Maria Grazia", "D'Amico"),
            (2, "Luca", "Rossi-Bianchi"),
            (4, "Èrica", "De Luca"),
        ] {
            list[i].first_name = first.into();
            list[i].last_name = last.into();
        }
        // Scores fall with the index: 90 - i right, i % 3 wrong.
        let results: Vec<(&str, i64, i64)> = list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.application_no.as_str(), 90 - i as i64, i as i64 % 3))
            .collect();
        let id = app
            .selection_with_results(
                &hr,
                &[("NA", 2), ("CE", 1)],
                &list,
                &results,
                PUBLISHED_2019,
            )
            .await;
        Self { hr, id, list }
    }

    async fn json(&self, app: &TestApp, no: &str) -> Value {
        let r = app
            .ranking_extract(
                Some(&self.hr),
                &self.id,
                "NA",
                &format!("?application_no={no}"),
                None,
            )
            .await;
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        json_of(r, StatusCode::OK).await
    }

    async fn csv(&self, app: &TestApp, no: &str) -> (String, String) {
        let r = app
            .ranking_extract(
                Some(&self.hr),
                &self.id,
                "NA",
                &format!("?application_no={no}"),
                CSV,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(header("content-type").starts_with("text/csv"));
        let disposition = header("content-disposition");
        (disposition, r.text().await.unwrap())
    }

    async fn extracted(&self, app: &TestApp) -> Vec<Value> {
        let v = json_of(
            app.audit(&self.hr, "?action=ranking.extracted&limit=500")
                .await,
            StatusCode::OK,
        )
        .await;
        v["items"].as_array().unwrap().clone()
    }
}

fn full_name(a: &Applicant) -> String {
    format!("{} {}", a.first_name, a.last_name)
}

/// No applicant but the requester is named, identified or reachable
/// anywhere in `body`.
fn hides_everyone_but(body: &str, list: &[Applicant], requester: &Applicant) {
    for a in list
        .iter()
        .filter(|a| a.application_no != requester.application_no)
    {
        let mut secrets = vec![
            full_name(a),
            a.last_name.clone(),
            a.codice_fiscale.clone(),
            a.email.clone(),
            a.application_no.clone(),
        ];
        if a.birth_date != requester.birth_date {
            secrets.push(a.birth_date.to_string());
        }
        for secret in secrets {
            assert!(
                !body.contains(&secret),
                "the extract for {} gives away {secret} of {}",
                requester.application_no,
                a.application_no
            );
        }
    }
}

const PERSONAL: [&str; 6] = [
    "application_no",
    "full_name",
    "codice_fiscale",
    "birth_date",
    "email",
    "phone",
];

async fn the_requester_in_full_and_the_others_by_initials(app: TestApp) {
    let f = Fixture::new(&app).await;
    let requester = &f.list[2];
    let v = f.json(&app, &requester.application_no).await;
    assert_eq!(v["selection_id"], f.id);
    assert_eq!(v["province"], "NA");
    assert_eq!(v["version"], 1);
    assert_eq!(v["application_no"], requester.application_no);
    let entries = v["entries"].as_array().unwrap();
    let initials: Vec<&str> = entries
        .iter()
        .map(|e| e["initials"].as_str().unwrap())
        .collect();
    assert_eq!(initials, ["M. G. D.", "L. R. B.", "È. D. L.", "N. C."]);

    // The requester's own entry, in full.
    let own = &entries[1];
    assert_eq!(own["requester"], true);
    assert_eq!(own["position"], 2);
    assert_eq!(own["application_no"], requester.application_no);
    assert_eq!(own["full_name"], "Luca Rossi-Bianchi");
    assert_eq!(own["codice_fiscale"], requester.codice_fiscale);
    assert_eq!(own["birth_date"], requester.birth_date.to_string());
    assert_eq!(own["email"], requester.email);
    assert_eq!(
        (&own["right"], &own["wrong"], &own["blank"]),
        (&json!(88), &json!(2), &json!(10))
    );
    assert_eq!(own["score"].as_f64(), Some(87.2));
    assert_eq!(own["status"], "winner");

    // Everyone else: initials and the titles, nothing that names them.
    for e in entries.iter().filter(|e| e["requester"] == false) {
        for field in PERSONAL {
            assert!(e[field].is_null(), "{field} shown in {e}");
        }
    }
    assert_eq!(entries.iter().filter(|e| e["requester"] == true).count(), 1);
    hides_everyone_but(&v.to_string(), &f.list, requester);

    // The same positions and titles as the ranking itself.
    let ranking = json_of(app.ranking(&f.hr, &f.id, "NA", "").await, StatusCode::OK).await;
    let titles = |e: &Value| {
        [
            "position",
            "score",
            "degree_grade",
            "degree_honours",
            "status",
            "decided_by",
        ]
        .map(|k| e[k].clone())
    };
    let of_ranking: Vec<_> = ranking["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(titles)
        .collect();
    let of_extract: Vec<_> = entries.iter().map(titles).collect();
    assert_eq!(of_extract, of_ranking);
    assert_eq!(entries[0]["right"], 90);
    assert_eq!(entries[0]["wrong"], 0);
    assert_eq!(entries[0]["blank"], 10);
}
both_engines!(the_requester_in_full_and_the_others_by_initials);

/// A CSV cell as the JSON value it stands for.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn csv_agrees_with_json(app: TestApp) {
    let f = Fixture::new(&app).await;
    for requester in [&f.list[0], &f.list[6]] {
        let no = &requester.application_no;
        let v = f.json(&app, no).await;
        let (disposition, text) = f.csv(&app, no).await;
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert!(
            disposition.contains(&format!("filename=\"ranking-extract-NA-v1-{no}.csv\"")),
            "{disposition}"
        );
        hides_everyone_but(&text, &f.list, requester);

        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let entries = v["entries"].as_array().unwrap();
        // Every field of an entry is a column.
        let fields: Vec<String> = entries[0].as_object().unwrap().keys().cloned().collect();
        let mut sorted = header.clone();
        sorted.sort();
        let mut keys = fields.clone();
        keys.sort();
        assert_eq!(sorted, keys);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), entries.len());
        for (row, entry) in rows.iter().zip(entries) {
            for (column, got) in header.iter().zip(row.iter()) {
                if column == "score" {
                    assert_eq!(got.parse::<f64>().ok(), entry["score"].as_f64());
                } else {
                    assert_eq!(got, cell(&entry[column]), "{column} of {entry}");
                }
            }
        }
        let own: Vec<&csv::StringRecord> =
            rows.iter().filter(|r| r.get(1) == Some("true")).collect();
        assert_eq!(own.len(), 1);
        assert!(own[0].iter().any(|c| c == requester.codice_fiscale));
    }
}
both_engines!(csv_agrees_with_json);

async fn each_extract_is_in_the_audit_log(app: TestApp) {
    let f = Fixture::new(&app).await;
    let requester = &f.list[4];
    let me = json_of(app.me(&f.hr).await, StatusCode::OK).await;
    f.json(&app, &requester.application_no).await;
    f.csv(&app, &requester.application_no).await;

    let lines = f.extracted(&app).await;
    assert_eq!(lines.len(), 2);
    // Newest first.
    for (line, format) in lines.iter().zip(["csv", "json"]) {
        assert_eq!(line["actor"], me["id"]);
        assert_eq!(line["entity"], "ranking");
        assert_eq!(line["entity_id"], format!("{}/NA", f.id));
        let after = &line["after"];
        assert_eq!(after["selection_id"], f.id);
        assert_eq!(after["province"], "NA");
        assert_eq!(after["version"], 1);
        assert_eq!(after["application_no"], requester.application_no);
        assert_eq!(after["format"], format);
        assert!(!line["request_id"].is_null());
        // Who it was made for, by number only.
        let text = line.to_string();
        for secret in [
            requester.codice_fiscale.clone(),
            requester.email.clone(),
            requester.last_name.clone(),
            requester.birth_date.to_string(),
        ] {
            assert!(!text.contains(&secret), "{secret} in {text}");
        }
    }
}
both_engines!(each_extract_is_in_the_audit_log);

async fn an_application_outside_the_ranking_is_not_found(app: TestApp) {
    let f = Fixture::new(&app).await;
    // A CE applicant is in a ranking, but not in NA's.
    for no in [f.list[1].application_no.as_str(), "X999999"] {
        let r = app
            .ranking_extract(
                Some(&f.hr),
                &f.id,
                "NA",
                &format!("?application_no={no}"),
                None,
            )
            .await;
        let p = problem(r, 404).await;
        assert_eq!(p["type"], "not-found");
    }
    // The CE applicant's own extract is CE's.
    let r = app
        .ranking_extract(
            Some(&f.hr),
            &f.id,
            "ce",
            &format!("?application_no={}", f.list[1].application_no),
            None,
        )
        .await;
    let ce = json_of(r, StatusCode::OK).await;
    assert_eq!(ce["province"], "CE");
    assert_eq!(ce["entries"].as_array().unwrap().len(), 4);

    // No selection, no province.
    let no = &f.list[0].application_no;
    let r = app
        .ranking_extract(
            Some(&f.hr),
            &uuid::Uuid::new_v4().to_string(),
            "NA",
            &format!("?application_no={no}"),
            None,
        )
        .await;
    problem(r, 404).await;
    let r = app
        .ranking_extract(
            Some(&f.hr),
            &f.id,
            "ZZ",
            &format!("?application_no={no}"),
            None,
        )
        .await;
    problem(r, 404).await;
    // A province without a ranking.
    let r = app
        .ranking_extract(
            Some(&f.hr),
            &f.id,
            "MI",
            &format!("?application_no={no}"),
            None,
        )
        .await;
    let p = problem(r, 409).await;
    assert_eq!(p["type"], "ranking-not-published");
    // Only the CE extract was made.
    assert_eq!(f.extracted(&app).await.len(), 1);
}
both_engines!(an_application_outside_the_ranking_is_not_found);

async fn the_application_number_is_required(app: TestApp) {
    let f = Fixture::new(&app).await;
    for query in ["", "?application_no=", "?application_no=%20%20"] {
        for accept in [None, CSV] {
            let r = app
                .ranking_extract(Some(&f.hr), &f.id, "NA", query, accept)
                .await;
            let p = problem(r, 400).await;
            assert_eq!(p["type"], "invalid-query-parameter");
            assert_eq!(p["errors"][0]["field"], "application_no", "{query}");
        }
    }
    assert!(f.extracted(&app).await.is_empty());
}
both_engines!(the_application_number_is_required);

async fn the_extract_reads_the_version_in_force(app: TestApp) {
    let f = Fixture::new(&app).await;
    // A correction puts NA's last applicant first.
    let last = &f.list[6];
    let reason = "rettifica: punteggio ricalcolato";
    let r = app
        .post(
            &format!("/selections/{}/rankings/NA/corrections", f.id),
            Some(&f.hr),
            &json!({ "reason": reason, "results": [{ "application_no": last.application_no, "right": 99, "wrong": 0, "blank": 1 }] }),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::CREATED).await["version"], 2);

    let v = f.json(&app, &last.application_no).await;
    assert_eq!(v["version"], 2);
    assert_eq!(v["reason"], reason);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries[0]["requester"], true);
    assert_eq!(entries[0]["application_no"], last.application_no);
    assert_eq!(entries[0]["score"].as_f64(), Some(99.0));
    assert_eq!(entries[0]["right"], 99);
    assert_eq!(entries[0]["status"], "winner");
    let initials: Vec<&str> = entries
        .iter()
        .map(|e| e["initials"].as_str().unwrap())
        .collect();
    assert_eq!(initials, ["N. C.", "M. G. D.", "L. R. B.", "È. D. L."]);
    hides_everyone_but(&v.to_string(), &f.list, last);

    let (disposition, _) = f.csv(&app, &last.application_no).await;
    assert!(disposition.contains("-v2-"), "{disposition}");
    let lines = f.extracted(&app).await;
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["after"]["version"] == 2));
}
both_engines!(the_extract_reads_the_version_in_force);

async fn only_hr_makes_extracts(app: TestApp) {
    let f = Fixture::new(&app).await;
    let query = format!("?application_no={}", f.list[0].application_no);
    let admin = app.admin_token().await;
    let coordinator = app.user_with_role("coordinator", &["15"]).await;
    let trainer = app.user_with_role("trainer", &[]).await;
    for token in [&admin, &coordinator, &trainer] {
        for q in [query.as_str(), ""] {
            let r = app.ranking_extract(Some(token), &f.id, "NA", q, None).await;
            let p = problem(r, 403).await;
            assert_eq!(p["type"], "forbidden");
        }
    }
    let r = app.ranking_extract(None, &f.id, "NA", &query, CSV).await;
    problem(r, 401).await;
    assert!(f.extracted(&app).await.is_empty());
}
both_engines!(only_hr_makes_extracts);
