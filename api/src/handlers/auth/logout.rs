use actix_web::{post, web, HttpResponse};
use openapi::dto::RefreshRequest;
use openapi::Problem;
use persistence::{accounts, audit};

use crate::auth::caller::AnyRole;
use crate::auth::tokens::digest;
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, ValidJson};
use crate::state::AppState;

/// Ends the session: the refresh token's family is revoked. The access token
/// lapses on its own within minutes.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Logged out (also when the token was already spent)"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = digest(body.0.refresh_token.trim());
    let ctx = meta.audit(Some(&caller));
    let user_id = caller.user_id.clone();
    state
        .write(move |conn| {
            // Only the caller's own sessions; someone else's token is ignored.
            if let Some(token) =
                accounts::find_refresh_token(conn, &hash)?.filter(|t| t.user_id == user_id)
            {
                accounts::revoke_family(conn, &token.family_id)?;
                audit::append::<(), ()>(
                    conn,
                    &ctx,
                    "session.closed",
                    "user",
                    &user_id,
                    None,
                    None,
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
