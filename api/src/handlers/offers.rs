//! Calls, offers and their outcomes (scorrimento).

use std::sync::Arc;

use actix_web::{get, post, web, HttpResponse};
use domain::ids::{OfferId, SelectionId};
use domain::selection::scorrimento::Outcome;
use openapi::dto::{CallRequest, Decision, OfferQuery, OfferResponse, OfferView, Page, PagedList};
use openapi::Problem;
use persistence::offers::{OfferFilter, OfferRow};
use persistence::time::from_db;

use crate::accounts::parse_uuid;
use crate::app::scorrimento::{CallNext, DecideOffer, ListOffers, RespondToOffer};
use crate::app::Act;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

pub fn offer_view(o: &OfferRow, application_no: &str) -> ApiResult<OfferView> {
    Ok(OfferView {
        id: parse_uuid(&o.id)?,
        selection_id: parse_uuid(&o.selection_id)?,
        application_no: application_no.to_owned(),
        candidate_id: parse_uuid(&o.application_id)?,
        province: o.province_sigla.clone(),
        status: o.status()?.into(),
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
    security(("bearer_auth" = ["hr"])),
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
    path: ValidPath<(String, String)>,
    body: ValidJson<CallRequest>,
) -> ApiResult<HttpResponse> {
    let (id, sigla) = path.into_inner();
    let req = body.0;
    let case = CallNext::new(
        SelectionId::from_stored(id),
        &sigla,
        req.fallback,
        req.reason,
    );
    let called = state.run(&caller, &meta, case).await?;
    let view = offer_view(&called.offer, &called.application.application_no)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/offers/{}", view.id)))
        .json(view))
}

/// Offers, oldest first. Overdue offers lapse before they are read.
#[utoipa::path(
    tag = "scorrimento",
    params(OfferQuery),
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = Page<OfferView>), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/offers")]
pub async fn list_offers(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
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
        after_id: cursor_key(q.cursor.as_ref(), PagedList::Offers)?,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let rows = state.run(&caller, &meta, ListOffers { filter }).await?;
    let next_key = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.offer.id.clone()))
        .flatten();
    let items = rows
        .iter()
        .map(|r| offer_view(&r.offer, &r.application_no))
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: next_cursor(PagedList::Offers, next_key),
    }))
}

async fn decide(
    state: &AppState,
    meta: &RequestMeta,
    caller: &Authorized<HrOnly>,
    id: String,
    outcome: Outcome,
) -> ApiResult<OfferView> {
    let record = state
        .run(
            caller,
            meta,
            DecideOffer {
                id: OfferId::from_stored(id),
                outcome,
            },
        )
        .await?;
    offer_view(&record.offer, &record.application_no)
}

/// Records the candidate's acceptance on their behalf.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Offer id")),
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
) -> ApiResult<web::Json<OfferView>> {
    Ok(web::Json(
        decide(&state, &meta, &caller, id.into_inner(), Outcome::Accept).await?,
    ))
}

/// Records the candidate's renuncia on their behalf; the seat is free at once.
#[utoipa::path(
    tag = "scorrimento",
    params(("id" = String, Path, description = "Offer id")),
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
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
    let OfferResponse {
        token,
        decision,
        reason,
    } = body.0;
    let outcome = match decision {
        Decision::Accept => Outcome::Accept,
        Decision::Decline => Outcome::Decline,
    };
    // Nobody is signed in: the token is the candidate's authority.
    let act = Act {
        request_id: Some(meta.request_id.clone()),
        today: state.today(),
        ..Act::system(Arc::clone(&state.settings))
    };
    let record = state
        .use_cases
        .run(
            act,
            RespondToOffer::new(&token, outcome).with_reason(reason),
        )
        .await?;
    let view = offer_view(&record.offer, &record.application_no)?;
    Ok(web::Json(view))
}
