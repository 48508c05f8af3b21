//! Reading contracts: the list, one, and the caller's own.

use actix_web::{get, web};
use domain::contract::ContractStatus;
use domain::ids::ContractId;
use openapi::dto::{ContractQuery, ContractView, Page, PagedList};
use openapi::Problem;

use super::views::contract_view;
use crate::app::contracts::{ListContracts, ReadContract, ReadOwnContract};
use crate::auth::caller::{HrOrCoordinator, NavigatorOnly};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// Contracts, filtered; coordinators see their own Region's only.
#[utoipa::path(
    tag = "contracts",
    params(ContractQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses((status = 200, body = Page<ContractView>), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/contracts")]
pub async fn list_contracts(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    query: ValidQuery<ContractQuery>,
) -> ApiResult<web::Json<Page<ContractView>>> {
    let q = query.0;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(
            ContractStatus::parse(s).ok_or_else(|| ApiError::InvalidQuery {
                field: "status".into(),
                detail: format!("{s}: draft, signed, active, suspended, ended or cancelled"),
            })?,
        ),
    };
    let case = ListContracts {
        region: q.region,
        province: q.province,
        status,
        cursor: cursor_key(q.cursor.as_ref(), PagedList::Contracts)?,
        limit: page_limit(q.limit)?,
    };
    let page = state.run(&caller, &meta, case).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(contract_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Contracts, page.next_cursor),
    }))
}

/// One contract; a coordinator reads only their own Region's.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    security(("bearer_auth" = ["hr", "coordinator"])),
    responses(
        (status = 200, body = ContractView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contracts/{id}")]
pub async fn get_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<ContractView>> {
    let case = ReadContract {
        id: ContractId::from_stored(id.into_inner()),
    };
    Ok(web::Json(contract_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// The caller's own contract.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = ["navigator"])),
    responses((status = 200, body = ContractView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/me/contract")]
pub async fn my_contract(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
) -> ApiResult<web::Json<ContractView>> {
    Ok(web::Json(contract_view(
        &state.run(&caller, &meta, ReadOwnContract).await?,
    )?))
}
