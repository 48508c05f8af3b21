use actix_web::{get, web};
use openapi::dto::{Page, PagedList, ProvinceQuery, ProvinceView};
use openapi::Problem;

use crate::app::reference::ListProvinces;
use crate::auth::caller::AnyRole;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_in_memory, whole_list_limit, KeyOrder};
use crate::state::AppState;

/// The 107 provinces, or those of one Region, by ISTAT code.
#[utoipa::path(
    tag = "reference",
    params(ProvinceQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<ProvinceView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces")]
pub async fn list_provinces(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    query: ValidQuery<ProvinceQuery>,
) -> ApiResult<web::Json<Page<ProvinceView>>> {
    let q = query.0;
    let limit = whole_list_limit(q.limit)?;
    let after = cursor_key(q.cursor.as_ref(), PagedList::Provinces)?;
    let case = ListProvinces { region: q.region };
    let rows = state.run(&caller, &meta, case).await?;
    let page = page_in_memory(
        rows,
        |p| p.istat_code.clone(),
        KeyOrder::Ascending,
        after.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|p| ProvinceView {
                istat_code: p.istat_code,
                sigla: p.sigla,
                name: p.name,
                region: p.region_code,
            })
            .collect(),
        next_cursor: next_cursor(PagedList::Provinces, page.next_key),
    }))
}
