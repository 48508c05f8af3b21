//! Selection, rankings and scorrimento, end to end.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use navigator_e2e::endpoints::problem;
use navigator_e2e::selection::{
    applicants, applications_csv, results_csv, Applicant, APPLICATIONS_HEADER,
};
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

async fn the_pipeline_from_applications_to_an_accepted_offer(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (id, list) = app
        .published_selection(&hr, &[("NA", 2), ("CE", 1)], 5)
        .await;

    let ranking: Value = app.ranking(&hr, &id, "NA", "").await.json().await.unwrap();
    let entries = ranking["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0]["application_no"], list[0].application_no);
    assert_eq!(entries[0]["status"], "winner");
    assert_eq!(entries[1]["status"], "winner");
    assert_eq!(entries[2]["status"], "reserve");
    assert_eq!(entries[0]["decided_by"], "score");
    assert_eq!(entries[4]["decided_by"], "last");

    let seats: Value = app.seats(&hr, &id, "").await.json().await.unwrap();
    let na = seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["province"] == "NA")
        .unwrap()
        .clone();
    assert_eq!(
        (na["posts"].as_i64(), na["vacant"].as_i64()),
        (Some(2), Some(2))
    );

    let r = app.call(&hr, &id, "NA", &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let offer: Value = r.json().await.unwrap();
    assert_eq!(offer["application_no"], list[0].application_no);
    assert_eq!(offer["status"], "pending");

    let mail = app.wait_for_mail(&list[0].email).await;
    let token = token_in(&mail);
    let accepted: Value = app.respond(&token, "accept").await.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let again = problem(app.respond(&token, "decline").await, 400).await;
    assert_eq!(again["type"], "one-time-token-invalid");

    let seats: Value = app.seats(&hr, &id, "").await.json().await.unwrap();
    let na = seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["province"] == "NA")
        .unwrap()
        .clone();
    // Accepted, no contract signed yet: held, not filled.
    assert_eq!(
        (
            na["filled"].as_i64(),
            na["accepted_unsigned"].as_i64(),
            na["pending_offers"].as_i64(),
            na["vacant"].as_i64()
        ),
        (Some(0), Some(1), Some(0), Some(1))
    );
}
both_engines!(the_pipeline_from_applications_to_an_accepted_offer);

// ---------------------------------------------------------------- helpers

