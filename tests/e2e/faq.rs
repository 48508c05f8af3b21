//! The FAQ of "Question RdC" end to end: entries written from questions,
//! versioned, retired and read by every role; the Italian search, its
//! quality on a data set of Navigators' questions (`data/faq_search.json`),
//! and its ranking, the domain's own on every engine; bad input named by
//! field with nothing half-written.

use std::collections::{BTreeMap, BTreeSet};

use domain::faq::analysis::terms;
use domain::faq::ranking::{rank, score_value, IndexedText, Posting};
use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const QUESTION: &str = "0191e1a4-7c1e-7b0e-8f3a-3c2b1a0f9e8d";
const OTHER_QUESTION: &str = "0191e1a4-7c1e-7b0e-8f3a-3c2b1a0f9e8e";

/// The answered questions the entries of these tests come from.
fn given_answered_questions(app: &TestApp) {
    app.questions_at(&[QUESTION, OTHER_QUESTION], "answered");
}

#[derive(Debug, Deserialize)]
struct DataSet {
    entries: Vec<DataEntry>,
    questions: Vec<DataQuestion>,
}

#[derive(Debug, Deserialize)]
struct DataEntry {
    key: String,
    topic: String,
    title: String,
    answer: String,
}

#[derive(Debug, Deserialize)]
struct DataQuestion {
    q: String,
    expected: String,
}

fn data_set() -> DataSet {
    serde_json::from_str(include_str!("data/faq_search.json")).unwrap()
}

fn body(title: &str, answer: &str, topic: &str) -> Value {
    json!({ "title": title, "answer": answer, "topic": topic, "questions": [QUESTION] })
}

