//! Problems in words: rules that used to reach users as their raw code
//! ("Regola violata: extension-not-later 2021-04-30") read as sentences in
//! Italian and English, with their dates written each language's way, and
//! every problem says that it varies by `Accept-Language`.

use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::*;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

fn in_2019(s: &mut api::config::Settings) {
    s.today = Some(chrono::NaiveDate::from_ymd_opt(2019, 7, 20).unwrap());
}

/// POSTs `body` asking for `lang` (`None`: no Accept-Language at all).
async fn post_in(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &Value,
    lang: Option<&str>,
) -> Response {
    let mut r = app.client.post(app.api(path)).bearer_auth(token).json(body);
    if let Some(lang) = lang {
        r = r.header("accept-language", lang);
    }
    r.send().await.unwrap()
}

/// The `Vary` header names Accept-Language, then the problem document.
async fn varying_problem(r: Response, status: u16) -> Value {
    let vary = r
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        vary.to_ascii_lowercase().contains("accept-language"),
        "Vary: {vary:?}"
    );
    problem(r, status).await
}

/// The one field error of a problem: its code and its message.
fn only_error(p: &Value) -> (&str, &str) {
    let errors = p["errors"].as_array().unwrap_or_else(|| panic!("{p}"));
    assert_eq!(errors.len(), 1, "{p}");
    (
        errors[0]["code"].as_str().unwrap(),
        errors[0]["message"].as_str().unwrap(),
    )
}

fn signed_contract_id(c: &Value) -> String {
    c["id"].as_str().unwrap().to_owned()
}

/// An extension to a day not later than the current end (30 April 2021).
async fn an_extension_not_later_is_refused_in_words(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 1).await;
    let c = app
        .signed(
            &hr,
            &sel,
            "RM",
            &json!({ "signed_on": "2019-07-20", "start_date": "2019-07-29" }),
        )
        .await;
    let path = format!("/contracts/{}/extend", signed_contract_id(&c));
    let body = json!({ "new_end_date": "2021-04-30", "reason": "proroga" });

    for lang in [None, Some("it-IT,it;q=0.9")] {
        let p = varying_problem(post_in(&app, &path, &hr, &body, lang).await, 422).await;
        assert_eq!(p["type"], "validation-failed");
        assert_eq!(
            only_error(&p),
            (
                "extension-not-later",
                "La proroga deve spostare la fine del contratto oltre quella attuale, il 30/04/2021."
            )
        );
    }
    let p = varying_problem(post_in(&app, &path, &hr, &body, Some("en")).await, 422).await;
    assert_eq!(
        only_error(&p),
        (
            "extension-not-later",
            "An extension must move the contract's end past the current one, 2021-04-30."
        )
    );
}
both_engines!(an_extension_not_later_is_refused_in_words, in_2019);

/// Signing before the rankings came out (24 June 2019), and a resignation
/// effective before the notice allows: each names its day.
async fn dated_contract_rules_name_their_day_in_each_language(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    let (sel, _) = app.selection_2019(&hr, &[("RM", 2)], 2).await;
    let draft = app.drafted(&hr, &sel, "RM").await;
    let path = format!("/contracts/{}/sign", signed_contract_id(&draft));
    let early = json!({ "signed_on": "2019-06-23", "start_date": "2019-07-01" });
    let it = varying_problem(post_in(&app, &path, &hr, &early, None).await, 422).await;
    let en = varying_problem(post_in(&app, &path, &hr, &early, Some("en")).await, 422).await;
    let (code, it) = only_error(&it);
    assert_eq!(code, "signed-before-ranking-published");
    assert!(it.contains("24/06/2019") && !it.contains(code), "{it}");
    let (_, en) = only_error(&en);
    assert!(en.contains("2019-06-24") && !en.contains(code), "{en}");

    let c = json_of(
        app.sign_contract(
            &hr,
            &signed_contract_id(&draft),
            &json!({ "signed_on": "2019-07-20", "start_date": "2019-07-22" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/contracts/{}/resignation", signed_contract_id(&c));
    let resign = json!({ "submitted_on": "2019-08-01", "effective_on": "2019-08-15" });
    let it = varying_problem(post_in(&app, &path, &hr, &resign, None).await, 422).await;
    let en = varying_problem(post_in(&app, &path, &hr, &resign, Some("en")).await, 422).await;
    assert_eq!(
        only_error(&it),
        (
            "before-notice",
            "Con il preavviso le dimissioni hanno effetto non prima del 16/08/2019."
        )
    );
    assert_eq!(
        only_error(&en),
        (
            "before-notice",
            "With the notice the resignation takes effect no earlier than 2019-08-16."
        )
    );
}
both_engines!(
    dated_contract_rules_name_their_day_in_each_language,
    |s: &mut api::config::Settings| {
        in_2019(s);
        s.resignation_notice_days = 15;
    }
);

/// A call on a ranking past its validity (23 June 2021): the problem's
/// own detail names the day, 23/06/2021 in Italian and 2021-06-23 in
/// English (it used to be written the Italian way in both).
async fn an_expired_ranking_names_its_last_day_in_each_language(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    // Today is the real date: the 2019 rankings have expired.
    let (sel, _) = app.selection_2019(&hr, &[("RM", 1)], 1).await;
    let path = format!("/selections/{sel}/provinces/RM/calls");
    let it = varying_problem(post_in(&app, &path, &hr, &json!({}), None).await, 422).await;
    let en = varying_problem(post_in(&app, &path, &hr, &json!({}), Some("en")).await, 422).await;
    assert_eq!(
        (&it["type"], &en["type"]),
        (&json!("ranking-expired"), &json!("ranking-expired"))
    );
    assert_eq!(it["title"], "Graduatoria scaduta");
    assert_eq!(en["title"], "Ranking expired");
    assert_eq!(
        it["detail"],
        "La graduatoria è scaduta il 23/06/2021: non si possono fare altre chiamate."
    );
    assert_eq!(
        en["detail"],
        "The ranking expired on 2021-06-23: no more calls can be made."
    );
}
both_engines!(an_expired_ranking_names_its_last_day_in_each_language);

/// Every problem varies by language, whoever raises it: the router, the
/// token check, the JSON reader.
async fn every_problem_varies_by_language(app: TestApp) {
    let r = app
        .client
        .get(app.api("/no-such-route"))
        .send()
        .await
        .unwrap();
    varying_problem(r, 404).await;
    let r = app.client.get(app.api("/me")).send().await.unwrap();
    varying_problem(r, 401).await;
    let r = app
        .client
        .post(app.api("/auth/login"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    varying_problem(r, 400).await;
}
both_engines!(every_problem_varies_by_language);
