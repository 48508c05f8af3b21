use actix_web::{get, post, web, HttpResponse};
use domain::account::{check_password, NewAccount};
use openapi::dto::{NewUserRequest, Page, PageQuery, PagedList, UserView};
use openapi::Problem;

use crate::accounts::user_view;
use crate::app::users::{CreateUser, DeactivateUser, ListUsers};
use crate::auth::caller::{AdminOnly, AdminOrHr};
use crate::auth::{password, Authorized};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// Creates an account. Without `password`, the person gets an activation
/// link by mail and the account stays inactive until they use it.
/// Administrators create any account; HR only the experts'.
#[utoipa::path(
    tag = "users",
    request_body = NewUserRequest,
    security(("bearer_auth" = ["admin", "hr"])),
    responses(
        (status = 201, body = UserView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "email-taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Authorized<AdminOrHr>,
    meta: RequestMeta,
    body: ValidJson<NewUserRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let regions = req.regions.unwrap_or_default();
    let new = NewAccount::parse(&req.email, req.role.into(), &regions, req.navigator_id);
    let pw = req
        .password
        .as_deref()
        .map(|p| check_password("password", p, new.as_ref().ok().map(|n| &n.email)));
    let new = match (new, pw) {
        (Ok(new), None | Some(Ok(()))) => new,
        (new, pw) => {
            let mut v = new.err().unwrap_or_default();
            if let Some(Err(e)) = pw {
                v.push(e);
            }
            return Err(ApiError::Validation(v));
        }
    };
    let hash = match req.password {
        Some(p) => Some(web::block(move || password::hash(&p)).await?.map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::Internal
        })?),
        None => None,
    };
    let case = CreateUser {
        new,
        password_hash: hash,
    };
    let account = state.run(&caller, &meta, case).await?;
    let view = user_view(&account)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", view.id)))
        .json(view))
}

/// Closes an account from today: no more sign-ins, its sessions end, its
/// pending mailed links stop working. Administrators close any account;
/// HR only the experts'.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    security(("bearer_auth" = ["admin", "hr"])),
    responses(
        (status = 200, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/deactivate")]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    caller: Authorized<AdminOrHr>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<UserView>> {
    let case = DeactivateUser {
        id: id.into_inner(),
    };
    let done = state.run(&caller, &meta, case).await?;
    state.apply_cutoff(Some(done.cutoff));
    state.apply_revoked(done.closed_sessions);
    Ok(web::Json(user_view(&done.account)?))
}

/// Every account, by creation.
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    security(("bearer_auth" = ["admin"])),
    responses(
        (status = 200, body = Page<UserView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let limit = page_limit(query.0.limit)?;
    let case = ListUsers {
        after: cursor_key(query.0.cursor.as_ref(), PagedList::Users)?,
        limit,
    };
    let rows = state.run(&caller, &meta, case).await?;
    let next_key = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|a| a.user.id.clone()))
        .flatten();
    Ok(web::Json(Page {
        items: rows.iter().map(user_view).collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Users, next_key),
    }))
}
