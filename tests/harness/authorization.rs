//! What the authorization matrix needs from the server: the operations of
//! the live OpenAPI document, one request shape any caller can send, named
//! accounts per role and the newest audit entry (to see that a refused call
//! changed nothing).

use std::collections::BTreeSet;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::TestApp;

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(Value),
    Csv(String),
}

/// One call of an operation, as a caller would send it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// From the server's root, as in the OpenAPI document (`/api/v1/...`),
    /// with the path values filled in and an optional query.
    pub path: String,
    pub body: Body,
    /// Sent with this token instead of the caller's: someone of the same
    /// role, on a fresh subject (a fresh Navigator resigning, so that the
    /// fixture's own Navigator stays as it was).
    pub token: Option<String>,
}

impl Request {
    fn new(method: Method, path: impl Into<String>, body: Body) -> Self {
        Self {
            method,
            path: path.into(),
            body,
            token: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path, Body::Empty)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::POST, path, Body::Json(body))
    }

    pub fn put(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::PUT, path, Body::Json(body))
    }

    pub fn patch(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::PATCH, path, Body::Json(body))
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path, Body::Empty)
    }

    /// A `text/csv` upload.
    pub fn csv(path: impl Into<String>, text: String) -> Self {
        Self::new(Method::POST, path, Body::Csv(text))
    }

    pub fn acting_as(mut self, token: String) -> Self {
        self.token = Some(token);
        self
    }

    /// Whether this request calls `operation` (`"METHOD /path/{param}"`, as
    /// keyed in the OpenAPI document): a guard against a request built for
    /// the wrong operation.
    pub fn calls(&self, operation: &str) -> bool {
        let Some((method, template)) = operation.split_once(' ') else {
            return false;
        };
        let path = self.path.split('?').next().unwrap_or_default();
        let (want, got): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        method == self.method.as_str()
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| {
                if w.starts_with('{') && w.ends_with('}') {
                    !g.is_empty()
                } else {
                    w == g
                }
            })
    }
}

impl TestApp {
    /// Sends `request` with `token` as bearer (none: anonymously).
    pub async fn send(&self, request: &Request, token: Option<&str>) -> Response {
        let mut r = self
            .client
            .request(request.method.clone(), self.url(&request.path));
        r = match &request.body {
            Body::Empty => r,
            Body::Json(v) => r.json(v),
            Body::Csv(text) => r.header("content-type", "text/csv").body(text.clone()),
        };
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    /// Every operation of the OpenAPI document the server serves, as
    /// `"METHOD /path"` with the document's own path templates.
    pub async fn documented_operations(&self) -> BTreeSet<String> {
        let r = self.outside("/api-docs/openapi.json").await;
        assert_eq!(r.status(), StatusCode::OK, "the OpenAPI document");
        let doc: Value = r.json().await.unwrap();
        let paths = doc["paths"].as_object().expect("paths in the document");
        let mut out = BTreeSet::new();
        for (path, item) in paths {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if item.get(method).is_some() {
                    out.insert(format!("{} {path}", method.to_ascii_uppercase()));
                }
            }
        }
        out
    }

    /// An account of `role` with [`crate::PASSWORD`]: its email and access token.
    pub async fn account(&self, role: &str, regions: &[&str]) -> (String, String) {
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
        (email, pair["access_token"].as_str().unwrap().to_owned())
    }

    /// The id of the newest audit entry; every change the service makes
    /// appends one, so an unchanged id means nothing was changed.
    pub async fn newest_audit_entry(&self, token: &str) -> Option<String> {
        let r = self.audit(token, "?limit=1").await;
        assert_eq!(r.status(), StatusCode::OK, "the audit log");
        let v: Value = r.json().await.unwrap();
        v["items"][0]["id"].as_str().map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::Request;
    use serde_json::json;

    #[test]
    fn a_request_calls_the_operation_of_its_template() {
        let r = Request::post("/api/v1/contracts/abc/extend", json!({}));
        assert!(r.calls("POST /api/v1/contracts/{id}/extend"));
        assert!(!r.calls("GET /api/v1/contracts/{id}/extend"));
        assert!(!r.calls("POST /api/v1/contracts/extensions"));
        assert!(!r.calls("POST /api/v1/contracts/{id}"));
        let q = Request::get("/api/v1/contracts?region=12");
        assert!(q.calls("GET /api/v1/contracts"));
        assert!(
            !Request::get("/api/v1/contracts//extend").calls("GET /api/v1/contracts/{id}/extend")
        );
    }
}
