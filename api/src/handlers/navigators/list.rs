use actix_web::{get, web};
use domain::contract::ContractStatus;
use domain::ids::NavigatorId;
use openapi::dto::{NavigatorQuery, NavigatorView, Page, PageQuery, PagedList};
use openapi::Problem;
use persistence::assignments::NavigatorFilter;

use super::navigator_view;
use crate::app::navigators::{CpiNavigators, ListNavigators, NavigatorPage, ReadNavigator};
use crate::auth::caller::{HrCoordinatorOrNavigator, HrOrCoordinator};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
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

/// Navigators with their contract's state and CPI today; coordinators see
/// their own Region's only.
#[utoipa::path(
    tag = "navigators",
    params(NavigatorQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
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
    meta: RequestMeta,
    query: ValidQuery<NavigatorQuery>,
) -> ApiResult<web::Json<Page<NavigatorView>>> {
    let q = query.0;
    let status = parse_status(q.status.as_deref())?;
    let filter = NavigatorFilter {
        // The Regions in scope: the use case's to decide.
        regions: None,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        cpi: q.cpi.map(|c| c.trim().to_ascii_uppercase()),
        unassigned: q.unassigned.unwrap_or(false),
        name: None,
        order: Default::default(),
        day: None,
        after_id: cursor_key(q.cursor.as_ref(), PagedList::Navigators)?,
        limit: page_limit(q.limit)?,
    };
    let case = ListNavigators {
        region: q.region,
        filter,
        status,
    };
    page_view(
        state.run(&caller, &meta, case).await?,
        PagedList::Navigators,
    )
}

/// One Navigator; a Navigator reads only their own record.
#[utoipa::path(
    tag = "navigators",
    params(("id" = String, Path, description = "Navigator id")),
    security(("bearer_auth" = ["hr", "coordinator", "navigator"])),
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
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<NavigatorView>> {
    let case = ReadNavigator {
        id: NavigatorId::from_stored(id.into_inner()),
    };
    let v = navigator_view(&state.run(&caller, &meta, case).await?)?;
    Ok(web::Json(v))
}

/// The Navigators working in a CPI today.
#[utoipa::path(
    tag = "navigators",
    params(("code" = String, Path, description = "CPI code"), PageQuery),
    security(("bearer_auth" = ["hr", "coordinator"])),
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
    meta: RequestMeta,
    code: ValidPath<String>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<NavigatorView>>> {
    let case = CpiNavigators {
        code: code.into_inner().trim().to_ascii_uppercase(),
        after_id: cursor_key(query.0.cursor.as_ref(), PagedList::CpiNavigators)?,
        limit: page_limit(query.0.limit)?,
    };
    page_view(
        state.run(&caller, &meta, case).await?,
        PagedList::CpiNavigators,
    )
}

fn page_view(page: NavigatorPage, list: PagedList) -> ApiResult<web::Json<Page<NavigatorView>>> {
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(navigator_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(list, page.next_cursor),
    }))
}