async fn write(app: &TestApp, token: &str, body: &Value) -> Value {
    json_of(
        app.post("/faqs", Some(token), body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    json_of(
        app.get(&format!("/faqs?{query}"), Some(token)).await,
        StatusCode::OK,
    )
    .await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The words a hit highlights, as `(field, word)`.
fn marked(hit: &Value) -> Vec<(String, String)> {
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let field = h["field"].as_str().unwrap();
            let text = hit[field].as_str().unwrap();
            let (s, e) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            (field.to_owned(), text.chars().skip(s).take(e - s).collect())
        })
        .collect()
}

fn query_of(q: &str) -> String {
    format!(
        "q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    )
}

// ------------------------------------------------------------ entries

async fn an_entry_is_versioned_retired_and_linked_to_its_questions(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;
    let expert = app.user_with_role("expert", &[]).await;
    let trainer = app.user_with_role("trainer", &[]).await;

    // An expert writes the entry; HR edits and retires it.
    let created = write(
        &app,
        &expert,
        &body(
            "Scadenza dell'ISEE",
            "L'ISEE scade il 31 dicembre.",
            "eligibility",
        ),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["version"], 1);
    assert_eq!(created["state"], "published");
    assert_eq!(created["questions"], json!([QUESTION]));

    // Every signed-in role reads it; a trainer may not write.
    let read = json_of(
        app.get(&format!("/faqs/{id}"), Some(&trainer)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["title"], "Scadenza dell'ISEE");
    let p = problem(
        app.post("/faqs", Some(&trainer), &body("T", "R", "privacy"))
            .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden");

    // An edit makes version 2 and links one more question; version 1 stays
    // readable.
    let edit = json!({
        "version": 1,
        "title": "Scadenza e rinnovo dell'ISEE",
        "answer": "L'ISEE scade il 31 dicembre: va rinnovato a gennaio.",
        "topic": "eligibility",
        "questions": [OTHER_QUESTION, QUESTION],
    });
    let edited = json_of(
        app.put(&format!("/faqs/{id}"), Some(&hr), &edit).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["title"], "Scadenza e rinnovo dell'ISEE");
    assert_eq!(edited["questions"], json!([QUESTION, OTHER_QUESTION]));
    let versions = json_of(
        app.get(&format!("/faqs/{id}/versions"), Some(&trainer))
            .await,
        StatusCode::OK,
    )
    .await;
    let titles: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Scadenza dell'ISEE", "Scadenza e rinnovo dell'ISEE"]
    );
    assert_eq!(versions[0]["version"], 1);

    // The search sees the new text only.
    let found = search(&app, &trainer, "q=rinnovo").await;
    assert_eq!(ids(&found), vec![id.clone()]);

    // An edit from a version read before someone else's edit is refused.
    let p = problem(app.put(&format!("/faqs/{id}"), Some(&hr), &edit).await, 409).await;
    assert_eq!(p["type"], "faq-changed");
    assert!(p["detail"].as_str().unwrap().contains('2'), "{p}");

    // Retired: hidden from the search and the list, readable by id.
    let retired = json_of(
        app.post(&format!("/faqs/{id}/retire"), Some(&hr), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retired["state"], "retired");
    assert!(retired["retired_at"].is_string());
    assert!(ids(&search(&app, &trainer, "q=isee").await).is_empty());
    assert!(ids(&search(&app, &trainer, "").await).is_empty());
    let read = json_of(
        app.get(&format!("/faqs/{id}"), Some(&trainer)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["state"], "retired");
    assert_eq!(read["version"], 2);

    // A retired entry is kept as it was.
    let mut again = edit.clone();
    again["version"] = json!(2);
    let p = problem(
        app.put(&format!("/faqs/{id}"), Some(&hr), &again).await,
        409,
    )
    .await;
    assert_eq!(p["type"], "faq-retired");
    let p = problem(
        app.post(&format!("/faqs/{id}/retire"), Some(&hr), &json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "faq-retired");

    // Unknown ids.
    for path in [
        "/faqs/0191e1a4-7c1e-7b0e-8f3a-000000000000".to_owned(),
        "/faqs/not-an-id/versions".to_owned(),
    ] {
        problem(app.get(&path, Some(&trainer)).await, 404).await;
    }

    // The audit log has each change.
    let audit = json_of(app.audit(&hr, "?limit=500").await, StatusCode::OK).await;
    let actions: BTreeSet<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == json!(id))
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        BTreeSet::from(["faq.written", "faq.edited", "faq.retired"])
    );
}
both_engines!(an_entry_is_versioned_retired_and_linked_to_its_questions);

async fn the_list_pages_through_the_published_entries(app: TestApp) {
    given_answered_questions(&app);
    let admin = app.admin_token().await;
    let mut written = Vec::new();
    for i in 0..5 {
        let topic = if i % 2 == 0 { "privacy" } else { "platforms" };
        let e = write(&app, &admin, &body(&format!("Voce {i}"), "Testo.", topic)).await;
        written.push(e["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = search(&app, &admin, &query).await;
        assert!(page["matches"].is_null());
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, written);
    let privacy = search(&app, &admin, "topic=privacy").await;
    assert_eq!(ids(&privacy).len(), 3);
}
both_engines!(the_list_pages_through_the_published_entries);

// ------------------------------------------------------------ bad input

async fn bad_input_is_named_by_field_and_nothing_is_written(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;

    let bad = json!({
        "title": "  ",
        "answer": "x".repeat(10_001),
        "topic": "meteo",
        "questions": ["non-un-id", QUESTION, QUESTION],
    });
    let p = problem(app.post("/faqs", Some(&hr), &bad).await, 422).await;
    assert_eq!(p["type"], "validation-failed");
    let fields: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("title", "required"),
            ("answer", "too-long"),
            ("questions[0]", "invalid-field"),
            ("questions[2]", "duplicate"),
        ]
    );
    // A topic that is not in the reference data, on a well-formed entry.
    let p = problem(
        app.post("/faqs", Some(&hr), &body("T", "R", "meteo")).await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "topic");
    assert_eq!(p["errors"][0]["code"], "unknown-topic");
    let p = problem(
        app.post(
            "/faqs",
            Some(&hr),
            &json!({ "title": "T", "answer": "R", "topic": "privacy", "questions": [] }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "questions");
    assert_eq!(p["errors"][0]["code"], "empty-list");
    let p = problem(
        app.post("/faqs", Some(&hr), &json!({ "title": "T" })).await,
        400,
    )
    .await;
    assert_eq!(p["type"], "missing-field");

    // An entry comes from questions that exist and had an answer, each
    // refusal named by its place.
    const UNKNOWN: &str = "0191e1a4-7c1e-7b0e-8f3a-000000000001";
    const STILL_OPEN: &str = "0191e1a4-7c1e-7b0e-8f3a-000000000002";
    const WITHDRAWN: &str = "0191e1a4-7c1e-7b0e-8f3a-000000000003";
    app.questions_at(&[STILL_OPEN], "open");
    app.questions_at(&[WITHDRAWN], "withdrawn");
    let from = json!({
        "title": "T", "answer": "R", "topic": "privacy",
        "questions": [QUESTION, UNKNOWN, STILL_OPEN, WITHDRAWN],
    });
    let p = problem(app.post("/faqs", Some(&hr), &from).await, 422).await;
    let fields: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("questions[1]", "unknown-question"),
            ("questions[2]", "question-not-answered"),
            ("questions[3]", "question-not-answered"),
        ],
        "{p}"
    );
    assert!(
        ids(&search(&app, &hr, "").await).is_empty(),
        "nothing written"
    );

    // The search's parameters.
    let long = "isee ".repeat(41);
    for (query, field, code) in [
        ("q=".to_owned(), "q", "required"),
        ("q=%20%20".to_owned(), "q", "required"),
        (query_of(&long), "q", "too-long"),
        ("q=isee&topic=meteo".to_owned(), "topic", "unknown-topic"),
        ("topic=meteo".to_owned(), "topic", "unknown-topic"),
    ] {
        let p = problem(app.get(&format!("/faqs?{query}"), Some(&hr)).await, 400).await;
        assert_eq!(p["type"], "invalid-query-parameter", "{query}");
        assert_eq!(p["errors"][0]["field"], field, "{query}");
        assert_eq!(p["errors"][0]["code"], code, "{query}");
    }
    for query in [
        "q=isee&limit=51",
        "q=isee&limit=0",
        "limit=501",
        "q=isee&cursor=abc",
        "cursor=abc",
    ] {
        let p = problem(app.get(&format!("/faqs?{query}"), Some(&hr)).await, 400).await;
        assert_eq!(p["type"], "invalid-query-parameter", "{query}");
    }

    // An edit with a broken field changes nothing.
    let e = write(&app, &hr, &body("Titolo", "Risposta", "privacy")).await;
    let id = e["id"].as_str().unwrap();
    let p = problem(
        app.put(
            &format!("/faqs/{id}"),
            Some(&hr),
            &json!({ "version": 1, "title": "Nuovo", "answer": "", "topic": "privacy" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "answer");
    // An edit adding a question that had no answer changes nothing either.
    let p = problem(
        app.put(
            &format!("/faqs/{id}"),
            Some(&hr),
            &json!({ "version": 1, "title": "Nuovo", "answer": "R", "topic": "privacy",
                     "questions": [STILL_OPEN] }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "questions[0]", "{p}");
    assert_eq!(p["errors"][0]["code"], "question-not-answered", "{p}");
    let read = json_of(
        app.get(&format!("/faqs/{id}"), Some(&hr)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (read["version"].clone(), read["title"].clone()),
        (json!(1), json!("Titolo"))
    );
}
both_engines!(bad_input_is_named_by_field_and_nothing_is_written);

// ------------------------------------------------------------ the search

async fn accents_and_word_endings_do_not_matter_and_matches_are_highlighted(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;
    let available = write(
        &app,
        &hr,
        &body(
            "Quando il beneficiario è disponibile",
            "Il beneficiario disponibile firma i patti al centro per l'impiego.",
            "conditionality",
        ),
    )
    .await;
    write(
        &app,
        &hr,
        &body("Privacy", "Nessun dato su WhatsApp.", "privacy"),
    )
    .await;

    let found = search(&app, &hr, &query_of("disponibilità")).await;
    assert_eq!(
        ids(&found),
        vec![available["id"].as_str().unwrap().to_owned()]
    );
    let hit = &found["items"][0];
    assert_eq!(
        marked(hit),
        vec![
            ("title".to_owned(), "disponibile".to_owned()),
            ("answer".to_owned(), "disponibile".to_owned()),
        ]
    );
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert_eq!(found["matches"], 1);

    let found = search(&app, &hr, "q=Patto").await;
    assert_eq!(
        marked(&found["items"][0]),
        vec![("answer".to_owned(), "patti".to_owned())]
    );
    // Folded accents and case, a topic that holds it and one that does not.
    assert_eq!(
        ids(&search(&app, &hr, "q=DISPONIBILITA%27&topic=conditionality").await).len(),
        1
    );
    assert!(ids(&search(&app, &hr, "q=disponibile&topic=privacy").await).is_empty());
    // Stop words only: nothing to look for, nothing found.
    let none = search(&app, &hr, &query_of("di la è")).await;
    assert!(ids(&none).is_empty());
    assert_eq!(none["matches"], 0);
}
both_engines!(accents_and_word_endings_do_not_matter_and_matches_are_highlighted);

/// The data set's entries written through the API: their ids by key.
async fn write_data_set(app: &TestApp, token: &str, data: &DataSet) -> BTreeMap<String, String> {
    let mut by_key = BTreeMap::new();
    for e in &data.entries {
        let created = write(
            app,
            token,
            &json!({ "title": e.title, "answer": e.answer, "topic": e.topic, "questions": [QUESTION] }),
        )
        .await;
        by_key.insert(e.key.clone(), created["id"].as_str().unwrap().to_owned());
    }
    by_key
}

/// The domain's ranking for `q` of `entries` (id, title, answer), as
/// `(id, score)` (the first ten), and how many match.
fn domain_ranking_of(entries: &[(String, String, String)], q: &str) -> (Vec<(String, f64)>, usize) {
    let query: BTreeSet<String> = terms(q).into_iter().collect();
    let mut postings = Vec::new();
    let mut total = 0;
    for (id, title, answer) in entries {
        let text = IndexedText::of(title, answer);
        total += text.length;
        for (term, weight) in &text.weights {
            postings.push(Posting {
                entry: id.clone(),
                term: term.clone(),
                weight: *weight,
                length: text.length,
            });
        }
    }
    let ranked = rank(&query, &postings, entries.len() as i64, total);
    let n = ranked.len();
    (
        ranked
            .into_iter()
            .take(10)
            .map(|r| (r.entry, score_value(r.score)))
            .collect(),
        n,
    )
}

/// The domain's ranking of the data set for `q`.
fn domain_ranking(
    data: &DataSet,
    ids: &BTreeMap<String, String>,
    q: &str,
) -> (Vec<(String, f64)>, usize) {
    let entries: Vec<(String, String, String)> = data
        .entries
        .iter()
        .map(|e| (ids[&e.key].clone(), e.title.clone(), e.answer.clone()))
        .collect();
    domain_ranking_of(&entries, q)
}

/// A search's results as `(id, score)`.
fn scored(page: &Value) -> Vec<(String, f64)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_owned(),
                h["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn navigators_questions_find_the_expected_entry_in_the_first_three(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;
    let reader = app.user_with_role("trainer", &[]).await;
    let data = data_set();
    assert!(data.entries.len() >= 25 && data.questions.len() >= 40);
    let by_key = write_data_set(&app, &hr, &data).await;
    let key_of: BTreeMap<&str, &str> = by_key
        .iter()
        .map(|(k, v)| (v.as_str(), k.as_str()))
        .collect();

    let mut in_top_three = 0;
    let mut first = 0;
    let mut misses = Vec::new();
    for question in &data.questions {
        let page = search(&app, &reader, &query_of(&question.q)).await;
        let found = ids(&page);
        if found.first() == Some(&by_key[&question.expected]) {
            first += 1;
        }
        if found
            .iter()
            .take(3)
            .any(|id| by_key[&question.expected] == *id)
        {
            in_top_three += 1;
        } else {
            let got: Vec<&str> = found.iter().take(3).map(|id| key_of[id.as_str()]).collect();
            misses.push(format!(
                "{:?}: expected {}, got {got:?}",
                question.q, question.expected
            ));
        }
        // Every engine gives the domain's ranking: the same entries in the
        // same order with the same scores.
        // Scores are whole millionths on every engine: equal, not close.
        let (expected, matches) = domain_ranking(&data, &by_key, &question.q);
        let got = scored(&page);
        assert_eq!(got, expected, "{:?}", question.q);
        assert_eq!(page["matches"], matches, "{:?}", question.q);
        // Each hit highlights at least one word.
        for hit in page["items"].as_array().unwrap() {
            assert!(!marked(hit).is_empty(), "{:?}: {hit}", question.q);
        }
    }
    let share = 100.0 * in_top_three as f64 / data.questions.len() as f64;
    eprintln!(
        "FAQ search quality ({}): {in_top_three}/{} questions ({share:.1} %) find the expected entry in the first three, {first} first; misses: {misses:#?}",
        navigator_e2e::bench::engine_name(app.engine),
        data.questions.len()
    );
    assert!(share >= 90.0, "{share:.1} %: {misses:#?}");
}
both_engines!(navigators_questions_find_the_expected_entry_in_the_first_three);

/// The ranking's figures (entries, lengths, entries per term) follow every
/// write, edit (a new text, another topic) and retirement: after them, each
/// engine still gives the domain's ranking of the entries as they are now,
/// over all topics and within one.
async fn the_ranking_follows_edits_and_retirements(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;
    let reader = app.user_with_role("trainer", &[]).await;
    let data = data_set();
    let by_key = write_data_set(&app, &hr, &data).await;
    // (id, title, answer, topic) as they stand.
    let mut now: BTreeMap<String, (String, String, String)> = data
        .entries
        .iter()
        .map(|e| {
            (
                by_key[&e.key].clone(),
                (e.title.clone(), e.answer.clone(), e.topic.clone()),
            )
        })
        .collect();
    let keys: Vec<&String> = by_key.keys().collect();
    for (i, key) in keys.iter().enumerate().take(12) {
        let id = by_key[*key].clone();
        if i % 3 == 0 {
            json_of(
                app.post(&format!("/faqs/{id}/retire"), Some(&hr), &json!({}))
                    .await,
                StatusCode::OK,
            )
            .await;
            now.remove(&id);
        } else {
            let (title, answer, _) = now[&id].clone();
            let text = (
                format!("{title}: ISEE e reddito"),
                format!("{answer} Il nucleo familiare rinnova l'ISEE ogni anno."),
                if i % 2 == 0 { "privacy" } else { "platforms" }.to_owned(),
            );
            json_of(
                app.put(
                    &format!("/faqs/{id}"),
                    Some(&hr),
                    &json!({ "version": 1, "title": text.0, "answer": text.1, "topic": text.2, "questions": [] }),
                )
                .await,
                StatusCode::OK,
            )
            .await;
            now.insert(id, text);
        }
    }
    for question in data.questions.iter().take(20) {
        for topic in [None, Some("privacy"), Some("eligibility")] {
            let entries: Vec<(String, String, String)> = now
                .iter()
                .filter(|(_, (_, _, t))| topic.is_none_or(|want| want == t))
                .map(|(id, (title, answer, _))| (id.clone(), title.clone(), answer.clone()))
                .collect();
            let (expected, matches) = domain_ranking_of(&entries, &question.q);
            let mut query = query_of(&question.q);
            if let Some(t) = topic {
                query.push_str(&format!("&topic={t}"));
            }
            let page = search(&app, &reader, &query).await;
            assert_eq!(scored(&page), expected, "{query}");
            assert_eq!(page["matches"], matches, "{query}");
        }
    }
}
both_engines!(the_ranking_follows_edits_and_retirements);

/// Each of `servers` ranks the entries `now` (id → title, answer) for each
/// of `questions` as the domain does.
async fn ranked_as_now(
    servers: &[&TestApp],
    reader: &str,
    questions: &[&str],
    now: &BTreeMap<String, (String, String)>,
) {
    let entries: Vec<(String, String, String)> = now
        .iter()
        .map(|(id, (title, answer))| (id.clone(), title.clone(), answer.clone()))
        .collect();
    for q in questions {
        let (expected, matches) = domain_ranking_of(&entries, q);
        for server in servers {
            let page = search(server, reader, &query_of(q)).await;
            assert_eq!(scored(&page), expected, "{q} on {}", server.address);
            assert_eq!(page["matches"], matches, "{q} on {}", server.address);
        }
    }
}

/// Each server ranks from a copy of the index it holds in memory: after a
/// write, an edit or a retirement made through either of two servers on one
/// database, a search on either, at once, gives the domain's ranking of the
/// entries as they are now (a copy made before the change is never used).
async fn every_server_searches_the_entries_as_they_are_now(app: TestApp) {
    given_answered_questions(&app);
    let other = app.replica().await;
    let hr = app.user_with_role("hr", &[]).await;
    let reader = app.user_with_role("trainer", &[]).await;
    let data = data_set();
    let mut now: BTreeMap<String, (String, String)> = BTreeMap::new();
    let servers = [&app, &other];
    let questions: Vec<&str> = data
        .questions
        .iter()
        .take(3)
        .map(|q| q.q.as_str())
        .chain(["rinnovo ISEE del nucleo familiare"])
        .collect();
    for (i, e) in data.entries.iter().take(8).enumerate() {
        let writer = servers[i % 2];
        let created = write(writer, &hr, &body(&e.title, &e.answer, &e.topic)).await;
        let id = created["id"].as_str().unwrap().to_owned();
        now.insert(id, (e.title.clone(), e.answer.clone()));
        ranked_as_now(&servers, &reader, &questions, &now).await;
    }
    let ids: Vec<String> = now.keys().cloned().collect();
    for (i, id) in ids.iter().enumerate().take(4) {
        let writer = servers[(i + 1) % 2];
        if i % 2 == 0 {
            let (title, answer) = now[id].clone();
            let text = (
                format!("{title}: rinnovo dell'ISEE"),
                format!("{answer} Il nucleo familiare rinnova l'ISEE ogni anno."),
            );
            json_of(
                writer
                    .put(
                        &format!("/faqs/{id}"),
                        Some(&hr),
                        &json!({ "version": 1, "title": text.0, "answer": text.1, "topic": "privacy", "questions": [] }),
                    )
                    .await,
                StatusCode::OK,
            )
            .await;
            now.insert(id.clone(), text);
        } else {
            json_of(
                writer
                    .post(&format!("/faqs/{id}/retire"), Some(&hr), &json!({}))
                    .await,
                StatusCode::OK,
            )
            .await;
            now.remove(id);
        }
        ranked_as_now(&servers, &reader, &questions, &now).await;
    }
}
both_engines!(every_server_searches_the_entries_as_they_are_now);

/// While a question is typed, its unfinished last word finds the words it
/// begins, and they are highlighted; a finished word does not.
async fn a_question_being_typed_finds_the_words_its_last_word_begins(app: TestApp) {
    given_answered_questions(&app);
    let hr = app.user_with_role("hr", &[]).await;
    let available = write(
        &app,
        &hr,
        &body(
            "Disponibilità al lavoro",
            "La dichiarazione di immediata disponibilità si rende online.",
            "conditionality",
        ),
    )
    .await;
    write(
        &app,
        &hr,
        &body("Privacy", "Nessun dato su WhatsApp.", "privacy"),
    )
    .await;
    let id = available["id"].as_str().unwrap().to_owned();

    let typed = search(&app, &hr, "q=disponib&typing=true").await;
    assert_eq!(ids(&typed), vec![id.clone()]);
    assert_eq!(
        marked(&typed["items"][0]),
        vec![
            ("title".to_owned(), "Disponibilità".to_owned()),
            ("answer".to_owned(), "disponibilità".to_owned()),
        ]
    );
    // The question's other words count as before; accents and case fold.
    let typed = search(&app, &hr, "q=lavoro%20DISPONIB&typing=true").await;
    assert_eq!(ids(&typed), vec![id.clone()]);
    // A finished word, or a search not made while typing, is a word as is.
    assert!(ids(&search(&app, &hr, "q=disponib").await).is_empty());
    assert!(ids(&search(&app, &hr, "q=disponib%20&typing=true").await).is_empty());
    assert!(ids(&search(&app, &hr, "q=disponib%3F&typing=true").await).is_empty());
    // Within a topic that lacks it, nothing.
    assert!(ids(&search(&app, &hr, "q=disponib&typing=true&topic=privacy").await).is_empty());
    // A retired entry's words find nothing any more.
    json_of(
        app.post(&format!("/faqs/{id}/retire"), Some(&hr), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(ids(&search(&app, &hr, "q=disponib&typing=true").await).is_empty());
}
both_engines!(a_question_being_typed_finds_the_words_its_last_word_begins);
