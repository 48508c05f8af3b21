//! Calls, offers and their outcomes (scorrimento).

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use domain::selection::scorrimento::Outcome;
use openapi::dto::{CallRequest, Decision, OfferQuery, OfferResponse, OfferView, Page};
use openapi::Problem;
use persistence::offers::{self, OfferFilter, OfferRow};
use persistence::time::from_db;

use crate::accounts::{parse_uuid, MailContext};
use crate::auth::caller::HrOnly;
use crate::auth::tokens::digest;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::page_limit;
use crate::handlers::selection::load_selection;
use crate::scorrimento;
use crate::state::AppState;

pub fn offer_view(o: &OfferRow, application_no: &str) -> ApiResult<OfferView> {
    Ok(OfferView {
        id: parse_uuid(&o.id)?,
        selection_id: parse_uuid(&o.selection_id)?,
        application_no: application_no.to_owned(),
        candidate_id: parse_uuid(&o.application_id)?,
        province: o.province_sigla.clone(),
        status: o.status.clone(),
        deadline: from_db(o.deadline),
        created_at: from_db(o.created_at),
        decided_at: o.decided_at.map(from_db),
        fallback: o.fallback,
        reason: o.reason.clone(),
    })
}

/// Calls the next waiting candidate of the province for a vacant seat: an
/// offer with a deadline, mailed with a link to accept or decline.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Selection id"), ("sigla" = String, Path, description = "Province sigla")),
    request_body = CallRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = OfferView),
        (status = 409, description = "no-vacant-seat or ranking-not-published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "ranking-exhausted or ranking-expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/provinces/{sigla}/calls")]
pub async fn call_next(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: ValidJson<CallRequest>,
) -> ApiResult<HttpResponse> {
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let req = body.0;
    let ctx = meta.audit(Some(&caller));
    let public_url = state.settings.public_url.clone();
    let domain = state.settings.public_host();
    let today = state.today();
    let called = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            let mail = MailContext {
                public_url: &public_url,
                message_domain: &domain,
            };
            scorrimento::call(
                conn,
                &ctx,
                &sel,
                &sigla,
                req.fallback.unwrap_or(false),
                req.reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty()),
                today,
                Utc::now(),
                &mail,
            )
        })
        .await?;
    let view = offer_view(&called.offer, &called.application.application_no)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/offers/{}", view.id)))
        .json(view))
}

/// Offers, oldest first. Overdue offers lapse before they are read.
#[utoipa::path(
    tag = "scorrimento",
    params(OfferQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = Page<OfferView>), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/offers")]
pub async fn list_offers(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    query: ValidQuery<OfferQuery>,
) -> ApiResult<web::Json<Page<OfferView>>> {
    let q = query.0;
    if let Some(s) = q.status.as_deref() {
        if domain::selection::scorrimento::OfferStatus::parse(s).is_none() {
            return Err(ApiError::InvalidQuery {
                field: "status".into(),
                detail: format!("{s}: pending, accepted, declined, lapsed or withdrawn"),
            });
        }
    }
    let filter = OfferFilter {
        selection_id: q.selection,
        status: q.status,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        after_id: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let today = state.today();
    let rows = state
        .write(move |conn| {
            scorrimento::lapse_overdue(conn, Utc::now(), today)?;
            Ok(offers::list(conn, &filter)?)
        })
        .await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|(o, _)| o.id.clone()))
        .flatten();
    let items = rows
        .iter()
        .map(|(o, no)| offer_view(o, no))
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

async fn decide(
    state: &AppState,
    meta: &RequestMeta,
    caller: &Authorized<HrOnly>,
    id: String,
    outcome: Outcome,
) -> ApiResult<OfferView> {
    let ctx = meta.audit(Some(caller));
    let today = state.today();
    state
        .write(move |conn| {
            scorrimento::lapse_overdue(conn, Utc::now(), today)?;
            let offer =
                offers::get_offer(conn, &id)?.ok_or(ApiError::NotFound { entity: "offer" })?;
            let after = scorrimento::apply_outcome(
                conn,
                &ctx,
                &offer,
                outcome,
                Some("registrato da HR"),
                today,
            )?;
            let app = persistence::selection::get_application(conn, &after.application_id)?
                .ok_or(ApiError::Internal)?;
            offer_view(&after, &app.application_no)
        })
        .await
}

/// Records the candidate's acceptance on their behalf.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Offer id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = OfferView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "offer-not-pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers/{id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<web::Json<OfferView>> {
    Ok(web::Json(
        decide(&state, &meta, &caller, id.into_inner(), Outcome::Accept).await?,
    ))
}

/// Records the candidate's renuncia on their behalf; the seat is free at once.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Offer id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = OfferView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "offer-not-pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers/{id}/decline")]
pub async fn decline_offer(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<web::Json<OfferView>> {
    Ok(web::Json(
        decide(&state, &meta, &caller, id.into_inner(), Outcome::Decline).await?,
    ))
}

/// The candidate answers from the link in the offer mail, without an
/// account. The token works once and only for its own offer.
#[utoipa::path(
    tag = "scorrimento",
    request_body = OfferResponse,
    responses(
        (status = 200, body = OfferView),
        (status = 400, description = "one-time-token-invalid", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "offer-not-pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers/respond")]
pub async fn respond_to_offer(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<OfferResponse>,
) -> ApiResult<web::Json<OfferView>> {
    let OfferResponse { token, decision } = body.0;
    let hash = digest(token.trim());
    let ctx = meta.audit(None);
    let today = state.today();
    let view = state
        .write(move |conn| {
            scorrimento::lapse_overdue(conn, Utc::now(), today)?;
            let offer =
                offers::offer_by_token(conn, &hash)?.ok_or(ApiError::OneTimeTokenInvalid)?;
            if !offers::use_token(conn, &offer.id)? {
                return Err(ApiError::OneTimeTokenInvalid);
            }
            let outcome = match decision {
                Decision::Accept => Outcome::Accept,
                Decision::Decline => Outcome::Decline,
            };
            let after = scorrimento::apply_outcome(
                conn,
                &ctx,
                &offer,
                outcome,
                Some("risposta del candidato"),
                today,
            )?;
            let app = persistence::selection::get_application(conn, &after.application_id)?
                .ok_or(ApiError::Internal)?;
            offer_view(&after, &app.application_no)
        })
        .await?;
    Ok(web::Json(view))
}