/// The body of an answer with the expected status; the body is shown when
/// the status differs.
async fn body(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A problem's `errors` as sorted `(line, field, code)`.
fn errors_of(p: &Value) -> Vec<(Option<i64>, String, String)> {
    let mut v: Vec<_> = p["errors"]
        .as_array()
        .expect("an errors list")
        .iter()
        .map(|e| {
            (
                e["line"].as_i64(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn expected(list: &[(Option<i64>, &str, &str)]) -> Vec<(Option<i64>, String, String)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(l, f, c)| (*l, (*f).to_owned(), (*c).to_owned()))
        .collect();
    v.sort();
    v
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The eleven cells of an applicant's CSV row.
fn cells(a: &Applicant) -> Vec<String> {
    vec![
        a.application_no.clone(),
        a.codice_fiscale.clone(),
        a.first_name.clone(),
        a.last_name.clone(),
        a.birth_date.to_string(),
        a.email.clone(),
        String::new(),
        a.province.clone(),
        "LM-56".into(),
        a.degree_grade.to_string(),
        a.degree_honours.to_string(),
    ]
}

/// A CSV file: the header and these rows.
fn file(rows: &[Vec<String>]) -> String {
    let mut out = format!("{APPLICATIONS_HEADER}\n");
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

/// A codice fiscale with a wrong check character.
fn wrong_check(cf: &str) -> String {
    let last = cf.chars().last().unwrap();
    let other = if last == 'A' { 'B' } else { 'A' };
    format!("{}{other}", &cf[..15])
}

async fn entries(app: &TestApp, token: &str, id: &str, sigla: &str, query: &str) -> Vec<Value> {
    let v = body(app.ranking(token, id, sigla, query).await, StatusCode::OK).await;
    v["entries"].as_array().unwrap().clone()
}

/// `(application_no, position, score, status, decided_by)` of each entry.
fn summary(entries: &[Value]) -> Vec<(String, i64, f64, String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["application_no"].as_str().unwrap().to_owned(),
                e["position"].as_i64().unwrap(),
                e["score"].as_f64().unwrap(),
                e["status"].as_str().unwrap().to_owned(),
                e["decided_by"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn audit_lines(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let v = body(
        app.audit(token, &format!("?limit=500{query}")).await,
        StatusCode::OK,
    )
    .await;
    v["items"].as_array().unwrap().clone()
}

/// One applicant of the graded selection: label, province, grade, honours,
/// birth date, right and wrong answers (the rest blank).
type Spec = (
    &'static str,
    &'static str,
    i64,
    bool,
    &'static str,
    i64,
    i64,
);

/// A selection whose rankings exercise every tie-break, published on
/// 2019-06-24: NA (2 posts), CE (1 post, Campania) and RM (1 post, Lazio).
/// Expected NA order, with why each beats the next:
/// a1 90 (score), a2 85 grade 110 (degree_grade), a3 85 grade 105 (score),
/// a4 80 younger (age), a5 80 (score), a11 76 = 80 - 0.4 x 10 (score),
/// a6 70 with honours (honours), a7 70 (score), a8 65 lower number
/// (application_number), a9 65 (score), a12 60 = 62 - 0.4 x 5 (last);
/// a10 50 and a13 59 are below the pass mark.
const GRADED: [Spec; 16] = [
    ("a1", "NA", 100, false, "1985-06-01", 90, 0),
    ("a2", "NA", 110, false, "1980-01-01", 85, 0),
    ("a3", "NA", 105, false, "1990-01-01", 85, 0),
    ("a4", "NA", 100, false, "1990-05-01", 80, 0),
    ("a5", "NA", 100, false, "1985-01-01", 80, 0),
    ("a6", "NA", 110, true, "1980-01-01", 70, 0),
    ("a7", "NA", 110, false, "1995-01-01", 70, 0),
    ("a8", "NA", 99, false, "1988-03-03", 65, 0),
    ("a9", "NA", 99, false, "1988-03-03", 65, 0),
    ("a10", "NA", 100, false, "1985-01-01", 50, 0),
    ("a11", "NA", 100, false, "1984-01-01", 80, 10),
    ("a12", "NA", 100, false, "1984-01-01", 62, 5),
    ("a13", "NA", 100, false, "1984-01-01", 61, 5),
    ("c1", "CE", 100, false, "1985-01-01", 70, 0),
    ("c2", "CE", 100, false, "1985-01-01", 75, 0),
    ("r1", "RM", 100, false, "1985-01-01", 80, 0),
];

struct Graded {
    id: String,
    people: BTreeMap<&'static str, Applicant>,
}

impl Graded {
    fn no(&self, label: &str) -> String {
        self.people[label].application_no.clone()
    }
}

/// The applicants, their results and the applicants by label.
type GradedPeople = (
    Vec<Applicant>,
    Vec<(String, i64, i64)>,
    BTreeMap<&'static str, Applicant>,
);

fn graded_people() -> GradedPeople {
    let base = applicants(GRADED.len(), &["NA"], 3, "G");
    let mut list = Vec::new();
    let mut results = Vec::new();
    let mut people = BTreeMap::new();
    for (i, (label, province, grade, honours, birth, right, wrong)) in GRADED.iter().enumerate() {
        let mut a = base[i].clone();
        a.province = (*province).to_owned();
        a.degree_grade = *grade;
        a.degree_honours = *honours;
        a.birth_date = d(birth);
        results.push((a.application_no.clone(), *right, *wrong));
        people.insert(*label, a.clone());
        list.push(a);
    }
    (list, results, people)
}

async fn graded_selection(app: &TestApp, hr: &str) -> Graded {
    let (list, results, people) = graded_people();
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    let id = app
        .selection_with_results(
            hr,
            &[("NA", 2), ("CE", 1), ("RM", 1)],
            &list,
            &refs,
            "2019-06-24",
        )
        .await;
    Graded { id, people }
}

fn expected_na(g: &Graded) -> Vec<(String, i64, f64, String, String)> {
    [
        ("a1", 90.0, "score"),
        ("a2", 85.0, "degree_grade"),
        ("a3", 85.0, "score"),
        ("a4", 80.0, "age"),
        ("a5", 80.0, "score"),
        ("a11", 76.0, "score"),
        ("a6", 70.0, "honours"),
        ("a7", 70.0, "score"),
        ("a8", 65.0, "application_number"),
        ("a9", 65.0, "score"),
        ("a12", 60.0, "last"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (label, score, by))| {
        let position = i as i64 + 1;
        let status = if position <= 2 { "winner" } else { "reserve" };
        (
            g.no(label),
            position,
            *score,
            status.to_owned(),
            (*by).to_owned(),
        )
    })
    .collect()
}

// ---------------------------------------------------------------- selections

async fn a_selection_takes_the_2019_defaults(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let r = app
        .create_selection(
            &hr,
            &json!({ "code": "ANPAL-NAV-2019", "title": "Avviso pubblico Navigator", "published_on": "2019-04-18" }),
        )
        .await;
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let s = body(r, StatusCode::CREATED).await;
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/selections/{id}").as_str())
    );
    assert_eq!(s["code"], "ANPAL-NAV-2019");
    assert_eq!(s["title"], "Avviso pubblico Navigator");
    assert_eq!(s["published_on"], "2019-04-18");
    assert_eq!(s["questions"], 100);
    assert_eq!(s["pass_mark"], 60);
    assert_eq!(s["wrong_penalty"].as_f64(), Some(0.4));
    assert_eq!(s["admission_multiplier"], 20);
    assert_eq!(s["offer_days"], 7);
    assert_eq!(s["ranking_valid_months"], 24);
    assert_eq!(s["annual_pay_cents"], 2_733_876);
    assert_eq!(s["monthly_expenses_cents"], 30_000);
    assert_eq!(s["contract_end"], "2021-04-30");
    assert_eq!(s["decline_is_final"], true);
    assert_eq!(s["admission_done"], false);
    assert!(s["rankings_published_on"].is_null());

    // Read back, alone and in the list.
    let one = body(
        app.get(&format!("/selections/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one, s);
    let all = body(app.get("/selections", Some(&hr)).await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap(), &vec![s.clone()]);

    // Explicit rules are kept as given.
    let r = app
        .create_selection(
            &hr,
            &json!({
                "code": "NAV-2020",
                "title": "Secondo avviso",
                "published_on": "2020-02-01",
                "pass_mark": 55,
                "wrong_penalty": 0.25,
                "admission_multiplier": 10,
                "offer_days": 5,
                "ranking_valid_months": 36,
                "annual_pay_cents": 2_800_000,
                "monthly_expenses_cents": 25_000,
                "contract_end": "2022-12-31"
            }),
        )
        .await;
    let s = body(r, StatusCode::CREATED).await;
    assert_eq!(s["pass_mark"], 55);
    assert_eq!(s["wrong_penalty"].as_f64(), Some(0.25));
    assert_eq!(s["admission_multiplier"], 10);
    assert_eq!(s["offer_days"], 5);
    assert_eq!(s["ranking_valid_months"], 36);
    assert_eq!(s["annual_pay_cents"], 2_800_000);
    assert_eq!(s["monthly_expenses_cents"], 25_000);
    assert_eq!(s["contract_end"], "2022-12-31");
}
both_engines!(a_selection_takes_the_2019_defaults);

async fn every_bad_selection_field_is_named(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let r = app
        .create_selection(
            &hr,
            &json!({
                "code": "codice con spazi",
                "title": "  ",
                "published_on": "2019-04-18",
                "questions": 0,
                "pass_mark": 101,
                "wrong_penalty": 1.5,
                "admission_multiplier": 0,
                "offer_days": 0,
                "ranking_valid_months": 121,
                "annual_pay_cents": -1,
                "monthly_expenses_cents": -1,
                "contract_end": "2019-04-01"
            }),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["type"], "validation-failed");
    let mut fields: Vec<String> = errors_of(&p).into_iter().map(|(_, f, _)| f).collect();
    fields.sort();
    let mut want = vec![
        "code",
        "title",
        "questions",
        "pass_mark",
        "wrong_penalty",
        "admission_multiplier",
        "offer_days",
        "ranking_valid_months",
        "annual_pay_cents",
        "monthly_expenses_cents",
        "contract_end",
    ];
    want.sort();
    assert_eq!(fields, want);
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["line"].is_null()),
        "no line numbers outside files"
    );

    // Nothing was created.
    let all = body(app.get("/selections", Some(&hr)).await, StatusCode::OK).await;
    assert_eq!(all, json!({ "items": [], "next_cursor": null }));

    // A penalty with too many decimals is named along with the other bad fields.
    let r = app
        .create_selection(
            &hr,
            &json!({ "code": "codice con spazi", "title": "Avviso", "published_on": "2019-04-18", "wrong_penalty": 0.125 }),
        )
        .await;
    let p = problem(r, 422).await;
    let fields: Vec<String> = errors_of(&p).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(fields, vec!["code", "wrong_penalty"], "{p}");
}
both_engines!(every_bad_selection_field_is_named);

async fn a_selection_code_is_used_once(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let first =
        json!({ "code": "ANPAL-NAV-2019", "title": "Avviso", "published_on": "2019-04-18" });
    body(app.create_selection(&hr, &first).await, StatusCode::CREATED).await;
    let p = problem(app.create_selection(&hr, &first).await, 409).await;
    assert_eq!(p["type"], "selection-exists");
    // The code is compared after trimming.
    let padded =
        json!({ "code": " ANPAL-NAV-2019 ", "title": "Altro", "published_on": "2019-05-01" });
    let p = problem(app.create_selection(&hr, &padded).await, 409).await;
    assert_eq!(p["type"], "selection-exists");
    let all = body(app.get("/selections", Some(&hr)).await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}
both_engines!(a_selection_code_is_used_once);

async fn only_hr_runs_a_selection(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let coordinator = app.user_with_role("coordinator", &["15"]).await;
    let admin = app.admin_token().await;
    let id = app.selection_id(&hr).await;
    let new = json!({ "code": "NAV-X", "title": "Avviso", "published_on": "2019-04-18" });
    for token in [&coordinator, &admin] {
        let p = problem(app.create_selection(token, &new).await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.get("/selections", Some(token)).await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(
            app.get(&format!("/selections/{id}"), Some(token)).await,
            403,
        )
        .await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.put_posts(token, &id, &[("NA", 3)]).await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let list = applicants(1, &["NA"], 1, "H");
        let p = problem(
            app.import_applications(token, &id, &applications_csv(&list))
                .await,
            403,
        )
        .await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.admission(token, &id).await, 403).await;
        assert_eq!(p["type"], "forbidden");
        let p = problem(app.publish(token, &id, "2019-06-24").await, 403).await;
        assert_eq!(p["type"], "forbidden");
    }
    let p = problem(app.get("/selections", None).await, 401).await;
    assert_eq!(p["type"], "token-missing");
    // Nothing was changed by the refused calls.
    let all = body(app.get("/selections", Some(&hr)).await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    let seats = body(app.seats(&hr, &id, "").await, StatusCode::OK).await;
    assert_eq!(seats, json!({ "items": [], "next_cursor": null }));
}
both_engines!(only_hr_runs_a_selection);

async fn posts_are_set_per_known_province(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let id = app.selection_id(&hr).await;
    let set = body(
        app.put_posts(&hr, &id, &[("NA", 274), ("CE", 80)]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        set,
        json!([{ "province": "CE", "posts": 80 }, { "province": "NA", "posts": 274 }])
    );

    let r = app
        .put(
            &format!("/selections/{id}/posts"),
            Some(&hr),
            &json!([
                { "province": "XX", "posts": 3 },
                { "province": "NA", "posts": -1 },
                { "province": "N1", "posts": 2 },
                { "province": "CE", "posts": 2 },
                { "province": "CE", "posts": 3 }
            ]),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["type"], "validation-failed");
    assert_eq!(
        errors_of(&p),
        expected(&[
            (None, "[0].province", "unknown-province"),
            (None, "[1].posts", "must-not-be-negative"),
            (None, "[2].province", "invalid-province-sigla"),
            (None, "[4].province", "duplicate"),
        ])
    );

    // Nothing changed; a later PUT touches only the provinces it lists.
    let set = body(app.put_posts(&hr, &id, &[("NA", 5)]).await, StatusCode::OK).await;
    assert_eq!(
        set,
        json!([{ "province": "CE", "posts": 80 }, { "province": "NA", "posts": 5 }])
    );
    let seats = body(app.seats(&hr, &id, "").await, StatusCode::OK).await;
    let got: Vec<(String, i64, i64)> = seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["province"].as_str().unwrap().to_owned(),
                s["posts"].as_i64().unwrap(),
                s["vacant"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![("CE".into(), 80, 80), ("NA".into(), 5, 5)]);
}
both_engines!(posts_are_set_per_known_province);

// ---------------------------------------------------------------- applications

async fn an_applications_file_loads_whole_or_not_at_all(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let id = app.selection_id(&hr).await;
    body(
        app.put_posts(&hr, &id, &[("NA", 2), ("RM", 1), ("MI", 0)])
            .await,
        StatusCode::OK,
    )
    .await;
    let list = applicants(20, &["NA", "RM"], 11, "B");

    // A good file.
    let good = body(
        app.import_applications(&hr, &id, &applications_csv(&list[..3]))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(good["imported"], 3);

    // A wrong header rejects the file at line 1.
    let wrong_header = applications_csv(&list[3..5]).replacen("degree_honours", "honours", 1);
    let p = problem(app.import_applications(&hr, &id, &wrong_header).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(
        errors_of(&p),
        expected(&[(Some(1), "header", "wrong-header")])
    );

    // Every bad row is named by line and field.
    let row = |i: usize| cells(&list[i]);
    let mut rows = Vec::new();
    rows.push(row(3)); // line 2: good
    let mut r = row(4);
    r[4] = "10/10/1980".into();
    rows.push(r); // line 3
    let mut r = row(5);
    r[9] = "111".into();
    rows.push(r); // line 4
    let mut r = row(6);
    r[9] = "65".into();
    rows.push(r); // line 5
    let mut r = row(7);
    r[9] = "108".into();
    r[10] = "true".into();
    rows.push(r); // line 6
    let mut r = row(8);
    r[1] = "RSSMRA85T10A56".into();
    rows.push(r); // line 7
    let mut r = row(9);
    r[1] = wrong_check(&list[9].codice_fiscale);
    rows.push(r); // line 8
    let mut r = row(10);
    r[1] = list[3].codice_fiscale.clone();
    rows.push(r); // line 9: same person as line 2
    let mut r = row(11);
    r[1] = list[0].codice_fiscale.clone();
    rows.push(r); // line 10: applied with the good file
    let mut r = row(12);
    r[0] = list[3].application_no.clone();
    rows.push(r); // line 11: number of line 2
    let mut r = row(13);
    r[0] = list[1].application_no.clone();
    rows.push(r); // line 12: number imported with the good file
    let mut r = row(14);
    r[7] = "MI".into();
    rows.push(r); // line 13: MI has no posts
    let mut r = row(15);
    r[10] = "yes".into();
    rows.push(r); // line 14
    rows.push(row(16)); // line 15: good
    let p = problem(app.import_applications(&hr, &id, &file(&rows)).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(
        errors_of(&p),
        expected(&[
            (Some(3), "birth_date", "invalid-date"),
            (Some(4), "degree_grade", "out-of-range"),
            (Some(5), "degree_grade", "out-of-range"),
            (Some(6), "degree_grade", "honours-need-110"),
            (Some(7), "codice_fiscale", "invalid-codice-fiscale-format"),
            (Some(8), "codice_fiscale", "invalid-codice-fiscale-check"),
            (Some(9), "codice_fiscale", "duplicate-in-file"),
            (Some(10), "codice_fiscale", "already-applied"),
            (Some(11), "application_no", "duplicate-in-file"),
            (Some(12), "application_no", "already-exists"),
            (Some(13), "province_sigla", "province-without-posts"),
            (Some(14), "degree_honours", "not-a-boolean"),
        ])
    );

    // Nothing of it was imported: its good rows import now, the rows of the
    // first file are still refused.
    let again = body(
        app.import_applications(&hr, &id, &file(&[row(3), row(16)]))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(again["imported"], 2);
    let p = problem(
        app.import_applications(&hr, &id, &applications_csv(&list[..1]))
            .await,
        422,
    )
    .await;
    assert_eq!(
        errors_of(&p),
        expected(&[
            (Some(2), "codice_fiscale", "already-applied"),
            (Some(2), "application_no", "already-exists"),
        ])
    );

    // Five applications in all: admission counts them per province.
    let admitted = body(app.admission(&hr, &id).await, StatusCode::OK).await;
    assert_eq!(admitted["admitted"], 5);
    let mut per: Vec<(String, i64, i64)> = admitted["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["province"].as_str().unwrap().to_owned(),
                p["applicants"].as_i64().unwrap(),
                p["admitted"].as_i64().unwrap(),
            )
        })
        .collect();
    per.sort();
    // Lines 2 and 15 of the bad file were NA's third and RM's second.
    assert_eq!(
        (list[3].province.as_str(), list[16].province.as_str()),
        ("RM", "NA")
    );
    assert_eq!(
        per,
        vec![
            ("MI".into(), 0, 0),
            ("NA".into(), 3, 3),
            ("RM".into(), 2, 2)
        ]
    );
}
both_engines!(an_applications_file_loads_whole_or_not_at_all);

async fn applications_close_once_admission_is_computed(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let id = app.selection_id(&hr).await;
    body(app.put_posts(&hr, &id, &[("NA", 1)]).await, StatusCode::OK).await;
    let list = applicants(4, &["NA"], 5, "D");
    body(
        app.import_applications(&hr, &id, &applications_csv(&list[..2]))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let p = problem(
        app.import_results(&hr, &id, &results_csv(&[(&list[0].application_no, 80, 0)]))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "admission-not-done");
    body(app.admission(&hr, &id).await, StatusCode::OK).await;
    let s = body(
        app.get(&format!("/selections/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["admission_done"], true);
    let p = problem(
        app.import_applications(&hr, &id, &applications_csv(&list[2..]))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "admission-done");
    // Admission may be computed again until publication, on the same applications.
    let again = body(app.admission(&hr, &id).await, StatusCode::OK).await;
    assert_eq!(again["admitted"], 2);
}
both_engines!(applications_close_once_admission_is_computed);

async fn admission_stops_at_the_multiplier_by_grade_then_age(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let s = body(
        app.create_selection(
            &hr,
            &json!({ "code": "NAV-AMM", "title": "Avviso", "published_on": "2019-04-18", "admission_multiplier": 1 }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    body(app.put_posts(&hr, &id, &[("NA", 2)]).await, StatusCode::OK).await;
    let mut list = applicants(4, &["NA"], 9, "P");
    // P0: best grade, oldest. P1 and P2 tie on grade; P2 is younger.
    // P3: the youngest, with the lowest grade.
    for (a, (grade, birth)) in list.iter_mut().zip([
        (110, "1975-01-01"),
        (105, "1990-01-01"),
        (105, "1992-06-30"),
        (100, "1999-12-31"),
    ]) {
        a.degree_grade = grade;
        a.degree_honours = false;
        a.birth_date = d(birth);
    }
    body(
        app.import_applications(&hr, &id, &applications_csv(&list))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let admitted = body(app.admission(&hr, &id).await, StatusCode::OK).await;
    assert_eq!(admitted["admitted"], 2);
    assert_eq!(
        admitted["provinces"],
        json!([{ "province": "NA", "posts": 2, "applicants": 4, "quota": 2, "admitted": 2 }])
    );

    // Results for someone not admitted are refused, naming the line.
    let all: Vec<(&str, i64, i64)> = list
        .iter()
        .map(|a| (a.application_no.as_str(), 80, 0))
        .collect();
    let p = problem(app.import_results(&hr, &id, &results_csv(&all)).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(
        errors_of(&p),
        expected(&[
            (Some(3), "application_no", "not-admitted"),
            (Some(5), "application_no", "not-admitted"),
        ])
    );
    let sat = [all[0], all[2]];
    let r = body(
        app.import_results(&hr, &id, &results_csv(&sat)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["imported"], 2);
    body(
        app.publish(&hr, &id, "2019-06-24").await,
        StatusCode::CREATED,
    )
    .await;
    let ranked: Vec<String> = entries(&app, &hr, &id, "NA", "")
        .await
        .iter()
        .map(|e| e["application_no"].as_str().unwrap().to_owned())
        .collect();
    // Same score: the better grade first.
    assert_eq!(
        ranked,
        vec![
            list[0].application_no.clone(),
            list[2].application_no.clone()
        ]
    );
}
both_engines!(admission_stops_at_the_multiplier_by_grade_then_age);

// ---------------------------------------------------------------- results

async fn results_are_checked_and_scored(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let id = app.selection_id(&hr).await;
    body(app.put_posts(&hr, &id, &[("NA", 1)]).await, StatusCode::OK).await;
    let list = applicants(4, &["NA"], 13, "R");
    body(
        app.import_applications(&hr, &id, &applications_csv(&list))
            .await,
        StatusCode::CREATED,
    )
    .await;
    body(app.admission(&hr, &id).await, StatusCode::OK).await;
    let n = |i: usize| list[i].application_no.as_str();

    let p = problem(
        app.import_results(
            &hr,
            &id,
            &format!("application_no,right,wrong\n{},80,20\n", n(0)),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors_of(&p),
        expected(&[(Some(1), "header", "wrong-header")])
    );

    let bad = format!(
        "application_no,right,wrong,blank\n\
         {},80,10,5\n\
         NON-ESISTE,80,10,10\n\
         {},-1,0,101\n\
         {},abc,0,100\n\
         {},90,0,10\n\
         {},90,0,10\n",
        n(0),
        n(1),
        n(2),
        n(3),
        n(3)
    );
    let p = problem(app.import_results(&hr, &id, &bad).await, 422).await;
    assert_eq!(p["type"], "file-rejected");
    assert_eq!(
        errors_of(&p),
        expected(&[
            (Some(2), "answers", "answers-must-sum-to-questions"),
            (Some(3), "application_no", "unknown-application"),
            (Some(4), "right", "must-not-be-negative"),
            (Some(5), "right", "not-a-number"),
            (Some(7), "application_no", "duplicate-in-file"),
        ])
    );

    // Nothing of it was stored: the good file leaves out line 6's candidate,
    // who must then be missing from the ranking.
    let good = format!(
        "application_no,right,wrong,blank\n\
         {},80,10,10\n\
         {},62,5,33\n\
         {},61,5,34\n",
        n(0),
        n(1),
        n(2)
    );
    let r = body(
        app.import_results(&hr, &id, &good).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (r["imported"].as_i64(), r["passed"].as_i64()),
        (Some(3), Some(2))
    );
    body(
        app.publish(&hr, &id, "2019-06-24").await,
        StatusCode::CREATED,
    )
    .await;
    let got: Vec<(String, f64)> = entries(&app, &hr, &id, "NA", "")
        .await
        .iter()
        .map(|e| {
            (
                e["application_no"].as_str().unwrap().to_owned(),
                e["score"].as_f64().unwrap(),
            )
        })
        .collect();
    // 80 - 0.4 x 10 = 76; 62 - 0.4 x 5 = 60 passes; 61 - 2 = 59 does not.
    assert_eq!(got, vec![(n(0).to_owned(), 76.0), (n(1).to_owned(), 60.0)]);
}
both_engines!(results_are_checked_and_scored);

// ---------------------------------------------------------------- rankings

async fn publishing_ranks_each_province_and_says_why(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (list, results, people) = graded_people();
    let id = app.selection_id(&hr).await;
    body(
        app.put_posts(&hr, &id, &[("NA", 2), ("CE", 1), ("RM", 1)])
            .await,
        StatusCode::OK,
    )
    .await;
    body(
        app.import_applications(&hr, &id, &applications_csv(&list))
            .await,
        StatusCode::CREATED,
    )
    .await;
    body(app.admission(&hr, &id).await, StatusCode::OK).await;
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    let r = body(
        app.import_results(&hr, &id, &results_csv(&refs)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (r["imported"].as_i64(), r["passed"].as_i64()),
        (Some(16), Some(14))
    );

    let published = body(
        app.publish(&hr, &id, "2019-06-24").await,
        StatusCode::CREATED,
    )
    .await;
    let mut rankings: Vec<Value> = published["rankings"].as_array().unwrap().clone();
    rankings.sort_by_key(|r| r["province"].as_str().unwrap().to_owned());
    let got: Vec<(String, i64, i64, i64, i64, String, String)> = rankings
        .iter()
        .map(|r| {
            (
                r["province"].as_str().unwrap().to_owned(),
                r["version"].as_i64().unwrap(),
                r["posts"].as_i64().unwrap(),
                r["entries"].as_i64().unwrap(),
                r["winners"].as_i64().unwrap(),
                r["published_on"].as_str().unwrap().to_owned(),
                r["valid_until"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let until = "2021-06-23".to_owned();
    let on = "2019-06-24".to_owned();
    assert_eq!(
        got,
        vec![
            ("CE".into(), 1, 1, 2, 1, on.clone(), until.clone()),
            ("NA".into(), 1, 2, 11, 2, on.clone(), until.clone()),
            ("RM".into(), 1, 1, 1, 1, on.clone(), until.clone()),
        ]
    );
    let g = Graded {
        id: id.clone(),
        people,
    };

    let view = body(app.ranking(&hr, &id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(view["version"], 1);
    assert_eq!(view["versions"], json!([1]));
    assert_eq!(view["posts"], 2);
    assert!(view["reason"].is_null());
    let na = view["entries"].as_array().unwrap();
    assert_eq!(summary(na), expected_na(&g));
    let first = &na[0];
    let a1 = &g.people["a1"];
    assert_eq!(
        first["full_name"],
        format!("{} {}", a1.first_name, a1.last_name)
    );
    assert_eq!(first["degree_grade"], 100);
    assert_eq!(first["birth_date"], "1985-06-01");
    assert_eq!(first["candidate_state"], "waiting");
    let below: Vec<String> = vec![g.no("a10"), g.no("a13")];
    assert!(na
        .iter()
        .all(|e| !below.contains(&e["application_no"].as_str().unwrap().to_owned())));

    let ce = entries(&app, &hr, &id, "CE", "").await;
    assert_eq!(
        summary(&ce),
        vec![
            (g.no("c2"), 1, 75.0, "winner".into(), "score".into()),
            (g.no("c1"), 2, 70.0, "reserve".into(), "last".into()),
        ]
    );
    let s = body(
        app.get(&format!("/selections/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["rankings_published_on"], "2019-06-24");

    // Published is frozen.
    let p = problem(app.publish(&hr, &id, "2019-06-25").await, 409).await;
    assert_eq!(p["type"], "rankings-published");
    let p = problem(
        app.import_results(&hr, &id, &results_csv(&[(&g.no("a10"), 99, 0)]))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "rankings-published");
    let p = problem(app.admission(&hr, &id).await, 409).await;
    assert_eq!(p["type"], "rankings-published");
    assert_eq!(
        summary(&entries(&app, &hr, &id, "NA", "").await),
        expected_na(&g)
    );
    let published = audit_lines(
        &app,
        &hr,
        &format!("&action=rankings.published&entity_id={id}"),
    )
    .await;
    assert_eq!(published.len(), 1);
}
both_engines!(publishing_ranks_each_province_and_says_why);

async fn a_correction_is_a_new_version_with_its_reason(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let g = graded_selection(&app, &hr).await;
    let id = &g.id;
    let path = format!("/selections/{id}/rankings/NA/corrections");

    let p = problem(
        app.post(&path, Some(&hr), &json!({ "reason": "   ", "results": [] }))
            .await,
        422,
    )
    .await;
    assert_eq!(errors_of(&p), expected(&[(None, "reason", "required")]));
    let p = problem(
        app.post(
            &path,
            Some(&hr),
            &json!({ "reason": "ricorso", "results": [{ "application_no": g.no("a5"), "right": 90, "wrong": 0, "blank": 0 }] }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        errors_of(&p),
        expected(&[(None, "results[0].answers", "answers-must-sum-to-questions")])
    );
    let p = problem(
        app.post(
            &format!("/selections/{id}/rankings/MI/corrections"),
            Some(&hr),
            &json!({ "reason": "ricorso" }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "ranking-not-published");
    // The refused corrections left no version behind.
    let v = body(app.ranking(&hr, id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v["versions"], json!([1]));

    let reason = "ricorso accolto: punteggio ricalcolato";
    let r = app
        .post(
            &path,
            Some(&hr),
            &json!({ "reason": reason, "published_on": "2019-09-02", "results": [{ "application_no": g.no("a5"), "right": 95, "wrong": 0, "blank": 5 }] }),
        )
        .await;
    let summary2 = body(r, StatusCode::CREATED).await;
    assert_eq!(summary2["version"], 2);
    assert_eq!(summary2["entries"], 11);
    assert_eq!(summary2["winners"], 2);

    let v2 = body(app.ranking(&hr, id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["versions"], json!([1, 2]));
    assert_eq!(v2["reason"], reason);
    let e2 = v2["entries"].as_array().unwrap();
    let order: Vec<String> = e2
        .iter()
        .map(|e| e["application_no"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order[0], g.no("a5"));
    assert_eq!(order[1], g.no("a1"));
    assert_eq!(order[2], g.no("a2"));
    assert_eq!(e2[0]["score"].as_f64(), Some(95.0));
    assert_eq!(
        (
            e2[0]["status"].as_str(),
            e2[1]["status"].as_str(),
            e2[2]["status"].as_str()
        ),
        (Some("winner"), Some("winner"), Some("reserve"))
    );

    // The first version still reads as published.
    let v1 = body(
        app.ranking(&hr, id, "NA", "?version=1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["versions"], json!([1, 2]));
    assert!(v1["reason"].is_null());
    assert_eq!(summary(v1["entries"].as_array().unwrap()), expected_na(&g));
    let p = problem(app.ranking(&hr, id, "NA", "?version=3").await, 404).await;
    assert_eq!(p["type"], "not-found");
    // Other provinces keep their one version.
    let ce = body(app.ranking(&hr, id, "CE", "").await, StatusCode::OK).await;
    assert_eq!(ce["versions"], json!([1]));

    // The audit log shows both the publication and the correction.
    let published = audit_lines(&app, &hr, "&action=rankings.published").await;
    assert_eq!(published.len(), 1);
    let corrected = audit_lines(&app, &hr, "&action=ranking.corrected").await;
    assert_eq!(corrected.len(), 1);
    assert_eq!(corrected[0]["before"]["version"], 1);
    assert_eq!(corrected[0]["after"]["version"], 2);
    assert_eq!(corrected[0]["after"]["reason"], reason);
    assert!(!corrected[0]["actor"].is_null());
}
both_engines!(a_correction_is_a_new_version_with_its_reason);

async fn the_database_refuses_to_change_a_published_ranking(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let g = graded_selection(&app, &hr).await;
    let before = body(app.ranking(&hr, &g.id, "NA", "").await, StatusCode::OK).await;
    let statements = [
        "UPDATE ranking_entries SET position = position + 100",
        "UPDATE ranking_entries SET status = 'winner'",
        "DELETE FROM ranking_entries",
        "UPDATE rankings SET reason = 'riscritta'",
        "UPDATE rankings SET posts = posts + 1",
        "DELETE FROM rankings",
    ];
    for sql in statements {
        let db = app.db.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            conn.batch_execute(sql)
        })
        .await
        .unwrap();
        let err = outcome.expect_err(sql);
        assert!(
            err.to_string().contains("immutable"),
            "{sql} failed for another reason: {err}"
        );
    }
    let after = body(app.ranking(&hr, &g.id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(after, before);
    assert_eq!(
        summary(after["entries"].as_array().unwrap()),
        expected_na(&g)
    );
}
both_engines!(the_database_refuses_to_change_a_published_ranking);

async fn coordinators_read_the_rankings_of_their_region_only(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let campania = app.user_with_role("coordinator", &["15"]).await;
    let g = graded_selection(&app, &hr).await;
    let id = &g.id;

    let na = body(app.ranking(&campania, id, "NA", "").await, StatusCode::OK).await;
    assert_eq!(summary(na["entries"].as_array().unwrap()), expected_na(&g));
    body(app.ranking(&campania, id, "CE", "").await, StatusCode::OK).await;
    // Lower case sigla is the same province.
    body(app.ranking(&campania, id, "na", "").await, StatusCode::OK).await;
    let p = problem(app.ranking(&campania, id, "RM", "").await, 403).await;
    assert_eq!(p["type"], "out-of-scope");
    let rm = body(app.ranking(&hr, id, "RM", "").await, StatusCode::OK).await;
    assert_eq!(rm["entries"].as_array().unwrap().len(), 1);

    // Seats: only their Region's provinces, and no other Region on request.
    let seats = body(app.seats(&campania, id, "").await, StatusCode::OK).await;
    let provinces: Vec<&str> = seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["province"].as_str().unwrap())
        .collect();
    assert_eq!(provinces, vec!["CE", "NA"]);
    let p = problem(app.seats(&campania, id, "?region=12").await, 403).await;
    assert_eq!(p["type"], "out-of-scope");

    // Reading is all they may do.
    let p = problem(app.call(&campania, id, "NA", &json!({})).await, 403).await;
    assert_eq!(p["type"], "forbidden");
    let p = problem(
        app.post(
            &format!("/selections/{id}/rankings/NA/corrections"),
            Some(&campania),
            &json!({ "reason": "ricorso" }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden");
    // Another Region's coordinator reads theirs, not Campania's.
    let lazio = app.user_with_role("coordinator", &["12"]).await;
    let p = problem(app.ranking(&lazio, id, "NA", "").await, 403).await;
    assert_eq!(p["type"], "out-of-scope");
    body(app.ranking(&lazio, id, "RM", "").await, StatusCode::OK).await;
}
both_engines!(coordinators_read_the_rankings_of_their_region_only);

async fn rankings_filter_by_status_and_seats_by_region(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let g = graded_selection(&app, &hr).await;
    let id = &g.id;
    let all = expected_na(&g);

    let winners = entries(&app, &hr, id, "NA", "?status=winner").await;
    assert_eq!(summary(&winners), all[..2].to_vec());
    let reserves = entries(&app, &hr, id, "NA", "?status=reserve").await;
    assert_eq!(summary(&reserves), all[2..].to_vec());
    let p = problem(app.ranking(&hr, id, "NA", "?status=vincitore").await, 400).await;
    assert_eq!(p["type"], "invalid-query-parameter");

    let seat = |s: &Value| {
        (
            s["province"].as_str().unwrap().to_owned(),
            s["region"].as_str().unwrap().to_owned(),
            s["posts"].as_i64().unwrap(),
            s["filled"].as_i64().unwrap(),
            s["pending_offers"].as_i64().unwrap(),
            s["vacant"].as_i64().unwrap(),
        )
    };
    let every: Vec<_> = body(app.seats(&hr, id, "").await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(seat)
        .collect();
    assert_eq!(
        every,
        vec![
            ("CE".into(), "15".into(), 1, 0, 0, 1),
            ("NA".into(), "15".into(), 2, 0, 0, 2),
            ("RM".into(), "12".into(), 1, 0, 0, 1),
        ]
    );
    let campania: Vec<_> = body(app.seats(&hr, id, "?region=15").await, StatusCode::OK).await
        ["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(seat)
        .collect();
    assert_eq!(campania, every[..2].to_vec());
    let lazio: Vec<_> = body(app.seats(&hr, id, "?region=12").await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(seat)
        .collect();
    assert_eq!(lazio, every[2..].to_vec());
}
both_engines!(rankings_filter_by_status_and_seats_by_region);
