use actix_web::{get, post, put, web, HttpResponse};
use domain::ids::SelectionId;
use openapi::dto::{Page, PageQuery, PagedList, PostsItem, SelectionRequest, SelectionView};
use openapi::Problem;
use persistence::selection::SelectionRow;

use super::points;
use crate::accounts::parse_uuid;
use crate::app::selection::{
    settings_of, CreateSelection, ListSelections, PostsChange, ReadSelection, SelectionRecord,
    SetPosts,
};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// A selection with the code of the training path set for it, if any.
pub fn view_with_path(s: &SelectionRow, training_path: Option<String>) -> ApiResult<SelectionView> {
    Ok(SelectionView {
        training_path,
        ..view(s)?
    })
}

pub fn view(s: &SelectionRow) -> ApiResult<SelectionView> {
    Ok(SelectionView {
        id: parse_uuid(&s.id)?,
        code: s.code.clone(),
        title: s.title.clone(),
        published_on: s.published_on,
        questions: s.questions,
        pass_mark: s.pass_mark,
        wrong_penalty: points(s.wrong_penalty_hundredths),
        admission_multiplier: s.admission_multiplier,
        offer_days: s.offer_days,
        ranking_valid_months: s.ranking_valid_months,
        annual_pay_cents: s.annual_pay_cents,
        monthly_expenses_cents: s.monthly_expenses_cents,
        contract_end: s.contract_end,
        decline_is_final: s.decline_is_final,
        admission_done: s.admission_done_at.is_some(),
        rankings_published_on: s.rankings_published_on,
        training_path: None,
    })
}

/// Opens a selection with its rules; omitted rules take the 2019 defaults.
#[utoipa::path(
    tag = "selection",
    request_body = SelectionRequest,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 201, body = SelectionView),
        (status = 409, description = "selection-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections")]
pub async fn create_selection(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: ValidJson<SelectionRequest>,
) -> ApiResult<HttpResponse> {
    let mut request = body.0;
    let path_code = request.training_path.take().map(|c| c.trim().to_owned());
    let s = settings_of(request)?;
    let case = CreateSelection {
        settings: s,
        training_path: path_code,
    };
    let SelectionRecord {
        selection: row,
        training_path: path_code,
    } = state.run(&caller, &meta, case).await?;
    let v = view_with_path(&row, path_code)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/selections/{}", v.id)))
        .json(v))
}

/// Every selection, newest first.
#[utoipa::path(
    tag = "selection",
    params(PageQuery),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Page<SelectionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections")]
pub async fn list_selections(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<SelectionView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let case = ListSelections {
        cursor: cursor_key(q.cursor.as_ref(), PagedList::Selections)?,
        limit,
    };
    let page = state.run(&caller, &meta, case).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|r| view_with_path(&r.selection, r.training_path))
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Selections, page.next_cursor),
    }))
}

/// One selection.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = ["hr"])),
    responses((status = 200, body = SelectionView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/selections/{id}")]
pub async fn get_selection(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<SelectionView>> {
    let case = ReadSelection {
        id: SelectionId::from_stored(id.into_inner()),
    };
    let SelectionRecord {
        selection: row,
        training_path: path,
    } = state.run(&caller, &meta, case).await?;
    Ok(web::Json(view_with_path(&row, path)?))
}

/// Sets the posts of the listed provinces (the others keep theirs).
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body = Vec<PostsItem>,
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, body = Vec<PostsItem>),
        (status = 409, description = "posts-below-taken-seats", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/selections/{id}/posts")]
pub async fn put_posts(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: crate::extract::ValidJsonList<PostsItem>,
) -> ApiResult<web::Json<Vec<PostsItem>>> {
    let case = SetPosts {
        selection_id: SelectionId::from_stored(id.into_inner()),
        changes: body
            .0
            .into_iter()
            .map(|i| PostsChange {
                province: i.province,
                posts: i.posts,
            })
            .collect(),
    };
    let rows = state.run(&caller, &meta, case).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(r, _)| PostsItem {
                province: r.province_sigla,
                posts: r.posts,
            })
            .collect(),
    ))
}
