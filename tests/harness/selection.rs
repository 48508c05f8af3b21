//! Generated applicants and the selection endpoints, for the tests and the
//! benchmark of the selection pipeline.

use chrono::NaiveDate;
use domain::selection::CodiceFiscale;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::TestApp;

#[derive(Debug, Clone)]
pub struct Applicant {
    pub application_no: String,
    pub codice_fiscale: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: String,
    pub province: String,
    pub degree_grade: i64,
    pub degree_honours: bool,
}

fn letters(mut n: usize, len: usize) -> String {
    let mut out = vec![b'A'; len];
    for slot in out.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A small deterministic generator (no randomness between runs).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1))
    }

    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
}

const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// `n` applicants spread over `provinces` in turn, each with a unique valid
/// codice fiscale; application numbers `{prefix}{i:06}`.
pub fn applicants(n: usize, provinces: &[&str], seed: u64, prefix: &str) -> Vec<Applicant> {
    let mut rng = Lcg::new(seed);
    (0..n)
        .map(|i| {
            let year = 1970 + rng.next(28) as i32;
            let month = 1 + rng.next(12) as u32;
            let day = 1 + rng.next(28) as u32;
            let surname = letters(i, 3);
            let name = letters(i / 17_576 + seed as usize, 3);
            let prefix15 = format!(
                "{surname}{name}{:02}{}{day:02}H501",
                year % 100,
                MONTHS[(month - 1) as usize] as char
            );
            let cf = CodiceFiscale::complete(&prefix15).expect("a valid generated layout");
            let grade = 90 + rng.next(21) as i64;
            Applicant {
                application_no: format!("{prefix}{i:06}"),
                codice_fiscale: cf.as_str().to_owned(),
                first_name: format!("Nome{name}"),
                last_name: format!("Cognome{surname}"),
                birth_date: NaiveDate::from_ymd_opt(year, month, day).expect("a real day"),
                email: format!("candidato{i}@example.it"),
                province: provinces[i % provinces.len()].to_owned(),
                degree_grade: grade,
                degree_honours: grade == 110 && rng.next(2) == 0,
            }
        })
        .collect()
}

pub const APPLICATIONS_HEADER: &str = "application_no,codice_fiscale,first_name,last_name,birth_date,email,phone,province_sigla,degree_class,degree_grade,degree_honours";

pub fn applications_csv(list: &[Applicant]) -> String {
    let mut out = String::with_capacity(list.len() * 120);
    out.push_str(APPLICATIONS_HEADER);
    out.push('\n');
    for a in list {
        out.push_str(&format!(
            "{},{},{},{},{},{},,{},LM-56,{},{}\n",
            a.application_no,
            a.codice_fiscale,
            a.first_name,
            a.last_name,
            a.birth_date,
            a.email,
            a.province,
            a.degree_grade,
            a.degree_honours
        ));
    }
    out
}

/// Results where the i-th line of `scores` answers `right` right and `wrong` wrong.
pub fn results_csv(lines: &[(&str, i64, i64)]) -> String {
    let mut out = String::from("application_no,right,wrong,blank\n");
    for (no, right, wrong) in lines {
        out.push_str(&format!("{no},{right},{wrong},{}\n", 100 - right - wrong));
    }
    out
}

impl TestApp {
    pub async fn create_selection(&self, token: &str, body: &Value) -> Response {
        self.post("/selections", Some(token), body).await
    }

    /// A selection with the 2019 defaults and a unique code; returns its id.
    pub async fn selection_id(&self, token: &str) -> String {
        self.selection_id_with(token, &json!({})).await
    }

