use actix_web::{get, post, web, HttpResponse};
use domain::ids::TrainingPathId;
use domain::training::{Bucket, Module, TrainingPath};
use openapi::dto::{
    NewTrainingModuleRequest, NewTrainingPathRequest, Page, PageQuery, PagedList,
    TrainingModuleView, TrainingPathView,
};
use openapi::Problem;

use crate::app::training::{module_view, path_view, AddModule, CreatePath, ListPaths};
use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_in_memory, page_limit, KeyOrder};
use crate::state::AppState;

/// Training paths with their buckets, by id; the distance bucket lists its
/// modules.
#[utoipa::path(
    tag = "training",
    params(PageQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<TrainingPathView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/training/paths")]
pub async fn list_paths(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<TrainingPathView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let after = cursor_key(q.cursor.as_ref(), PagedList::TrainingPaths)?;
    // A few paths, one per selection at most: read whole.
    let paths = state.run(&caller, &meta, ListPaths).await?;
    let page = page_in_memory(
        paths,
        |p| p.path.id.clone(),
        KeyOrder::Ascending,
        after.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page.items.iter().map(path_view).collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::TrainingPaths, page.next_key),
    }))
}

fn to_domain(r: NewTrainingPathRequest) -> TrainingPath {
    TrainingPath {
        code: r.code.trim().to_owned(),
        name: r.name.trim().to_owned(),
        total_hours: r.total_hours,
        final_assessment_required: r.final_assessment_required,
        buckets: r
            .buckets
            .into_iter()
            .map(|b| Bucket {
                kind: b.kind.into(),
                share_percent: b.share_percent,
                modules: b
                    .modules
                    .iter()
                    .map(|m| Module::new(&m.code, &m.title, m.hours))
                    .collect(),
            })
            .collect(),
    }
}

/// Creates a training path.
///
/// Buckets whose shares sum to 100, each a whole number of hours, and the
/// distance bucket's modules (together at least its hours). Every broken
/// rule is listed with its field. A new path is followed by no one until a
/// selection names it.
#[utoipa::path(
    tag = "training",
    request_body = NewTrainingPathRequest,
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 201, body = TrainingPathView),
        (status = 409, description = "training-path-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/training/paths")]
pub async fn create_path(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    body: ValidJson<NewTrainingPathRequest>,
) -> ApiResult<HttpResponse> {
    let case = CreatePath {
        path: to_domain(body.0).validate()?,
    };
    let created = path_view(&state.run(&caller, &meta, case).await?)?;
    Ok(HttpResponse::Created().json(created))
}

/// Adds a module to a path's distance bucket.
///
/// Modules may be more than the bucket needs (a choice); a module counts
/// for a Navigator once its end test is passed. 422 `no-distance-bucket`
/// when the path has none.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Training path id")),
    request_body = NewTrainingModuleRequest,
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 201, body = TrainingModuleView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "module-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed, no-distance-bucket", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/training/paths/{id}/modules")]
pub async fn add_module(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<NewTrainingModuleRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let case = AddModule::new(
        TrainingPathId::from_stored(id.into_inner()),
        Module::new(&r.code, &r.title, r.hours),
    )?;
    let row = state.run(&caller, &meta, case).await?;
    Ok(HttpResponse::Created().json(module_view(&row)))
}
