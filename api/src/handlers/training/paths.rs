use actix_web::{get, post, web, HttpResponse};
use domain::training::{Bucket, BucketKind, Module, TrainingPath};
use openapi::dto::{
    NewTrainingModuleRequest, NewTrainingPathRequest, Page, PageQuery, TrainingBucketView,
    TrainingModuleView, TrainingPathView,
};
use openapi::Problem;
use openapi::ProblemType;
use persistence::training::{self, ModuleRow, PathWithBuckets};
use persistence::{audit, seed};

use crate::accounts::parse_uuid;
use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{page_in_memory, page_limit, KeyOrder};
use crate::state::AppState;

fn module_view(m: &ModuleRow) -> TrainingModuleView {
    TrainingModuleView {
        code: m.code.clone(),
        title: m.title.clone(),
        hours: m.hours,
    }
}

fn path_view(p: PathWithBuckets) -> ApiResult<TrainingPathView> {
    Ok(TrainingPathView {
        id: parse_uuid(&p.path.id)?,
        code: p.path.code,
        name: p.path.name,
        total_hours: p.path.total_hours,
        final_assessment_required: p.path.final_assessment_required,
        buckets: p
            .buckets
            .into_iter()
            .map(|b| TrainingBucketView {
                modules: (b.kind == BucketKind::Distance.as_str())
                    .then(|| p.modules.iter().map(module_view).collect()),
                kind: b.kind,
                share_percent: b.share_percent,
                hours: b.hours,
            })
            .collect(),
    })
}

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
    _caller: Authorized<AnyRole>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<TrainingPathView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    // A few paths, one per selection at most: read whole.
    let paths = state.read(|conn| Ok(training::list_paths(conn)?)).await?;
    let page = page_in_memory(
        paths,
        |p| p.path.id.clone(),
        KeyOrder::Ascending,
        q.cursor.as_deref(),
        limit,
    );
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(path_view)
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
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
    security(("bearer_auth" = [])),
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
    let path = to_domain(body.0).validate()?;
    let ctx = meta.audit(Some(&caller));
    let created = state
        .write(move |conn| {
            let exists = || ApiError::conflict(ProblemType::TrainingPathExists, path.code.clone());
            if training::path_code_taken(conn, &path.code)? {
                return Err(exists());
            }
            // A concurrent creation of the same code loses on the unique index.
            let id = seed::insert_path(conn, &path).map_err(|e| {
                if e.is_unique_violation() {
                    exists()
                } else {
                    e.into()
                }
            })?;
            let created = training::get_path(conn, &id)?.ok_or(ApiError::Internal)?;
            let view = path_view(created)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "training_path.created",
                "training_path",
                &id,
                None,
                Some(&view),
            )?;
            Ok(view)
        })
        .await?;
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
    security(("bearer_auth" = [])),
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
    id: web::Path<String>,
    body: ValidJson<NewTrainingModuleRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let r = body.0;
    let module = Module::new(&r.code, &r.title, r.hours);
    let checked = module.check("");
    if !checked.is_empty() {
        return Err(checked.into());
    }
    let ctx = meta.audit(Some(&caller));
    let row = state
        .write(move |conn| {
            let path = training::get_path(conn, &id)?.ok_or(ApiError::NotFound {
                entity: "training path",
            })?;
            if !path
                .buckets
                .iter()
                .any(|b| b.kind == BucketKind::Distance.as_str())
            {
                return Err(ApiError::rule(
                    ProblemType::NoDistanceBucket,
                    path.path.code,
                ));
            }
            let exists = || {
                ApiError::conflict(
                    ProblemType::ModuleExists,
                    format!("{} ({})", module.code, path.path.code),
                )
            };
            if path.modules.iter().any(|m| m.code == module.code) {
                return Err(exists());
            }
            let row = training::insert_module(conn, &path.path.id, &module).map_err(|e| {
                if e.is_unique_violation() {
                    exists()
                } else {
                    e.into()
                }
            })?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "training_module.created",
                "training_module",
                &row.id,
                None,
                Some(&serde_json::json!({ "path": path.path.code, "module": module_view(&row) })),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(module_view(&row)))
}
