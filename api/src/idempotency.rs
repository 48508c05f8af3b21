//! Retry-safe writes: a signed-in caller's `POST` sent with an
//! `Idempotency-Key` header changes things at most once, and every retry of
//! it within [`KEPT_FOR`] gets the first answer again, marked
//! `Idempotent-Replayed: true`.
//!
//! The key is claimed by the use case runner in the transaction of the
//! change itself ([`crate::app::IdempotencyClaim`]), so two requests with one
//! key racing each other make one change: the second gets 409 and a
//! `Retry-After`, and its retry the kept answer. This layer recognises a key
//! already answered, refuses a key reused for another request (422), and
//! keeps the answer once the change has committed. A request that changed
//! nothing (refused, failed) keeps no answer: its retry runs again.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpMessage, HttpResponse};
use persistence::idempotency::{self as keys, KeptAnswer};
use sha2::{Digest, Sha256};

use crate::app::IdempotencyClaim;
use crate::auth::caller::authenticate;
use crate::error::{ApiError, FieldProblem};
use crate::extract::read_body;
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// How long a key and its answer are kept: a day covers a tablet or a
/// browser that retries after a night without signal.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);

/// How long a claimed key with no answer is taken for a request still
/// running. Past it, the request that claimed the key ended after its change
/// committed and before its answer was kept (the process stopped): the
/// change stands, the answer is gone, and a retry is told so instead of
/// "in progress" for the rest of the day. Far longer than any request runs.
pub const ANSWER_LOST_AFTER: chrono::Duration = chrono::Duration::minutes(15);

/// The longest key accepted (UUIDs, ULIDs and random strings fit easily).
const MAX_KEY_LEN: usize = 255;

pub async fn idempotent_posts(
    mut req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(raw) = req.headers().get(&IDEMPOTENCY_KEY).cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if req.method() != Method::POST {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = match valid_key(&raw) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    // Keys are the caller's own: without a valid token the handler answers
    // 401, and a public form (an offer's link) is safe to repeat as it is.
    let caller = authenticate(req.request()).ok();
    let (Some(state), Some(caller)) = (state, caller) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };

    let limit = body_limit(&req, &state);
    let mut payload = req.take_payload();
    let body = match read_body(req.request(), &mut payload, limit).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let fingerprint = fingerprint_of(&req, &body);
    req.set_payload(actix_web::dev::Payload::from(body));

    let found = kept(&state, &caller.user_id, &key).await;
    match found {
        Err(e) => return Ok(req.error_response(e)),
        Ok(Some(kept)) if kept.fingerprint != fingerprint => {
            let e = ApiError::rule(openapi::ProblemType::IdempotencyKeyReused, key.as_str());
            return Ok(req.error_response(e));
        }
        Ok(Some(kept)) => {
            let response = match replay(&kept) {
                Some(response) => response,
                None => {
                    let lost = chrono::Utc::now() - kept.claimed_at() > ANSWER_LOST_AFTER;
                    let code = match lost {
                        true => openapi::ProblemType::IdempotencyAnswerLost,
                        false => openapi::ProblemType::IdempotencyKeyInFlight,
                    };
                    return Ok(req.error_response(ApiError::conflict(code, key.as_str())));
                }
            };
            return Ok(req.into_response(response));
        }
        Ok(None) => {}
    }

    let claim = IdempotencyClaim::new(caller.user_id.clone(), key.clone(), fingerprint);
    req.extensions_mut().insert(claim.clone());
    let res = next.call(req).await?;
    if !claim.is_claimed() {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body())
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("response body"))?;
    keep(&state, &claim, status, &headers, &body).await;
    let mut response = HttpResponse::build(status).body(body);
    *response.headers_mut() = headers;
    Ok(ServiceResponse::new(req, response))
}

/// A key is 1 to 255 visible ASCII characters.
fn valid_key(raw: &HeaderValue) -> Result<String, ApiError> {
    key_of(raw.to_str().unwrap_or_default())
}

/// `text` as a key: 1 to 255 visible ASCII characters, or the refusal.
/// Also what a console form's hidden key is checked with.
pub fn key_of(text: &str) -> Result<String, ApiError> {
    let key = text.trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::InvalidField {
            problem: FieldProblem::Invalid,
            field: IDEMPOTENCY_KEY.as_str().to_owned(),
            detail: format!("1 to {MAX_KEY_LEN} visible ASCII characters"),
        });
    }
    Ok(key.to_owned())
}

/// The limit the handler will apply anyway: files are larger than JSON.
fn body_limit(req: &ServiceRequest, state: &AppState) -> usize {
    let json = req.content_type().eq_ignore_ascii_case("application/json");
    match json {
        true => state.settings.json_limit_bytes,
        false => state
            .settings
            .import_limit_bytes
            .max(state.settings.json_limit_bytes),
    }
}

