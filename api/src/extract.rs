//! Request extractors that turn every kind of bad input into a problem that
//! names the field: JSON bodies, query strings, CSV uploads.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use persistence::audit::AuditContext;
use serde::de::DeserializeOwned;

use crate::app::IdempotencyClaim;
use crate::auth::Caller;
use crate::error::{ApiError, FieldProblem};
use crate::state::AppState;

fn settings_limit(req: &HttpRequest, pick: fn(&crate::config::Settings) -> usize) -> usize {
    req.app_data::<web::Data<AppState>>()
        .map(|s| pick(&s.settings))
        .unwrap_or(256 * 1024)
}

/// Reads the whole body, refusing it as soon as it passes `limit`.
pub(crate) async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    let read = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::BodyUnreadable(e.to_string()))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    };
    tokio::time::timeout(BODY_DEADLINE, read)
        .await
        .map_err(|_| {
            ApiError::BodyUnreadable(format!("not received within {} s", BODY_DEADLINE.as_secs()))
        })??;
    Ok(body.freeze())
}

/// How long a body may take to arrive: a client trickling it byte by byte
/// must not hold a connection and its buffer for minutes. The largest
/// import (32 MiB) arrives well within it on any working link.
const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads a JSON body: the media type, then the size limit.
async fn json_body(req: &HttpRequest, payload: &mut Payload) -> Result<web::Bytes, ApiError> {
    let mime = req.content_type().to_ascii_lowercase();
    if !(mime == "application/json" || mime.ends_with("+json")) {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let limit = settings_limit(req, |s| s.json_limit_bytes);
    read_body(req, payload, limit).await
}

/// A JSON object body parsed into `T`; errors name the field at fault.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move { parse_json(&json_body(&req, &mut payload).await?).map(ValidJson) })
    }
}

/// A JSON array body of `T`s (the few operations that take a list).
pub struct ValidJsonList<T>(pub Vec<T>);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJsonList<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let body = json_body(&req, &mut payload).await?;
            parse_json_shaped(&body, b'[', "expected a JSON array").map(ValidJsonList)
        })
    }
}

/// Parses a JSON object, classifying what is wrong: syntax, or which field and how.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    parse_json_shaped(body, b'{', "expected a JSON object")
}

/// Serde would fill a struct from a positional array too; bodies must have
/// the shape the operation documents (`{` or `[`).
fn parse_json_shaped<T: DeserializeOwned>(
    body: &[u8],
    opening: u8,
    expected: &str,
) -> Result<T, ApiError> {
    if let Some(field) = nul_in_json(body) {
        return Err(ApiError::InvalidField {
            problem: FieldProblem::Invalid,
            field,
            detail: NUL_DETAIL.into(),
        });
    }
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != opening)
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return Err(ApiError::InvalidField {
            problem: FieldProblem::WrongType,
            field: "body".into(),
            detail: expected.into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => value,
        Err(e)
            if e.inner()
                .to_string()
                .starts_with("invalid type: floating point") =>
        {
            return parse_whole_numbers(body);
        }
        Err(e) => {
            let path = e.path().to_string();
            return Err(json_error(&path, e.into_inner()));
        }
    };
    de.end()
        .map_err(|e| ApiError::MalformedJson(strip_position(&e.to_string())))?;
    Ok(value)
}

/// Reads `body` again with every whole number written with a fraction
/// (`2.0`, `1e3`) as the integer it is: JSON Schema counts `2.0` as an
/// integer, so a field the document types as one takes it. Only a body
/// that failed on such a number comes here.
fn parse_whole_numbers<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::MalformedJson(strip_position(&e.to_string())))?;
    as_integers(&mut value);
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        json_error(&path, e.into_inner())
    })
}

/// Every float of `value` with no fraction, within the integers a float
/// holds exactly, as an integer.
fn as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    /// 2^53: past it a float no longer tells neighbouring integers apart.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_integers),
        Value::Object(fields) => fields.values_mut().for_each(as_integers),
        _ => {}
    }
}

