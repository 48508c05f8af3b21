use actix_web::{post, web, HttpResponse};
use domain::equipment::{ReturnCondition, WriteOff};
use domain::ids::{EquipmentItemId, NavigatorId};
use openapi::dto::{
    self, AssignItemRequest, ItemView, MovementRequest, PairRequest, ReturnItemRequest,
    WriteOffRequest, WriteOffState,
};
use openapi::Problem;

use super::views::item_view;
use crate::app::equipment::{
    AssignItem, MoveItem, PairSim, PlainMovement, ReturnItem, WriteOffItem,
};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath};
use crate::state::AppState;

/// Personalisation (device management enrolment, SIM activation, mailbox
/// creation): `in_stock` → `personalised`.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = MovementRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<MovementRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let case = MoveItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
        movement: PlainMovement::Personalise,
        on: body.0.on,
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Assignment to a Navigator whose contract is signed or active: one
/// holder per item, one item of each kit part per Navigator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = AssignItemRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<AssignItemRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    let case = AssignItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
        navigator_id: NavigatorId::from_stored(req.navigator_id),
        on: req.on,
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Return with its condition; a device's data wipe must be confirmed. A
/// broken item becomes `broken`.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = ReturnItemRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<ReturnItemRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    let case = ReturnItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
        condition: match req.condition {
            dto::ReturnCondition::Good => ReturnCondition::Good,
            dto::ReturnCondition::Damaged => ReturnCondition::Damaged,
            dto::ReturnCondition::Broken => ReturnCondition::Broken,
        },
        wiped: req.wiped,
        on: req.on,
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Write-off of a lost or stolen item, with the day it was reported; a SIM
/// is marked for blocking.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = WriteOffRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<WriteOffRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let req = body.0;
    let case = WriteOffItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
        how: match req.state {
            WriteOffState::Lost => WriteOff::Lost,
            WriteOffState::Stolen => WriteOff::Stolen,
        },
        reported_on: req.reported_on,
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Retirement of an item that came back or was written off.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    request_body = MovementRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<MovementRequest>,
) -> ApiResult<web::Json<ItemView>> {
    let case = MoveItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
        movement: PlainMovement::Retire,
        on: body.0.on,
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Puts the SIM `id` into a device: a voice and data SIM into the
/// smartphone, a data SIM into the tablet. One device per SIM and one SIM
/// per device at a time; the history is kept.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "The SIM's id")),
    request_body = PairRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<PairRequest>,
) -> ApiResult<HttpResponse> {
    let case = PairSim {
        sim_id: EquipmentItemId::from_stored(id.into_inner()),
        device_id: EquipmentItemId::from_stored(body.0.device_id),
    };
    let sim = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Ok().json(item_view(&sim)?))
}
