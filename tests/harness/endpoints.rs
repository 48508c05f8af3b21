//! One helper per endpoint, so tests read as what a client does.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.client.get(self.api(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut r = self.client.post(self.api(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut r = self.client.put(self.api(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    /// A raw body with its content type, for malformed input.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        let mut r = self
            .client
            .post(self.api(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    // --- auth ---

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/auth/login",
            None,
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Logs in and returns the token pair; panics unless 200.
    pub async fn login_ok(&self, email: &str, password: &str) -> Value {
        let r = self.login(email, password).await;
        assert_eq!(r.status(), StatusCode::OK, "login of {email}");
        r.json().await.unwrap()
    }

    /// The bootstrap administrator's access token.
    pub async fn admin_token(&self) -> String {
        let pair = self.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        pair["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post(
            "/auth/refresh",
            None,
            &json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    pub async fn logout(&self, access_token: &str, refresh_token: &str) -> Response {
        self.post(
            "/auth/logout",
            Some(access_token),
            &json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    pub async fn password_reset(&self, email: &str) -> Response {
        self.post("/auth/password-reset", None, &json!({ "email": email }))
            .await
    }

    pub async fn password_reset_confirm(&self, token: &str, new_password: &str) -> Response {
        self.post(
            "/auth/password-reset/confirm",
            None,
            &json!({ "token": token, "new_password": new_password }),
        )
        .await
    }

    pub async fn me(&self, token: &str) -> Response {
        self.get("/me", Some(token)).await
    }

    // --- users ---

    pub async fn create_user(&self, token: &str, body: &Value) -> Response {
        self.post("/users", Some(token), body).await
    }

    /// Creates an account with a password and returns its access token.
    pub async fn user_with_role(&self, role: &str, regions: &[&str]) -> String {
        let admin = self.admin_token().await;
        let email = format!("{role}.{}@anpalservizi.it", uuid::Uuid::new_v4().simple());
        let r = self
            .create_user(
                &admin,
                &json!({ "email": email, "role": role, "regions": regions, "password": crate::PASSWORD }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        let pair = self.login_ok(&email, crate::PASSWORD).await;
        pair["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn list_users(&self, token: &str) -> Response {
        self.get("/users?limit=500", Some(token)).await
    }

    // --- reference data ---

    pub async fn regions(&self, token: &str) -> Response {
        self.get("/regions", Some(token)).await
    }

    pub async fn region(&self, token: &str, code: &str) -> Response {
        self.get(&format!("/regions/{code}"), Some(token)).await
    }

    pub async fn provinces(&self, token: &str, region: Option<&str>) -> Response {
        match region {
            Some(r) => {
                self.get(&format!("/provinces?region={r}"), Some(token))
                    .await
            }
            None => self.get("/provinces", Some(token)).await,
        }
    }

    pub async fn convention(&self, token: &str, region: &str) -> Response {
        self.get(&format!("/regions/{region}/convention"), Some(token))
            .await
    }

    pub async fn put_convention(&self, token: &str, region: &str, body: &Value) -> Response {
        self.put(&format!("/regions/{region}/convention"), Some(token), body)
            .await
    }

    pub async fn cpis(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/cpis{query}"), Some(token)).await
    }

    pub async fn cpi(&self, token: &str, code: &str) -> Response {
        self.get(&format!("/cpis/{code}"), Some(token)).await
    }

    pub async fn create_cpi(&self, token: &str, body: &Value) -> Response {
        self.post("/cpis", Some(token), body).await
    }

    pub async fn import_cpis(&self, token: &str, csv: &str) -> Response {
        self.post_raw(
            "/cpis/import",
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    pub async fn training_paths(&self, token: &str) -> Response {
        self.get("/training/paths", Some(token)).await
    }

    // --- audit ---

    pub async fn audit(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/audit{query}"), Some(token)).await
    }

    // --- outside /api/v1 ---

    pub async fn outside(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// `/metrics` as a scraper holding the metrics token reads it.
    pub async fn scrape(&self) -> String {
        let r = self
            .client
            .get(self.url("/metrics"))
            .bearer_auth(crate::METRICS_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        r.text().await.unwrap()
    }
}

/// The body of a problem answer, after checking its media type and status.
pub async fn problem(r: Response, status: u16) -> Value {
    assert_eq!(r.status().as_u16(), status, "unexpected status");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(ct, "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], status);
    body
}
