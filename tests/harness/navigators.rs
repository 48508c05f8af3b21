//! Navigators and CPI assignment: one helper per endpoint, and the
//! programme most assignment tests start from.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::contracts::json_of;
use crate::selection::Applicant;
use crate::TestApp;

impl TestApp {
    pub async fn assign(&self, token: &str, navigator: &str, cpi: &str, from: &str) -> Response {
        self.post(
            &format!("/navigators/{navigator}/assignment"),
            Some(token),
            &json!({ "cpi_code": cpi, "from": from }),
        )
        .await
    }

    pub async fn navigators(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/navigators{query}"), Some(token)).await
    }

    pub async fn navigator(&self, token: &str, id: &str) -> Response {
        self.get(&format!("/navigators/{id}"), Some(token)).await
    }

    pub async fn assignments(&self, token: &str, navigator: &str) -> Response {
        self.get(&format!("/navigators/{navigator}/assignments"), Some(token))
            .await
    }

    pub async fn cpi_navigators(&self, token: &str, cpi: &str) -> Response {
        self.get(&format!("/cpis/{cpi}/navigators"), Some(token))
            .await
    }

    /// `GET /me/assignment`, with `If-None-Match` when a tag is given.
    pub async fn my_assignment(&self, token: &str, if_none_match: Option<&str>) -> Response {
        let mut r = self
            .client
            .get(self.api("/me/assignment"))
            .bearer_auth(token);
        if let Some(tag) = if_none_match {
            r = r.header("if-none-match", tag);
        }
        r.send().await.unwrap()
    }

    /// A CPI in `province`, created by the admin; `capacity` null for none.
    pub async fn cpi_in(&self, code: &str, province: &str, capacity: Option<i64>) -> Value {
        let admin = self.admin_token().await;
        json_of(
            self.create_cpi(
                &admin,
                &json!({
                    "code": code,
                    "name": format!("CPI {code}"),
                    "province_sigla": province,
                    "capacity": capacity,
                }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await
    }
}

impl TestApp {
    /// `POST /me/ojt-logs` with `{client_id, day, hours, activity}`.
    pub async fn log_hours(&self, token: &str, client_id: &str, day: &str, hours: f64) -> Response {
        self.post(
            "/me/ojt-logs",
            Some(token),
            &json!({ "client_id": client_id, "day": day, "hours": hours, "activity": "accoglienza utenti" }),
        )
        .await
    }

    pub async fn my_logs(&self, token: &str) -> Response {
        self.get("/me/ojt-logs", Some(token)).await
    }

    pub async fn ojt_logs(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/ojt-logs{query}"), Some(token)).await
    }

    pub async fn validate_log(&self, token: &str, id: &str) -> Response {
        self.post(
            &format!("/ojt-logs/{id}/validate"),
            Some(token),
            &json!(null),
        )
        .await
    }

    pub async fn reject_log(&self, token: &str, id: &str, reason: &str) -> Response {
        self.post(
            &format!("/ojt-logs/{id}/reject"),
            Some(token),
            &json!({ "reason": reason }),
        )
        .await
    }

    pub async fn validate_logs(&self, token: &str, ids: &[&str]) -> Response {
        self.post("/ojt-logs/validate", Some(token), &json!({ "ids": ids }))
            .await
    }

    /// `days` logs of 8 hours on consecutive days from `first` (client ids
    /// `{prefix}-0`, `{prefix}-1`, ...), validated together by `validator`.
    pub async fn log_validated_days(
        &self,
        token: &str,
        validator: &str,
        prefix: &str,
        first: chrono::NaiveDate,
        days: u64,
    ) {
        let mut ids = Vec::new();
        for i in 0..days {
            let day = (first + chrono::Days::new(i)).to_string();
            let log = json_of(
                self.log_hours(token, &format!("{prefix}-{i}"), &day, 8.0)
                    .await,
                StatusCode::CREATED,
            )
            .await;
            ids.push(log["id"].as_str().unwrap().to_owned());
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        json_of(self.validate_logs(validator, &refs).await, StatusCode::OK).await;
    }

    /// `GET /me/training`, with `If-None-Match` when a tag is given.
    pub async fn my_training(&self, token: &str, if_none_match: Option<&str>) -> Response {
        let mut r = self.client.get(self.api("/me/training")).bearer_auth(token);
        if let Some(tag) = if_none_match {
            r = r.header("if-none-match", tag);
        }
        r.send().await.unwrap()
    }

    pub async fn navigator_training(&self, token: &str, navigator: &str) -> Response {
        self.get(&format!("/navigators/{navigator}/training"), Some(token))
            .await
    }
}

/// A programme to place people in: rankings published on 24 June 2019 with
/// `per_province` candidates in each of `posts`' provinces, and one signed
/// contract (signed 15 July, starting 16 July 2019) per entry of `hire`.
pub struct Programme {
    pub hr: String,
    pub selection: String,
    pub applicants: Vec<Applicant>,
    /// The signed contracts, in the order of `hire`.
    pub contracts: Vec<Value>,
}

impl Programme {
    pub fn navigator(&self, i: usize) -> String {
        self.contracts[i]["navigator_id"]
            .as_str()
            .unwrap_or_else(|| panic!("navigator_id in {}", self.contracts[i]))
            .to_owned()
    }

    pub fn email(&self, i: usize) -> String {
        crate::contracts::applicant_of(&self.applicants, &self.contracts[i])
            .email
            .clone()
    }
}

impl TestApp {
    pub async fn programme(&self, posts: &[(&str, i64)], hire: &[&str]) -> Programme {
        let hr = self.user_with_role("hr", &[]).await;
        // One spare candidate per province, for a further call or draft.
        let per_province = hire.len().max(2) + 1;
        let (selection, applicants) = self.selection_2019(&hr, posts, per_province).await;
        let mut contracts = Vec::new();
        for sigla in hire {
            contracts.push(
                self.signed(
                    &hr,
                    &selection,
                    sigla,
                    &json!({ "signed_on": "2019-07-15", "start_date": "2019-07-16" }),
                )
                .await,
            );
        }
        Programme {
            hr,
            selection,
            applicants,
            contracts,
        }
    }
}
