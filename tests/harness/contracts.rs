//! Contracts and HR events: one helper per endpoint, and the few steps every
//! contract test takes (an accepted offer, a signed contract, the
//! Navigator's activated account).

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::selection::{applicants, Applicant};
use crate::TestApp;

/// The body of an answer with the expected status; the body is shown when
/// the status differs.
pub async fn json_of(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The day the rankings of [`TestApp::selection_2019`] are published.
pub const PUBLISHED_2019: &str = "2019-06-24";

impl TestApp {
    pub async fn draft_contract(&self, token: &str, offer: &str, verified: bool) -> Response {
        self.post(
            &format!("/offers/{offer}/contract"),
            Some(token),
            &json!({ "requirements_verified": verified }),
        )
        .await
    }

    pub async fn sign_contract(&self, token: &str, contract: &str, body: &Value) -> Response {
        self.post(&format!("/contracts/{contract}/sign"), Some(token), body)
            .await
    }

    pub async fn cancel_contract(&self, token: &str, contract: &str, body: &Value) -> Response {
        self.post(&format!("/contracts/{contract}/cancel"), Some(token), body)
            .await
    }

    pub async fn contract(&self, token: &str, contract: &str) -> Response {
        self.get(&format!("/contracts/{contract}"), Some(token))
            .await
    }

    pub async fn contracts(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/contracts{query}"), Some(token)).await
    }

    pub async fn extend_contract(&self, token: &str, contract: &str, new_end: &str) -> Response {
        self.post(
            &format!("/contracts/{contract}/extend"),
            Some(token),
            &json!({ "new_end_date": new_end, "reason": "proroga" }),
        )
        .await
    }

    pub async fn extend_contracts(&self, token: &str, body: &Value) -> Response {
        self.post("/contracts/extensions", Some(token), body).await
    }

    pub async fn register_resignation(
        &self,
        token: &str,
        contract: &str,
        submitted_on: &str,
        effective_on: &str,
    ) -> Response {
        self.post(
            &format!("/contracts/{contract}/resignation"),
            Some(token),
            &json!({ "submitted_on": submitted_on, "effective_on": effective_on }),
        )
        .await
    }

    pub async fn my_resignation(&self, token: &str, effective_on: &str) -> Response {
        self.post(
            "/me/resignation",
            Some(token),
            &json!({ "effective_on": effective_on }),
        )
        .await
    }

    pub async fn terminate_contract(&self, token: &str, contract: &str, body: &Value) -> Response {
        self.post(
            &format!("/contracts/{contract}/terminate"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn suspend_contract(
        &self,
        token: &str,
        contract: &str,
        from: &str,
        to: &str,
    ) -> Response {
        self.post(
            &format!("/contracts/{contract}/suspensions"),
            Some(token),
            &json!({ "from": from, "to": to, "reason": "malattia" }),
        )
        .await
    }

    pub async fn my_contract(&self, token: &str) -> Response {
        self.get("/me/contract", Some(token)).await
    }

    pub async fn offboarding(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/offboarding{query}"), Some(token)).await
    }

    /// A published selection whose rankings came out on 24 June 2019, as
    /// the real one: `per_province` applicants in each province, the first
    /// of each province best. Run it with `today` fixed within the
    /// ranking's validity (e.g. 2019-07-20).
    pub async fn selection_2019(
        &self,
        hr: &str,
        posts: &[(&str, i64)],
        per_province: usize,
    ) -> (String, Vec<Applicant>) {
        self.selection_2019_with(hr, &json!({}), posts, per_province)
            .await
    }

    /// The same, from a selection created with the fields of `more` added
    /// to the request (e.g. `training_path`).
    pub async fn selection_2019_with(
        &self,
        hr: &str,
        more: &Value,
        posts: &[(&str, i64)],
        per_province: usize,
    ) -> (String, Vec<Applicant>) {
        let provinces: Vec<&str> = posts.iter().map(|(p, _)| *p).collect();
        let list = applicants(per_province * provinces.len(), &provinces, 11, "C");
        let results: Vec<(String, i64, i64)> = list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    a.application_no.clone(),
                    95 - (i / provinces.len()) as i64,
                    0,
                )
            })
            .collect();
        let refs: Vec<(&str, i64, i64)> = results
            .iter()
            .map(|(n, r, w)| (n.as_str(), *r, *w))
            .collect();
        let id = self
            .selection_with_results_from(hr, more, posts, &list, &refs, PUBLISHED_2019)
            .await;
        (id, list)
    }

    /// Calls the next candidate of `sigla` and records their acceptance;
    /// returns the accepted offer.
    pub async fn accepted_offer(&self, hr: &str, selection: &str, sigla: &str) -> Value {
        let offer = json_of(
            self.call(hr, selection, sigla, &json!({})).await,
            StatusCode::CREATED,
        )
        .await;
        let id = offer["id"].as_str().unwrap();
        json_of(self.offer_action(hr, id, "accept").await, StatusCode::OK).await
    }

    /// A draft contract for the next candidate of `sigla`.
    pub async fn drafted(&self, hr: &str, selection: &str, sigla: &str) -> Value {
        let offer = self.accepted_offer(hr, selection, sigla).await;
        let r = self
            .draft_contract(hr, offer["id"].as_str().unwrap(), true)
            .await;
        json_of(r, StatusCode::CREATED).await
    }

    /// A contract for the next candidate of `sigla`, signed with `sign`
    /// (`{signed_on, start_date, end_date?}`).
    pub async fn signed(&self, hr: &str, selection: &str, sigla: &str, sign: &Value) -> Value {
        let draft = self.drafted(hr, selection, sigla).await;
        let r = self
            .sign_contract(hr, draft["id"].as_str().unwrap(), sign)
            .await;
        json_of(r, StatusCode::OK).await
    }

    /// Waits (up to 10 s) for the activation mail to `to`.
    pub async fn activation_mail(&self, to: &str) -> api::mail::OutgoingMail {
        for _ in 0..400 {
            if let Some(m) = self
                .mails()
                .into_iter()
                .rev()
                .find(|m| m.to == to && m.body.contains("attivazione"))
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no activation mail to {to} within 10 s");
    }

    /// Activates the account mailed to `email` with [`crate::PASSWORD`] and
    /// logs in: the token pair.
    pub async fn activate_and_login(&self, email: &str) -> Value {
        let mail = self.activation_mail(email).await;
        let r = self
            .password_reset_confirm(&crate::token_in(&mail), crate::PASSWORD)
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NO_CONTENT,
            "{}",
            r.text().await.unwrap()
        );
        self.login_ok(email, crate::PASSWORD).await
    }
}

/// The applicant whose application number is on `v` (an offer or a contract).
pub fn applicant_of<'a>(list: &'a [Applicant], v: &Value) -> &'a Applicant {
    let no = v["application_no"].as_str().unwrap();
    list.iter()
        .find(|a| a.application_no == no)
        .unwrap_or_else(|| panic!("no applicant {no}"))
}
