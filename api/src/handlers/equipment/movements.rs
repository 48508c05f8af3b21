use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use domain::equipment::{
    check_movement_day, check_pairing, check_return, may_receive, transition, ItemKind, ItemState,
    Movement, PairingSide, Plan, WriteOff,
};
use domain::RuleCode;
use domain::Violation;
use openapi::dto::{
    AssignItemRequest, ItemView, MovementRequest, PairRequest, ReturnCondition, ReturnItemRequest,
    WriteOffRequest, WriteOffState,
};
use openapi::Problem;
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::equipment::{self, ItemRow, MovementDetail};
use persistence::{contracts, DbConnection};

use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::contracts::dates;
use crate::equipment::{close_offboarding_if_done, item_view};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

fn state_of(item: &ItemRow) -> ApiResult<ItemState> {
    ItemState::parse(&item.state).ok_or(ApiError::Internal)
}

fn kind_of(item: &ItemRow) -> ApiResult<ItemKind> {
    ItemKind::parse(&item.kind).ok_or(ApiError::Internal)
}

fn forbidden(item: &ItemRow, movement: Movement) -> ApiError {
    ApiError::conflict(
        ProblemType::ForbiddenTransition,
        format!("{} → {}", item.state, movement.as_str()),
    )
}

/// Applies a movement to an item: the state machine, the day, the
/// conditional update (of two at once, one wins), the audit line, and the
/// previous holder's offboarding when the item leaves them.
fn apply(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    item: &ItemRow,
    movement: Movement,
    day: NaiveDate,
    today: NaiveDate,
    detail: &MovementDetail<'_>,
) -> ApiResult<ItemRow> {
    let to = transition(state_of(item)?, movement).map_err(|_| forbidden(item, movement))?;
    check_movement_day(
        "on",
        day,
        today,
        equipment::last_movement_day(conn, &item.id)?,
    )?;
    let moved = equipment::move_item(
        conn,
        item,
        movement.as_str(),
        to.as_str(),
        day,
        detail,
        ctx.actor.as_deref(),
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            ApiError::conflict(ProblemType::KitPartHeld, item.kit_part.clone())
        } else {
            e.into()
        }
    })?;
    if !moved {
        // Moved meanwhile by another request: report it from its state now.
        let now = equipment::must_get(conn, &item.id)?;
        return Err(forbidden(&now, movement));
    }
    let after = equipment::must_get(conn, &item.id)?;
    if after.holder_id.is_none() {
        equipment::unpair(conn, &item.id)?;
        if let Some(previous) = &item.holder_id {
            close_offboarding_if_done(conn, ctx, previous)?;
        }
    }
    audit::append(
        conn,
        ctx,
        &format!("equipment.{}", movement.as_str()),
        "equipment",
        &item.id,
        Some(item),
        Some(&after),
    )?;
    Ok(after)
}

fn load(conn: &mut DbConnection, id: &str) -> ApiResult<ItemRow> {
    equipment::get(conn, id)?.ok_or(ApiError::NotFound { entity: "item" })
}

/// Runs a movement of the item `id` in one transaction.
async fn movement(
    state: &AppState,
    ctx: AuditContext,
    id: String,
    f: impl FnOnce(&mut DbConnection, &AuditContext, ItemRow, NaiveDate) -> ApiResult<ItemRow>
        + Send
        + 'static,
) -> ApiResult<web::Json<ItemView>> {
    let today = state.today();
    let view = state
        .write(move |conn| {
            let item = load(conn, &id)?;
            let after = f(conn, &ctx, item, today)?;
            item_view(conn, &after)
        })
        .await?;
    Ok(web::Json(view))
}

/// Personalisation (device management enrolment, SIM activation, mailbox
/// creation): `in_stock` → `personalised`.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = MovementRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "forbidden-transition", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/personalise")]
pub async fn personalise(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<MovementRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let on = body.0.on;
    movement(
        &state,
        meta.audit(Some(&caller)),
        id.into_inner(),
        move |conn, ctx, item, today| {
            apply(
                conn,
                ctx,
                &item,
                Movement::Personalise,
                on.unwrap_or(today),
                today,
                &MovementDetail::default(),
            )
        },
    )
    .await
}

/// Assignment to a Navigator whose contract is signed or active: one
/// holder per item, one item of each kit part per Navigator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = AssignItemRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "forbidden-transition, kit-part-held", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "contract-not-active; validation-failed for an unknown Navigator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<AssignItemRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    movement(
        &state,
        meta.audit(Some(&caller)),
        id.into_inner(),
        move |conn, ctx, item, today| {
            let day = req.on.unwrap_or(today);
            let nav = contracts::get_navigator(conn, &req.navigator_id)?.ok_or_else(|| {
                ApiError::from(
                    Violation::new("navigator_id", RuleCode::UnknownNavigator)
                        .with_detail(&req.navigator_id),
                )
            })?;
            // The state first: an item already out is a conflict whoever asks.
            transition(state_of(&item)?, Movement::Assign)
                .map_err(|_| forbidden(&item, Movement::Assign))?;
            let contract =
                contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
            if !may_receive(&dates(conn, &contract)?, day) {
                return Err(ApiError::rule(ProblemType::ContractNotActive, day));
            }
            let held = equipment::held_by(conn, &nav.id)?;
            if held.iter().any(|h| h.kit_part == item.kit_part) {
                return Err(ApiError::conflict(
                    ProblemType::KitPartHeld,
                    item.kit_part.clone(),
                ));
            }
            let detail = MovementDetail {
                holder_id: Some(&nav.id),
                ..MovementDetail::default()
            };
            apply(conn, ctx, &item, Movement::Assign, day, today, &detail)
        },
    )
    .await
}