    /// The same, with the fields of `more` added to the request (e.g.
    /// `training_path`).
    pub async fn selection_id_with(&self, token: &str, more: &Value) -> String {
        let code = format!("NAV-{}", uuid::Uuid::new_v4().simple());
        let mut body =
            json!({ "code": code, "title": "Avviso Navigator", "published_on": "2019-04-18" });
        if let (Some(b), Some(m)) = (body.as_object_mut(), more.as_object()) {
            b.extend(m.clone());
        }
        let r = self.create_selection(token, &body).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        let v: Value = r.json().await.unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn put_posts(&self, token: &str, selection: &str, posts: &[(&str, i64)]) -> Response {
        let body: Vec<Value> = posts
            .iter()
            .map(|(p, n)| json!({ "province": p, "posts": n }))
            .collect();
        self.put(
            &format!("/selections/{selection}/posts"),
            Some(token),
            &Value::Array(body),
        )
        .await
    }

    pub async fn neighbours(&self, token: &str, selection: &str) -> Response {
        self.get(&format!("/selections/{selection}/neighbours"), Some(token))
            .await
    }

    pub async fn put_neighbours(&self, token: &str, selection: &str, body: &Value) -> Response {
        self.put(
            &format!("/selections/{selection}/neighbours"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn import_applications(&self, token: &str, selection: &str, csv: &str) -> Response {
        self.post_raw(
            &format!("/selections/{selection}/applications/import"),
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    pub async fn admission(&self, token: &str, selection: &str) -> Response {
        self.post(
            &format!("/selections/{selection}/admission"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn import_results(&self, token: &str, selection: &str, csv: &str) -> Response {
        self.post_raw(
            &format!("/selections/{selection}/results/import"),
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    pub async fn publish(&self, token: &str, selection: &str, on: &str) -> Response {
        self.post(
            &format!("/selections/{selection}/rankings/publish"),
            Some(token),
            &json!({ "published_on": on }),
        )
        .await
    }

    pub async fn ranking(
        &self,
        token: &str,
        selection: &str,
        sigla: &str,
        query: &str,
    ) -> Response {
        self.get(
            &format!("/selections/{selection}/rankings/{sigla}{query}"),
            Some(token),
        )
        .await
    }

    pub async fn seats(&self, token: &str, selection: &str, query: &str) -> Response {
        self.get(
            &format!("/selections/{selection}/seats{query}"),
            Some(token),
        )
        .await
    }

    pub async fn call(&self, token: &str, selection: &str, sigla: &str, body: &Value) -> Response {
        self.post(
            &format!("/selections/{selection}/provinces/{sigla}/calls"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn offers(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/offers{query}"), Some(token)).await
    }

    pub async fn offer_action(&self, token: &str, offer: &str, action: &str) -> Response {
        self.post(
            &format!("/offers/{offer}/{action}"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn respond(&self, token: &str, decision: &str) -> Response {
        self.post(
            "/offers/respond",
            None,
            &json!({ "token": token, "decision": decision }),
        )
        .await
    }

    pub async fn candidate_action(
        &self,
        token: &str,
        candidate: &str,
        action: &str,
        reason: &str,
    ) -> Response {
        self.post(
            &format!("/candidates/{candidate}/{action}"),
            Some(token),
            &json!({ "reason": reason }),
        )
        .await
    }

    /// A published selection: `posts` per province, `per_province`
    /// applicants each, all admitted, scores falling with the applicant's
    /// index within the province (so, for up to 30 per province, the ranking
    /// order is known: the first applicant of a province is first). Returns the id and the applicants.
    pub async fn published_selection(
        &self,
        token: &str,
        posts: &[(&str, i64)],
        per_province: usize,
    ) -> (String, Vec<Applicant>) {
        let id = self.selection_id(token).await;
        assert_eq!(
            self.put_posts(token, &id, posts).await.status(),
            StatusCode::OK
        );
        let provinces: Vec<&str> = posts.iter().map(|(p, _)| *p).collect();
        let list = applicants(per_province * provinces.len(), &provinces, 7, "A");
        let r = self
            .import_applications(token, &id, &applications_csv(&list))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        assert_eq!(self.admission(token, &id).await.status(), StatusCode::OK);
        // Applicant i is the (i / provinces)-th of its province: 95 right minus one per place.
        let lines: Vec<(String, i64, i64)> = list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    a.application_no.clone(),
                    95 - (i / provinces.len()) as i64 % 30,
                    0,
                )
            })
            .collect();
        let refs: Vec<(&str, i64, i64)> =
            lines.iter().map(|(n, r, w)| (n.as_str(), *r, *w)).collect();
        let r = self.import_results(token, &id, &results_csv(&refs)).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        // Published today, so that the ranking is still valid for calls.
        let today = chrono::Utc::now().date_naive().to_string();
        let r = self.publish(token, &id, &today).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        (id, list)
    }
}

impl TestApp {
    /// A published selection built from chosen applicants and results
    /// (`(application_no, right, wrong)`, the rest blank), so that a test
    /// knows every score; published on `published_on` (`YYYY-MM-DD`).
    /// Every step must succeed. Returns the id.
    pub async fn selection_with_results(
        &self,
        token: &str,
        posts: &[(&str, i64)],
        list: &[Applicant],
        results: &[(&str, i64, i64)],
        published_on: &str,
    ) -> String {
        self.selection_with_results_from(token, &json!({}), posts, list, results, published_on)
            .await
    }

    /// The same, from a selection created with the fields of `more` added
    /// to the request.
    pub async fn selection_with_results_from(
        &self,
        token: &str,
        more: &Value,
        posts: &[(&str, i64)],
        list: &[Applicant],
        results: &[(&str, i64, i64)],
        published_on: &str,
    ) -> String {
        let id = self.selection_id_with(token, more).await;
        expect_status(
            self.put_posts(token, &id, posts).await,
            StatusCode::OK,
            "posts",
        )
        .await;
        let r = self
            .import_applications(token, &id, &applications_csv(list))
            .await;
        expect_status(r, StatusCode::CREATED, "applications").await;
        expect_status(
            self.admission(token, &id).await,
            StatusCode::OK,
            "admission",
        )
        .await;
        let r = self.import_results(token, &id, &results_csv(results)).await;
        expect_status(r, StatusCode::CREATED, "results").await;
        let r = self.publish(token, &id, published_on).await;
        expect_status(r, StatusCode::CREATED, "publication").await;
        id
    }
}

async fn expect_status(r: Response, status: StatusCode, step: &str) {
    let got = r.status();
    assert_eq!(
        got,
        status,
        "{step}: {}",
        r.text().await.unwrap_or_default()
    );
}

impl TestApp {
    /// The records-request extract, `query` holding `?application_no=...`;
    /// with `accept` as the `Accept` header when given.
    pub async fn ranking_extract(
        &self,
        token: Option<&str>,
        selection: &str,
        sigla: &str,
        query: &str,
        accept: Option<&str>,
    ) -> Response {
        let mut r = self.client.get(self.api(&format!(
            "/selections/{selection}/rankings/{sigla}/extract{query}"
        )));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(a) = accept {
            r = r.header("accept", a);
        }
        r.send().await.unwrap()
    }
}
