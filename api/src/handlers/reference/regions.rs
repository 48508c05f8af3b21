use actix_web::{get, web};
use openapi::dto::{ConventionView, Page, PagedList, RegionView, WholeListPageQuery};
use openapi::Problem;
use persistence::reference::{ConventionRow, RegionSummary};

use crate::app::reference::{ListRegions, ReadRegion};
use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_in_memory, whole_list_limit, KeyOrder};
use crate::state::AppState;

pub fn convention_view(row: &ConventionRow, today: chrono::NaiveDate) -> ApiResult<ConventionView> {
    let c = row.to_domain()?;
    let summary = match c.mode {
        domain::convention::ConventionMode::Cpi => format!(
            "Convenzione del {}: i Navigator sono assegnati ai CPI della Regione e operano al loro interno.",
            c.signed_on.format("%d/%m/%Y")
        ),
        domain::convention::ConventionMode::Remote => format!(
            "Convenzione del {}: i Navigator assistono i beneficiari ma non sono assegnati ai CPI.",
            c.signed_on.format("%d/%m/%Y")
        ),
    };
    Ok(ConventionView {
        region: row.region_code.clone(),
        mode: c.mode.into(),
        signed_on: c.signed_on,
        valid_until: c.valid_until,
        in_force: c.in_force_on(today),
        summary,
    })
}

fn region_view(r: &RegionSummary, today: chrono::NaiveDate) -> ApiResult<RegionView> {
    Ok(RegionView {
        code: r.region.code.clone(),
        name: r.region.name.clone(),
        posts_2019: r.posts_2019,
        provinces: r.provinces,
        convention: r
            .convention
            .as_ref()
            .map(|c| convention_view(c, today))
            .transpose()?,
    })
}

/// The 20 Regions with their convention and 2019 posts, by ISTAT code.
#[utoipa::path(
    tag = "reference",
    params(WholeListPageQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<RegionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/regions")]
pub async fn list_regions(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    query: ValidQuery<WholeListPageQuery>,
) -> ApiResult<web::Json<Page<RegionView>>> {
    let q = query.0;
    let limit = whole_list_limit(q.limit)?;
    let after = cursor_key(q.cursor.as_ref(), PagedList::Regions)?;
    let rows = state.run(&caller, &meta, ListRegions).await?;
    let page = page_in_memory(
        rows,
        |r| r.region.code.clone(),
        KeyOrder::Ascending,
        after.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(|r| region_view(r, state.today()))
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Regions, page.next_key),
    }))
}

/// One Region by ISTAT code.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "ISTAT code, 01..20")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = RegionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/regions/{code}")]
pub async fn get_region(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    code: ValidPath<String>,
) -> ApiResult<web::Json<RegionView>> {
    let case = ReadRegion {
        code: code.into_inner(),
    };
    let row = state.run(&caller, &meta, case).await?;
    Ok(web::Json(region_view(&row, state.today())?))
}