/// Return with its condition; a device's data wipe must be confirmed. A
/// broken item becomes `broken`.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = ReturnItemRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "forbidden-transition", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed: wipe-not-confirmed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/return")]
pub async fn return_item(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<ReturnItemRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    movement(
        &state,
        meta.audit(Some(&caller)),
        id.into_inner(),
        move |conn, ctx, item, today| {
            let broken = req.condition == ReturnCondition::Broken;
            transition(state_of(&item)?, Movement::Return { broken })
                .map_err(|_| forbidden(&item, Movement::Return { broken }))?;
            check_return(kind_of(&item)?, req.wiped)?;
            let condition = match req.condition {
                ReturnCondition::Good => "good",
                ReturnCondition::Damaged => "damaged",
                ReturnCondition::Broken => "broken",
            };
            let detail = MovementDetail {
                condition: Some(condition),
                wiped: Some(req.wiped),
                ..MovementDetail::default()
            };
            apply(
                conn,
                ctx,
                &item,
                Movement::Return { broken },
                req.on.unwrap_or(today),
                today,
                &detail,
            )
        },
    )
    .await
}

/// Write-off of a lost or stolen item, with the day it was reported; a SIM
/// is marked for blocking.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = WriteOffRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "forbidden-transition", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/write-off")]
pub async fn write_off(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<WriteOffRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    movement(
        &state,
        meta.audit(Some(&caller)),
        id.into_inner(),
        move |conn, ctx, item, today| {
            let how = match req.state {
                WriteOffState::Lost => WriteOff::Lost,
                WriteOffState::Stolen => WriteOff::Stolen,
            };
            if req.reported_on > today {
                return Err(Violation::new("reported_on", RuleCode::DayInFuture)
                    .with_detail(req.reported_on)
                    .into());
            }
            let detail = MovementDetail {
                reported_on: Some(req.reported_on),
                block_requested: kind_of(&item)? == ItemKind::Sim,
                ..MovementDetail::default()
            };
            apply(
                conn,
                ctx,
                &item,
                Movement::WriteOff(how),
                req.reported_on,
                today,
                &detail,
            )
        },
    )
    .await
}

/// Retirement of an item that came back or was written off.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = MovementRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "forbidden-transition", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/retire")]
pub async fn retire(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<MovementRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let on = body.0.on;
    movement(
        &state,
        meta.audit(Some(&caller)),
        id.into_inner(),
        move |conn, ctx, item, today| {
            apply(
                conn,
                ctx,
                &item,
                Movement::Retire,
                on.unwrap_or(today),
                today,
                &MovementDetail::default(),
            )
        },
    )
    .await
}

fn side(item: &ItemRow) -> ApiResult<PairingSide<'_>> {
    Ok(PairingSide {
        kind: kind_of(item)?,
        plan: item.plan.as_deref().and_then(Plan::parse),
        state: state_of(item)?,
        holder: item.holder_id.as_deref(),
    })
}

/// Puts the SIM `id` into a device: a voice and data SIM into the
/// smartphone, a data SIM into the tablet. One device per SIM and one SIM
/// per device at a time; the history is kept.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "The SIM's id")),
    request_body = PairRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The SIM, paired", body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "sim-already-paired, device-already-paired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not-a-sim, not-a-device, sim-plan-mismatch, item-out-of-service, different-holders", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/{id}/pair")]
pub async fn pair(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<PairRequest>,
) -> ApiResult<HttpResponse> {
    let device_id = body.0.device_id;
    let ctx = meta.audit(Some(&caller));
    let id = id.into_inner();
    let view = state
        .write(move |conn| {
            let sim = load(conn, &id)?;
            let device = equipment::get(conn, &device_id)?.ok_or_else(|| {
                ApiError::from(
                    Violation::new("device_id", RuleCode::UnknownItem).with_detail(&device_id),
                )
            })?;
            check_pairing(&side(&sim)?, &side(&device)?)
                .map_err(|r| ApiError::pairing(r, format!("{} → {}", sim.id, device.id)))?;
            if let Some(p) = equipment::open_pairing(conn, &sim.id)? {
                return Err(ApiError::conflict(
                    ProblemType::SimAlreadyPaired,
                    p.device_id,
                ));
            }
            if let Some(p) = equipment::open_pairing(conn, &device.id)? {
                return Err(ApiError::conflict(
                    ProblemType::DeviceAlreadyPaired,
                    p.sim_id,
                ));
            }
            let pairing = equipment::pair(conn, &sim.id, &device.id).map_err(|e| {
                // Two pairings at once: the unique indexes let one through.
                if e.is_unique_violation() {
                    ApiError::conflict(ProblemType::SimAlreadyPaired, sim.id.clone())
                } else {
                    e.into()
                }
            })?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "equipment.paired",
                "equipment",
                &sim.id,
                None,
                Some(&pairing),
            )?;
            item_view(conn, &sim)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
