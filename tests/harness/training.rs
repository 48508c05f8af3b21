//! Training records: one helper per endpoint, and the bodies tests build
//! their paths, registers and completion files from.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::contracts::json_of;
use crate::navigators::Programme;
use crate::TestApp;

impl TestApp {
    pub async fn create_path(&self, token: &str, body: &Value) -> Response {
        self.post("/training/paths", Some(token), body).await
    }

    pub async fn add_module(&self, token: &str, path: &str, body: &Value) -> Response {
        self.post(
            &format!("/training/paths/{path}/modules"),
            Some(token),
            body,
        )
        .await
    }

    /// The seeded 2019 path, as listed.
    pub async fn path_2019(&self, token: &str) -> Value {
        let paths = json_of(self.training_paths(token).await, StatusCode::OK).await;
        paths["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == "navigator-2019")
            .cloned()
            .expect("the seeded 2019 path")
    }

    pub async fn create_session(&self, token: &str, body: &Value) -> Response {
        self.post("/training/sessions", Some(token), body).await
    }

    /// A session on `day` of `hours`, created by `token`: its id.
    pub async fn session_on(&self, token: &str, day: &str, hours: f64) -> String {
        let r = self
            .create_session(
                token,
                &json!({ "day": day, "hours": hours, "place": "Roma, sede ANPAL Servizi", "trainer": "Dott.ssa Bianchi" }),
            )
            .await;
        json_of(r, StatusCode::CREATED).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Attendance as a JSON list `[{navigator_id, hours}]`.
    pub async fn record_attendance(&self, token: &str, session: &str, rows: &Value) -> Response {
        self.post(
            &format!("/training/sessions/{session}/attendance"),
            Some(token),
            rows,
        )
        .await
    }

    /// Attendance as a CSV register `codice_fiscale,hours`.
    pub async fn attendance_register(&self, token: &str, session: &str, csv: &str) -> Response {
        self.post_raw(
            &format!("/training/sessions/{session}/attendance"),
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    /// Distance completions as a JSON list.
    pub async fn distance_completions(&self, token: &str, rows: &Value) -> Response {
        self.post("/training/distance/completions", Some(token), rows)
            .await
    }

    /// Distance completions as a CSV file.
    pub async fn distance_completions_csv(&self, token: &str, csv: &str) -> Response {
        self.post_raw(
            "/training/distance/completions",
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    pub async fn mandatory_training(&self, token: &str, navigator: &str, body: &Value) -> Response {
        self.post(
            &format!("/navigators/{navigator}/mandatory-training"),
            Some(token),
            body,
        )
        .await
    }

    /// The audit entries of `entity`, newest first.
    pub async fn audit_of(&self, token: &str, entity: &str) -> Vec<Value> {
        let r = self
            .audit(token, &format!("?entity={entity}&limit=500"))
            .await;
        json_of(r, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

impl Programme {
    /// The codice fiscale of the `i`-th hired Navigator.
    pub fn codice_fiscale(&self, i: usize) -> String {
        crate::contracts::applicant_of(&self.applicants, &self.contracts[i])
            .codice_fiscale
            .clone()
    }
}

/// A path body: `shares` as `(kind, share_percent)`, the distance bucket
/// with `modules` of `(code, hours)`.
pub fn path_body(
    code: &str,
    total_hours: i64,
    shares: &[(&str, i64)],
    modules: &[(&str, i64)],
) -> Value {
    let buckets: Vec<Value> = shares
        .iter()
        .map(|(kind, share)| {
            if *kind == "distance" {
                let list: Vec<Value> = modules
                    .iter()
                    .map(|(c, h)| json!({ "code": c, "title": format!("Modulo {c}"), "hours": h }))
                    .collect();
                json!({ "kind": kind, "share_percent": share, "modules": list })
            } else {
                json!({ "kind": kind, "share_percent": share })
            }
        })
        .collect();
    json!({ "code": code, "name": format!("Percorso {code}"), "total_hours": total_hours, "buckets": buckets })
}

/// `(field, code, line)` of each error of a problem, in order.
pub fn errors_of(problem: &Value) -> Vec<(String, String, Option<u64>)> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors in {problem}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
                e["line"].as_u64(),
            )
        })
        .collect()
}

/// Navigators to train, all in Rome: three under contract since 16 July
/// 2019 (the programme's `contracts`), one whose contract is only drafted,
/// and one signed to start on 20 September 2019.
pub struct Trainees {
    pub programme: Programme,
    pub draft: Value,
    pub late: Value,
}

impl TestApp {
    /// Run it with `today` fixed within the rankings' validity (2019-2021).
    pub async fn trainees(&self) -> Trainees {
        self.trainees_of(&json!({})).await
    }

    /// The same, hired through a selection created with the fields of
    /// `more` added to the request (e.g. `training_path`).
    pub async fn trainees_of(&self, more: &Value) -> Trainees {
        let hr = self.user_with_role("hr", &[]).await;
        let (selection, applicants) = self.selection_2019_with(&hr, more, &[("RM", 10)], 8).await;
        let sign = json!({ "signed_on": "2019-07-15", "start_date": "2019-07-16" });
        let mut contracts = Vec::new();
        for _ in 0..3 {
            contracts.push(self.signed(&hr, &selection, "RM", &sign).await);
        }
        let draft = self.drafted(&hr, &selection, "RM").await;
        let late = self
            .signed(
                &hr,
                &selection,
                "RM",
                &json!({ "signed_on": "2019-09-20", "start_date": "2019-09-20" }),
            )
            .await;
        Trainees {
            programme: Programme {
                hr,
                selection,
                applicants,
                contracts,
            },
            draft,
            late,
        }
    }
}
