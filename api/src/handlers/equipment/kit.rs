use actix_web::{get, post, web};
use openapi::dto::KitView;
use openapi::Problem;
use openapi::ProblemType;
use persistence::{audit, contracts, equipment};

use crate::auth::caller::{HrOnly, NavigatorOnly};
use crate::auth::Authorized;
use crate::equipment::kit_view;
use crate::error::{ApiError, ApiResult};
use crate::extract::RequestMeta;
use crate::state::AppState;

/// A Navigator's kit: what they hold and which parts are missing.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path, description = "Navigator id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = KitView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators/{id}/kit")]
pub async fn navigator_kit(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    id: web::Path<String>,
) -> ApiResult<web::Json<KitView>> {
    let id = id.into_inner();
    let view = state
        .read(move |conn| {
            contracts::get_navigator(conn, &id)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
            kit_view(conn, &id)
        })
        .await?;
    Ok(web::Json(view))
}

/// The caller's own kit.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses((status = 200, body = KitView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/me/kit")]
pub async fn my_kit(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
) -> ApiResult<web::Json<KitView>> {
    let id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    Ok(web::Json(
        state.read(move |conn| kit_view(conn, &id)).await?,
    ))
}

/// The Navigator confirms from the tablet that they received the items they
/// hold; the time is recorded on each. Repeating it changes nothing.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = KitView),
        (status = 409, description = "nothing-to-acknowledge", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/kit/acknowledge")]
pub async fn acknowledge_kit(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<KitView>> {
    let id = caller.navigator_id.clone().ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    let ctx = meta.audit(Some(&caller));
    let view = state
        .write(move |conn| {
            if equipment::held_by(conn, &id)?.is_empty() {
                return Err(ApiError::conflict(ProblemType::NothingToAcknowledge, id.clone()));
            }
            let newly = equipment::acknowledge(conn, &id)?;
            let view = kit_view(conn, &id)?;
            if newly > 0 {
                audit::append::<(), _>(
                    conn,
                    &ctx,
                    "kit.acknowledged",
                    "navigator",
                    &id,
                    None,
                    Some(&serde_json::json!({ "items": view.items.iter().map(|i| i.id).collect::<Vec<_>>() })),
                )?;
            }
            Ok(view)
        })
        .await?;
    Ok(web::Json(view))
}
