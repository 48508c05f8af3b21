use actix_web::{get, post, web, HttpResponse};
use domain::equipment::{ItemInput, ItemKind, ItemState, NewItem};
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{
    EquipmentQuery, ImportedItems, ItemView, NewItemRequest, Page, PageQuery, PairingView,
};
use openapi::Problem;
use persistence::audit;
use persistence::equipment::{self, ItemFilter};
use persistence::DbConnection;

use crate::accounts::parse_uuid;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::csv_import::{optional, records};
use crate::equipment::item_view;
use crate::error::{ApiError, ApiResult};
use crate::extract::{CsvUpload, RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{page_in_memory, page_limit, KeyOrder};
use crate::state::AppState;

pub const HEADER: [&str; 9] = [
    "kind",
    "model",
    "serial",
    "imei",
    "iccid",
    "phone_number",
    "plan",
    "mailbox",
    "batch",
];

/// The unique identifiers of an item, as `(field, value)`.
fn identifiers(item: &NewItem) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(v) = &item.imei {
        out.push(("imei", v.clone()));
    }
    if let Some(v) = &item.iccid {
        out.push(("iccid", v.clone()));
    }
    if let Some(v) = &item.phone_number {
        out.push(("phone_number", v.clone()));
    }
    if let Some(v) = &item.mailbox {
        out.push(("mailbox", v.clone()));
    }
    if let Some(v) = &item.serial {
        out.push(("serial", format!("{}:{v}", item.kind.as_str())));
    }
    out
}

/// Checks items against each other and the inventory: every identifier is
/// unique. `lines` gives each item's line for an import.
fn check_unique(
    conn: &mut DbConnection,
    items: &[NewItem],
    lines: Option<&[u64]>,
) -> ApiResult<Violations> {
    let mut v = Violations::new();
    let at = |i: usize, violation: Violation| match lines {
        Some(l) => violation.at_line(l[i]),
        None => violation,
    };
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        for id in identifiers(item) {
            if seen.contains(&id) {
                v.push(at(
                    i,
                    Violation::new(id.0, RuleCode::Duplicate).with_detail(id.1.clone()),
                ));
            } else {
                seen.push(id);
            }
        }
    }
    let taken = equipment::identifiers_taken(conn, items)?;
    for (i, item) in items.iter().enumerate() {
        for (field, value) in identifiers(item) {
            if taken.iter().any(|(f, t)| *f == field && *t == value) {
                v.push(at(
                    i,
                    Violation::new(field, RuleCode::AlreadyInInventory).with_detail(value),
                ));
            }
        }
    }
    Ok(v)
}

/// Adds one item to the inventory, in stock.
#[utoipa::path(
    tag = "equipment",
    request_body = NewItemRequest,
    security(("bearer_auth" = [])),
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
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let view = state
        .write(move |conn| {
            let clashes = check_unique(conn, std::slice::from_ref(&item), None)?;
            if !clashes.is_empty() {
                return Err(ApiError::Validation(clashes));
            }
            let ids = equipment::insert_items(
                conn,
                std::slice::from_ref(&item),
                today,
                ctx.actor.as_deref(),
            )?;
            let id = ids.first().ok_or(ApiError::Internal)?;
            let row = equipment::must_get(conn, id)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "equipment.received",
                "equipment",
                id,
                None,
                Some(&row),
            )?;
            item_view(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/equipment/{}", view.id)))
        .json(view))
}

/// Imports a procurement batch (CSV `kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch`):
/// every row checked, all rows or none, every bad row named by line.
#[utoipa::path(
    tag = "equipment",
    request_body(content = String, content_type = "text/csv"),
    security(("bearer_auth" = [])),
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
    let rows = records(&body.0, &HEADER).map_err(ApiError::FileRejected)?;
    let mut bad = Violations::new();
    let mut items = Vec::new();
    let mut lines = Vec::new();
    for (line, r) in &rows {
        let cell = |i: usize| optional(r.get(i).unwrap_or(""));
        let parsed = NewItem::parse(&ItemInput {
            kind: r.get(0).unwrap_or(""),
            model: cell(1),
            serial: cell(2),
            imei: cell(3),
            iccid: cell(4),
            phone_number: cell(5),
            plan: cell(6),
            mailbox: cell(7),
            batch: cell(8),
        });
        match parsed {
            Ok(item) => {
                items.push(item);
                lines.push(*line);
            }
            Err(v) => {
                for violation in v.0 {
                    bad.push(violation.at_line(*line));
                }
            }
        }
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let imported = state
        .write(move |conn| {
            for clash in check_unique(conn, &items, Some(&lines))?.0 {
                bad.push(clash);
            }
            if !bad.is_empty() {
                bad.0.sort_by_key(|v| v.line);
                return Err(ApiError::FileRejected(bad));
            }
            let ids = equipment::insert_items(conn, &items, today, ctx.actor.as_deref())?;
            let batches: std::collections::BTreeSet<&str> =
                items.iter().filter_map(|i| i.batch.as_deref()).collect();
            audit::append::<(), _>(
                conn,
                &ctx,
                "equipment.imported",
                "equipment",
                ids.first().map(String::as_str).unwrap_or_default(),
                None,
                Some(&serde_json::json!({ "items": ids.len(), "batches": batches })),
            )?;
            Ok(ids.len())
        })
        .await?;
    Ok(HttpResponse::Created().json(ImportedItems { imported }))
}

/// The inventory, filtered; by id.
#[utoipa::path(
    tag = "equipment",
    params(EquipmentQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<ItemView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/equipment")]
pub async fn list_items(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
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
        after_id: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let page = state
        .read(move |conn| {
            let rows = equipment::list(conn, &filter)?;
            let next_cursor = (rows.len() as i64 == limit)
                .then(|| rows.last().map(|r| r.id.clone()))
                .flatten();
            let items = rows
                .iter()
                .map(|r| item_view(conn, r))
                .collect::<ApiResult<_>>()?;
            Ok(Page { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// One item.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/equipment/{id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ItemView>> {
    let id = id.into_inner();
    let view = state
        .read(move |conn| {
            let row = equipment::get(conn, &id)?.ok_or(ApiError::NotFound { entity: "item" })?;
            item_view(conn, &row)
        })
        .await?;
    Ok(web::Json(view))
}

/// The pairing history of a SIM or a device, oldest first.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Item id"), PageQuery),
    security(("bearer_auth" = [])),
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
    _caller: Authorized<HrOnly>,
    id: web::Path<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<PairingView>>> {
    let id = id.into_inner();
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let rows = state
        .read(move |conn| {
            equipment::get(conn, &id)?.ok_or(ApiError::NotFound { entity: "item" })?;
            Ok(equipment::pairings_of(conn, &id)?)
        })
        .await?;
    // An item's pairings are few: read whole, keyed by the moment, then id.
    let page = page_in_memory(
        rows,
        |p| format!("{}_{}", p.paired_at.format("%Y%m%d%H%M%S%6f"), p.id),
        KeyOrder::Ascending,
        q.cursor.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(|p| {
                Ok(PairingView {
                    sim_id: parse_uuid(&p.sim_id)?,
                    device_id: parse_uuid(&p.device_id)?,
                    paired_at: persistence::time::from_db(p.paired_at),
                    unpaired_at: p.unpaired_at.map(persistence::time::from_db),
                })
            })
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}