/// Why text holding U+0000 is refused: PostgreSQL cannot store it in a
/// text column (it fails the statement), and no name, code or note needs it.
const NUL_DETAIL: &str = "text must not contain the NUL character (U+0000)";

/// The path of the first string (or key) of a JSON body that holds U+0000,
/// named as serde names fields (`a.b`, `[2].hours`). JSON can carry the
/// character only escaped, so a body without `\u0000` is not read twice.
fn nul_in_json(body: &[u8]) -> Option<String> {
    if !body.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    let value = serde_json::from_slice::<serde_json::Value>(body).ok()?;
    nul_in_value(&value, String::new())
}

fn nul_in_value(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in_value(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let here = join(&path, &k.replace('\0', "\\u0000"));
            if k.contains('\0') {
                Some(here)
            } else {
                nul_in_value(v, here)
            }
        }),
        _ => None,
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn quoted(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn json_error(path: &str, e: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let msg = strip_position(&e.to_string());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::MalformedJson(msg),
        Category::Data => {
            let field = if path.is_empty() || path == "." {
                "body".to_owned()
            } else {
                path.to_owned()
            };
            if msg.starts_with("missing field") {
                let name = quoted(&msg).unwrap_or("?");
                ApiError::InvalidField {
                    problem: FieldProblem::Missing,
                    field: join(path, name),
                    detail: msg.clone(),
                }
            } else if msg.starts_with("unknown field") {
                // The path already ends with the unexpected field.
                ApiError::InvalidField {
                    problem: FieldProblem::Unknown,
                    field,
                    detail: msg,
                }
            } else if msg.starts_with("unknown variant") {
                ApiError::InvalidField {
                    problem: FieldProblem::UnknownEnumValue,
                    field,
                    detail: msg,
                }
            } else if msg.starts_with("invalid type") {
                ApiError::InvalidField {
                    problem: FieldProblem::WrongType,
                    field,
                    detail: msg,
                }
            } else {
                ApiError::InvalidField {
                    problem: FieldProblem::Invalid,
                    field,
                    detail: msg,
                }
            }
        }
    }
}

/// Query parameters parsed into `T`; errors name the parameter.
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some((name, _)) = form_urlencoded_parse(req.query_string())
            .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        {
            return std::future::ready(Err(ApiError::InvalidQuery {
                field: name.replace('\0', "\\u0000"),
                detail: NUL_DETAIL.into(),
            }));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(req.query_string()));
        std::future::ready(
            serde_path_to_error::deserialize::<_, T>(de)
                .map(ValidQuery)
                .map_err(|e| {
                    let field = e.path().to_string();
                    ApiError::InvalidQuery {
                        field,
                        detail: e.into_inner().to_string(),
                    }
                }),
        )
    }
}

fn form_urlencoded_parse(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}

/// Path parameters parsed into `T`, as `web::Path` does, refusing a
/// segment that holds U+0000 (`%00`) with a problem naming the parameter.
pub struct ValidPath<T>(pub T);

impl<T> ValidPath<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ValidPath<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ValidPath<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if let Some((name, _)) = req.match_info().iter().find(|(_, v)| v.contains('\0')) {
            return std::future::ready(Err(ApiError::InvalidField {
                problem: FieldProblem::Invalid,
                field: name.to_owned(),
                detail: NUL_DETAIL.into(),
            }));
        }
        let path = web::Path::<T>::from_request(req, payload).into_inner();
        std::future::ready(
            path.map(|p| Self(p.into_inner()))
                .map_err(|e| ApiError::InvalidField {
                    problem: FieldProblem::Invalid,
                    field: "path".into(),
                    detail: e.to_string(),
                }),
        )
    }
}

/// A CSV upload (`text/csv`), with the import size limit.
pub struct CsvUpload(pub web::Bytes);

impl FromRequest for CsvUpload {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let mime = req.content_type().to_ascii_lowercase();
            if mime != "text/csv" {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "text/csv",
                });
            }
            let limit = settings_limit(&req, |s| s.import_limit_bytes);
            read_body(&req, &mut payload, limit).await.map(CsvUpload)
        })
    }
}

