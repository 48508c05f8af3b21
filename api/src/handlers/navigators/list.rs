use actix_web::{get, web};
use domain::contract::ContractStatus;
use openapi::dto::{NavigatorQuery, NavigatorView, Page, PageQuery};
use openapi::Problem;
use persistence::assignments::{self, NavigatorFilter};
use persistence::{contracts, reference};

use crate::auth::caller::{HrCoordinatorOrNavigator, HrOrCoordinator};
use crate::auth::{Authorized, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::handlers::{page_limit, regions_in_scope};
use crate::navigators::{check_access, check_own_id, navigator_view};
use crate::state::AppState;

fn parse_status(raw: Option<&str>) -> ApiResult<Option<ContractStatus>> {
    let Some(s) = raw else { return Ok(None) };
    ContractStatus::parse(s)
        .map(Some)
        .ok_or_else(|| ApiError::InvalidQuery {
            field: "status".into(),
            detail: format!("{s}: draft, signed, active, suspended, ended or cancelled"),
        })
}

/// One page of Navigators: SQL filters first, then the contract's state on
/// `today` (which depends on suspensions and endings), reading on until the
/// page is full.
async fn page_of(
    state: &AppState,
    caller: Caller,
    mut filter: NavigatorFilter,
    status: Option<ContractStatus>,
) -> ApiResult<Page<NavigatorView>> {
    let today = state.today();
    let limit = filter.limit;
    filter.day = Some(today);
    state
        .read(move |conn| {
            if let Some(p) = &filter.province {
                crate::handlers::check_province_filter(conn, &caller, p)?;
            }
            let mut items = Vec::new();
            let mut next_cursor = None;
            loop {
                let rows = assignments::list_navigators(conn, &filter)?;
                let exhausted = (rows.len() as i64) < filter.limit;
                for (nav, contract, current) in &rows {
                    let v = navigator_view(conn, nav, contract, current.as_ref(), today)?;
                    if status.is_none_or(|s| v.status == s.as_str()) {
                        items.push(v);
                    }
                    filter.after_id = Some(nav.id.clone());
                    if items.len() as i64 == limit {
                        next_cursor = filter.after_id.clone();
                        break;
                    }
                }
                if next_cursor.is_some() || exhausted {
                    break;
                }
            }
            Ok(Page { items, next_cursor })
        })
        .await
}

/// Navigators with their contract's state and CPI today; coordinators see
/// their own Region's only.
#[utoipa::path(
    tag = "navigators",
    params(NavigatorQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<NavigatorView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators")]
pub async fn list_navigators(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    query: ValidQuery<NavigatorQuery>,
) -> ApiResult<web::Json<Page<NavigatorView>>> {
    let q = query.0;
    let status = parse_status(q.status.as_deref())?;
    let filter = NavigatorFilter {
        regions: regions_in_scope(&caller, q.region)?,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        cpi: q.cpi.map(|c| c.trim().to_ascii_uppercase()),
        unassigned: q.unassigned.unwrap_or(false),
        day: None,
        after_id: q.cursor,
        limit: page_limit(q.limit)?,
    };
    Ok(web::Json(
        page_of(&state, caller.caller.clone(), filter, status).await?,
    ))
}

/// One Navigator; a Navigator reads only their own record.
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = NavigatorView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/navigators/{id}")]
pub async fn get_navigator(
    state: web::Data<AppState>,
    caller: Authorized<HrCoordinatorOrNavigator>,
    id: web::Path<String>,
) -> ApiResult<web::Json<NavigatorView>> {
    let id = id.into_inner();
    check_own_id(&caller, &id)?;
    let today = state.today();
    let caller = caller.caller.clone();
    let v = state
        .read(move |conn| {
            let nav = contracts::get_navigator(conn, &id)?.ok_or(ApiError::NotFound {
                entity: "navigator",
            })?;
            check_access(&caller, &nav)?;
            let contract =
                contracts::contract_of_navigator(conn, &nav.id)?.ok_or(ApiError::Internal)?;
            let history = assignments::history_of(conn, &nav.id)?;
            let current = history
                .iter()
                .find(|a| a.from_day <= today && a.to_day.is_none_or(|t| t >= today));
            navigator_view(conn, &nav, &contract, current, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// The Navigators working in a CPI today.
#[utoipa::path(
    tag = "navigators",
    params(("code" = String, Path, description = "CPI code"), PageQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<NavigatorView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpis/{code}/navigators")]
pub async fn cpi_navigators(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    code: web::Path<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<NavigatorView>>> {
    let code = code.into_inner().trim().to_ascii_uppercase();
    let lookup = code.clone();
    let cpi = state
        .read(move |conn| Ok(reference::get_cpi(conn, &lookup)?))
        .await?
        .ok_or(ApiError::NotFound { entity: "CPI" })?;
    if !caller.covers_region(&cpi.region_code) {
        return Err(ApiError::OutOfScope);
    }
    let filter = NavigatorFilter {
        regions: Some(vec![cpi.region_code]),
        province: None,
        cpi: Some(code),
        unassigned: false,
        day: None,
        after_id: query.0.cursor,
        limit: page_limit(query.0.limit)?,
    };
    Ok(web::Json(
        page_of(&state, caller.caller.clone(), filter, None).await?,
    ))
}