/// SHA-256 of the method, path, query and body, each length-prefixed so
/// that no two requests share one.
fn fingerprint_of(req: &ServiceRequest, body: &[u8]) -> String {
    fingerprint(&[
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
        body,
    ])
}

/// SHA-256 of `parts`, each length-prefixed: what a key is recognised by.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The key `key` of `caller_id` as stored, if it was claimed: its
/// fingerprint, and its kept answer once there is one.
pub async fn kept(
    state: &AppState,
    caller_id: &str,
    key: &str,
) -> Result<Option<keys::KeyRow>, ApiError> {
    let (db, caller_id, key) = (state.db.clone(), caller_id.to_owned(), key.to_owned());
    web::block(move || -> Result<_, ApiError> {
        let mut conn = db.get()?;
        Ok(keys::find(&mut conn, &caller_id, &key)?)
    })
    .await
    .map_err(|_| ApiError::Internal)
    .and_then(|r| r)
}

/// Keeps a console form's answer, a redirect to `location`, for a claim
/// whose change has committed.
pub async fn keep_redirect(state: &AppState, claim: &IdempotencyClaim, location: &str) {
    let mut headers = header::HeaderMap::new();
    if let Ok(l) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, l);
    }
    keep(state, claim, StatusCode::SEE_OTHER, &headers, b"").await;
}

/// The kept answer, or `None` while there is none (the first request is
/// still running, or ended before its answer could be kept).
fn replay(kept: &keys::KeyRow) -> Option<HttpResponse> {
    let status = StatusCode::from_u16(u16::try_from(kept.status?).ok()?).ok()?;
    let mut response = HttpResponse::build(status);
    if let Some(t) = &kept.content_type {
        response.insert_header((header::CONTENT_TYPE, t.as_str()));
    }
    if let Some(l) = &kept.location {
        response.insert_header((header::LOCATION, l.as_str()));
    }
    response.insert_header((IDEMPOTENT_REPLAYED, "true"));
    Some(response.body(kept.body.clone().unwrap_or_default()))
}

/// Keeps the answer of a committed change. Failing here loses only the
/// answer, never the change: a retry then gets 409 (in flight, then, past
/// [`ANSWER_LOST_AFTER`], answer lost) rather than a second change.
async fn keep(
    state: &AppState,
    claim: &IdempotencyClaim,
    status: StatusCode,
    headers: &header::HeaderMap,
    body: &[u8],
) {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = text(header::CONTENT_TYPE);
    let location = text(header::LOCATION);
    let Ok(body) = String::from_utf8(body.to_vec()) else {
        tracing::warn!(key = %claim.key, "answer not kept: not text");
        return;
    };
    let (db, claim) = (state.db.clone(), claim.clone());
    let kept = web::block(move || -> Result<(), ApiError> {
        let mut conn = db.get()?;
        keys::keep_answer(
            &mut conn,
            &claim.caller_id,
            &claim.key,
            &KeptAnswer {
                status: status.as_u16(),
                content_type: content_type.as_deref(),
                location: location.as_deref(),
                body: &body,
            },
        )?;
        Ok(())
    })
    .await;
    if !matches!(kept, Ok(Ok(()))) {
        tracing::warn!("the answer of an idempotent request could not be kept");
    }
}

/// Documents the header, and the answers it adds, on every signed-in POST.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Required};

    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(format!(
            "Makes the request safe to retry: the first request with a key changes things, \
             every retry with the same key and the same request within {} hours gets its answer \
             again (marked `Idempotent-Replayed: true`) and changes nothing more. Keys are the \
             caller's own; 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID is a good key).",
            KEPT_FOR.num_hours()
        )))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                // Visible ASCII, `!` to `~`, as `is_ascii_graphic` reads it.
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    let answers = [
        (
            "400",
            "invalid-field: the Idempotency-Key header is not 1 to 255 visible ASCII characters",
        ),
        (
            "409",
            "idempotency-key-in-flight: a request with this Idempotency-Key is still running (retry after Retry-After seconds); idempotency-answer-lost: the request with this Idempotency-Key made its change but its answer was lost when the service stopped (check the outcome)",
        ),
        (
            "422",
            "idempotency-key-reused: the Idempotency-Key was first sent with another request",
        ),
    ];
    for item in doc.paths.paths.values_mut() {
        let Some(post) = item.post.as_mut() else {
            continue;
        };
        if post.security.as_ref().is_none_or(Vec::is_empty) {
            continue;
        }
        post.parameters
            .get_or_insert_with(Vec::new)
            .push(RefOr::T(parameter.clone()));
        for (status, words) in answers {
            match post.responses.responses.get_mut(status) {
                Some(RefOr::T(response)) => {
                    response.description = format!("{}; {words}", response.description);
                }
                Some(RefOr::Ref(_)) => {}
                None => crate::openapi_answers::add(post, status, words),
            }
        }
    }
}
