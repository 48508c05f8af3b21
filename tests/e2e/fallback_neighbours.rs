//! The fallback neighbours of DOMAIN.md §5.3 as a setting of the selection:
//! by default every other province of the Region; HR may set a list per
//! province, of other provinces of the same Region, and an exhausted
//! province then calls from those reserves only.

use navigator_e2e::contracts::json_of;
use navigator_e2e::endpoints::problem;
use navigator_e2e::selection::{applicants, Applicant};
use navigator_e2e::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// Applicants with chosen provinces and test results, `(province, right)`.
fn people(spec: &[(&str, i64)]) -> (Vec<Applicant>, Vec<(String, i64, i64)>) {
    let mut list = applicants(spec.len(), &["RM"], 29, "V");
    let mut results = Vec::new();
    for (a, (province, right)) in list.iter_mut().zip(spec) {
        a.province = (*province).to_owned();
        results.push((a.application_no.clone(), *right, 0));
    }
    (list, results)
}

/// `province -> (neighbours, default)` of the lists in force.
fn lists(v: &Value) -> Vec<(String, Vec<String>, bool)> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|l| {
            (
                l["province"].as_str().unwrap().to_owned(),
                l["neighbours"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
                    .collect(),
                l["default"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn list_of(all: &[(String, Vec<String>, bool)], province: &str) -> (Vec<String>, bool) {
    all.iter()
        .find(|(p, _, _)| p == province)
        .map(|(_, n, d)| (n.clone(), *d))
        .unwrap_or_else(|| panic!("no list for {province}: {all:?}"))
}

fn siglas(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

async fn a_set_list_limits_the_fallback_to_its_provinces(app: TestApp) {
    let hr = app.user_with_role("hr", &[]).await;
    // RM (2 posts) has one candidate. LT's reserve scores 70, FR's a better
    // 88; Campania's NA has a reserve better than all.
    let spec = [
        ("RM", 80),
        ("LT", 90),
        ("LT", 70),
        ("FR", 95),
        ("FR", 88),
        ("NA", 99),
        ("NA", 98),
    ];
    let (list, results) = people(&spec);
    let no = |i: usize| list[i].application_no.clone();
    let refs: Vec<(&str, i64, i64)> = results
        .iter()
        .map(|(n, r, w)| (n.as_str(), *r, *w))
        .collect();
    let sel = app
        .selection_with_results(
            &hr,
            &[("RM", 2), ("LT", 1), ("FR", 1), ("NA", 1)],
            &list,
            &refs,
            &today(),
        )
        .await;

    // Without a setting, each province has the rest of its Region.
    let before = lists(&json_of(app.neighbours(&hr, &sel).await, StatusCode::OK).await);
    assert_eq!(
        list_of(&before, "RM"),
        (siglas(&["FR", "LT", "RI", "VT"]), true)
    );
    assert_eq!(
        list_of(&before, "NA"),
        (siglas(&["AV", "BN", "CE", "SA"]), true)
    );

    // A neighbour is another province of the same Region, listed once;
    // nothing is set while a rule is broken.
    let p = problem(
        app.put_neighbours(
            &hr,
            &sel,
            &json!([{ "province": "RM", "neighbours": ["NA", "RM", "LT", "lt", "XX"] }]),
        )
        .await,
        422,
    )
    .await;
    let errors: Vec<(String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (
                "[0].neighbours[0]".to_owned(),
                "neighbour-in-another-region".to_owned()
            ),
            (
                "[0].neighbours[1]".to_owned(),
                "neighbour-is-the-province".to_owned()
            ),
            ("[0].neighbours[3]".to_owned(), "duplicate".to_owned()),
            (
                "[0].neighbours[4]".to_owned(),
                "unknown-province".to_owned()
            ),
        ],
        "{p}"
    );
    let unchanged = lists(&json_of(app.neighbours(&hr, &sel).await, StatusCode::OK).await);
    assert_eq!(unchanged, before);

    let set = lists(
        &json_of(
            app.put_neighbours(
                &hr,
                &sel,
                &json!([{ "province": "rm", "neighbours": ["LT"] }]),
            )
            .await,
            StatusCode::OK,
        )
        .await,
    );
    assert_eq!(list_of(&set, "RM"), (siglas(&["LT"]), false));
    assert_eq!(
        list_of(&set, "LT"),
        (siglas(&["FR", "RI", "RM", "VT"]), true)
    );
    let read = lists(&json_of(app.neighbours(&hr, &sel).await, StatusCode::OK).await);
    assert_eq!(read, set);

    // RM's own candidate first; exhausted, RM calls from LT's reserves only,
    // although FR has a better reserve.
    let own = json_of(
        app.call(&hr, &sel, "RM", &json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(own["application_no"], no(0));
    let p = problem(app.call(&hr, &sel, "RM", &json!({})).await, 422).await;
    assert_eq!(p["type"], "ranking-exhausted", "{p}");
    let fallback = json_of(
        app.call(&hr, &sel, "RM", &json!({ "fallback": true }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        fallback["application_no"],
        no(2),
        "LT's reserve: {fallback}"
    );
    assert_eq!(fallback["fallback"], true);

    // Back to the default: the whole Region, so FR's reserve; never NA's.
    let reset = lists(
        &json_of(
            app.put_neighbours(&hr, &sel, &json!([{ "province": "RM", "neighbours": [] }]))
                .await,
            StatusCode::OK,
        )
        .await,
    );
    assert_eq!(
        list_of(&reset, "RM"),
        (siglas(&["FR", "LT", "RI", "VT"]), true)
    );
    json_of(
        app.offer_action(&hr, fallback["id"].as_str().unwrap(), "decline")
            .await,
        StatusCode::OK,
    )
    .await;
    let next = json_of(
        app.call(&hr, &sel, "RM", &json!({ "fallback": true }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(next["application_no"], no(4), "FR's reserve: {next}");

    let audit = json_of(
        app.audit(
            &hr,
            &format!("?limit=500&action=selection.neighbours-set&entity_id={sel}"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
}
both_engines!(a_set_list_limits_the_fallback_to_its_provinces);
