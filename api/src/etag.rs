//! Strong entity tags for the tablet's small, often re-read answers: the
//! tag is a digest of the exact body, so it changes exactly when a byte the
//! Navigator sees changes, and `If-None-Match` saves the transfer otherwise.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// The strong tag of a body: the first 128 bits of its SHA-256, quoted.
pub fn tag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `tag` (or is `*`). Weak comparison, as
/// RFC 9110 asks for this header.
fn matches(req: &HttpRequest, tag: &str) -> bool {
    let bare = tag.trim_start_matches("W/");
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

/// 200 with a stored JSON body and its stored tag, or 304 when the client
/// holds it: the body is sent as stored, byte for byte.
pub fn stored_with_etag(req: &HttpRequest, body: String, tag: &str) -> ApiResult<HttpResponse> {
    let etag = HeaderValue::from_str(tag).map_err(|_| ApiError::Internal)?;
    let cache = HeaderValue::from_static("private, no-cache");
    if matches(req, tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .content_type("application/json")
        .body(body))
}

/// 200 with the JSON body and its `ETag`, or 304 with no body when the
/// client already holds it. Private: the data is the caller's own.
pub fn json_with_etag<T: Serialize>(req: &HttpRequest, value: &T) -> ApiResult<HttpResponse> {
    let body = serde_json::to_string(value).map_err(|_| ApiError::Internal)?;
    let tag = tag_of(body.as_bytes());
    stored_with_etag(req, body, &tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_tag_follows_the_bytes() {
        assert_eq!(tag_of(b"{\"a\":1}"), tag_of(b"{\"a\":1}"));
        assert_ne!(tag_of(b"{\"a\":1}"), tag_of(b"{\"a\":2}"));
        assert_eq!(tag_of(b"x").len(), 34);
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_in_lists() {
        let tag = tag_of(b"body");
        let listed = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("\"other\", W/{tag}")))
            .to_http_request();
        assert!(matches(&listed, &tag));
        let star = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "*"))
            .to_http_request();
        assert!(matches(&star, &tag));
        let other = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert!(!matches(&other, &tag));
    }
}