/// A list of rows sent either as a JSON array of `T` or as a CSV file
/// (`text/csv`, the import size limit): the operations that take a register
/// from a spreadsheet or a platform export as readily as from an app.
pub enum RowsOrCsv<T> {
    Json(Vec<T>),
    Csv(web::Bytes),
}

impl<T: DeserializeOwned + 'static> FromRequest for RowsOrCsv<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if req.content_type().eq_ignore_ascii_case("text/csv") {
                let limit = settings_limit(&req, |s| s.import_limit_bytes);
                return read_body(&req, &mut payload, limit).await.map(Self::Csv);
            }
            let body = json_body(&req, &mut payload).await.map_err(|e| match e {
                ApiError::UnsupportedMediaType { .. } => ApiError::UnsupportedMediaType {
                    expected: "application/json or text/csv",
                },
                other => other,
            })?;
            parse_json_shaped(&body, b'[', "expected a JSON array").map(Self::Json)
        })
    }
}

/// The request id and the client address, for audit lines and throttling.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: String,
    pub client_addr: String,
    /// The `Idempotency-Key` the request came with, when it may claim one.
    pub idempotency: Option<IdempotencyClaim>,
}

impl RequestMeta {
    pub fn audit(&self, caller: Option<&Caller>) -> AuditContext {
        AuditContext {
            actor: caller.map(|c| c.user_id.clone()),
            request_id: Some(self.request_id.clone()),
        }
    }
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = crate::telemetry::request_id(req);
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.trust_forwarded_for);
        let info = req.connection_info();
        let addr = if trust {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        let client_addr = addr.unwrap_or("unknown").to_owned();
        let idempotency = req.extensions().get::<IdempotencyClaim>().cloned();
        std::future::ready(Ok(Self {
            request_id,
            client_addr,
            idempotency,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        count: i64,
        role: Option<openapi::dto::Role>,
    }

    fn code_and_field(r: Result<Body, ApiError>) -> (String, String) {
        match r {
            Err(ApiError::InvalidField { problem, field, .. }) => {
                (problem.problem_type().as_str().to_owned(), field)
            }
            Err(ApiError::MalformedJson(_)) => ("malformed-json".into(), String::new()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_kind_of_bad_json_names_the_field() {
        assert_eq!(
            code_and_field(parse_json(b"{\"email\": ")).0,
            "malformed-json"
        );
        assert_eq!(
            code_and_field(parse_json(b"{\"email\":\"a\",\"count\":1} x")).0,
            "malformed-json"
        );
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a"}"#)),
            ("missing-field".into(), "count".into())
        );
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":"one"}"#)),
            ("invalid-field-type".into(), "count".into())
        );
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":1,"role":"boss"}"#)),
            ("unknown-enum-value".into(), "role".into())
        );
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":1,"extra":true}"#)),
            ("unknown-field".into(), "extra".into())
        );
    }

    #[test]
    fn a_whole_number_with_a_fraction_is_an_integer() {
        let body: Body = parse_json(br#"{"email":"a","count":1025.0}"#).unwrap();
        assert_eq!(body.count, 1025);
        let body: Body = parse_json(br#"{"email":"a","count":1e3}"#).unwrap();
        assert_eq!(body.count, 1000);
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":1.5}"#)),
            ("invalid-field-type".into(), "count".into())
        );
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":1e300}"#)),
            ("invalid-field-type".into(), "count".into())
        );
        // The other faults of such a body are still named.
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a","count":2.0,"extra":1}"#)),
            ("unknown-field".into(), "extra".into())
        );
    }

    #[test]
    fn text_with_a_nul_character_names_its_field() {
        assert_eq!(
            code_and_field(parse_json(br#"{"email":"a\u0000@x.it","count":1}"#)),
            ("invalid-field".into(), "email".into())
        );
        assert_eq!(
            nul_in_json(br#"[{"a":"x"},{"a":{"b":["\u0000"]}}]"#).as_deref(),
            Some("[1].a.b[0]")
        );
        // An escaped backslash before `u0000` is text, not the character.
        assert_eq!(nul_in_json(br#"{"a":"\\u0000"}"#), None);
    }
}
