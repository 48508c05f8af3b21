use actix_web::{get, post, web, HttpResponse};
use domain::equipment::{ItemInput, ItemKind, ItemState, NewItem};
use domain::ids::EquipmentItemId;
use openapi::dto::{
    EquipmentQuery, ImportedItems, ItemView, NewItemRequest, Page, PageQuery, PagedList,
    PairingView,
};
use openapi::Problem;
use persistence::equipment::ItemFilter;

use super::views::{item_view, pairing_view};
use crate::app::equipment::{ImportBatch, ListItems, PairingHistory, ReadItem, ReceiveItem};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{CsvUpload, RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_in_memory, page_limit, KeyOrder};
use crate::state::AppState;

/// Adds one item to the inventory, in stock.
#[utoipa::path(
    tag = "equipment",
    request_body = NewItemRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed: a wrong identifier (IMEI or ICCID check digit, mobile number, mailbox), a field the kind does not take, or one already in the inventory", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment")]
pub async fn create_item(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: ValidJson<NewItemRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let item = NewItem::parse(&ItemInput {
        kind: &r.kind,
        model: r.model.as_deref(),
        serial: r.serial.as_deref(),
        imei: r.imei.as_deref(),
        iccid: r.iccid.as_deref(),
        phone_number: r.phone_number.as_deref(),
        plan: r.plan.as_deref(),
        mailbox: r.mailbox.as_deref(),
        batch: r.batch.as_deref(),
    })?;
    let record = state.run(&caller, &meta, ReceiveItem { item }).await?;
    let view = item_view(&record)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/equipment/{}", view.id)))
        .json(view))
}

/// Imports a procurement batch (CSV `kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch`):
/// every row checked, all rows or none, every bad row named by line.
#[utoipa::path(
    tag = "equipment",
    request_body(content = String, content_type = "text/csv"),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = ImportedItems),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "file-rejected, with each bad row", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment/import")]
pub async fn import_items(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: CsvUpload,
) -> ApiResult<HttpResponse> {
    let case = ImportBatch::from_csv(&body.0)?;
    let imported = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Created().json(ImportedItems { imported }))
}

/// The inventory, filtered; by id.
#[utoipa::path(
    tag = "equipment",
    params(EquipmentQuery),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Page<ItemView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/equipment")]
pub async fn list_items(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    query: ValidQuery<EquipmentQuery>,
) -> ApiResult<web::Json<Page<ItemView>>> {
    let q = query.0;
    if let Some(k) = q.kind.as_deref().filter(|k| ItemKind::parse(k).is_none()) {
        return Err(ApiError::InvalidQuery {
            field: "kind".into(),
            detail: format!("{k}: smartphone, tablet, sim or mailbox"),
        });
    }
    if let Some(s) = q.state.as_deref().filter(|s| ItemState::parse(s).is_none()) {
        return Err(ApiError::InvalidQuery {
            field: "state".into(),
            detail: format!(
                "{s}: in_stock, personalised, assigned, returned, lost, stolen, broken or retired"
            ),
        });
    }
    let filter = ItemFilter {
        kind: q.kind,
        state: q.state,
        holder_id: q.navigator,
        batch: q.batch,
        after_id: cursor_key(q.cursor.as_ref(), PagedList::Equipment)?,
        limit: page_limit(q.limit)?,
    };
    let page = state.run(&caller, &meta, ListItems { filter }).await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(item_view).collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Equipment, page.next_cursor),
    }))
}

/// One item.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/equipment/{id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<ItemView>> {
    let case = ReadItem {
        id: EquipmentItemId::from_stored(id.into_inner()),
    };
    Ok(web::Json(item_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// The pairing history of a SIM or a device, oldest first.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id"), PageQuery),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Page<PairingView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/equipment/{id}/pairings")]
pub async fn list_pairings(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<PairingView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let after = cursor_key(q.cursor.as_ref(), PagedList::Pairings)?;
    let case = PairingHistory {
        id: EquipmentItemId::from_stored(id.into_inner()),
    };
    let rows = state.run(&caller, &meta, case).await?;
    // An item's pairings are few: read whole, keyed by the moment, then id.
    let page = page_in_memory(
        rows,
        |p| format!("{}_{}", p.paired_at.format("%Y%m%d%H%M%S%6f"), p.id),
        KeyOrder::Ascending,
        after.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(pairing_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Pairings, page.next_key),
    }))
}
