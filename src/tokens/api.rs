//! `/api/v1/admin/tokens`.
use super::service::{create, list, revoke};
use super::{NewTokenInput, TokenView};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The caller's own tokens (never the secrets).
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = [TokenView]), (status = 401, body = crate::web::errors::Problem)))]
pub async fn api_list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Vec<TokenView>>> {
    Ok(Json(list(&state.db, &actor, state.now()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Created {
    id: i32,
    name: String,
    prefix: String,
    /// The only time the token is shown.
    token: String,
    /// When it stops working.
    expires_at: DateTime<Utc>,
}

/// Creates a token for a signed-in session; the answer is the only time it is shown. A bearer
/// token is refused (403): tokens are made on `/admin/tokens` after signing in, never by
/// another token.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", security(("bearer_token" = [])),
    request_body = NewTokenInput,
    responses(
        (status = 201, body = Created, description = "Made, for a signed-in session"),
        (status = 403, body = crate::web::errors::Problem, description = "A token cannot make tokens: sign in and use /admin/tokens"),
        (status = 422, body = crate::web::errors::Problem)))]
pub async fn api_create(state: Data<AppState>, actor: Actor, input: Json<NewTokenInput>) -> ApiResult<HttpResponse> {
    let token = create(&state.db, &actor, &input, state.now()).await?;
    let body = Created {
        id: token.id,
        name: input.name.trim().to_owned(),
        prefix: token.prefix,
        token: token.secret,
        expires_at: token.expires_at,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::LOCATION, "/api/v1/admin/tokens"))
        .json(body))
}

/// Revokes one of the caller's tokens (another's answers 404).
#[utoipa::path(delete, path = "/api/v1/admin/tokens/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = TokenView), (status = 404, body = crate::web::errors::Problem)))]
pub async fn api_revoke(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<TokenView>> {
    Ok(Json(revoke(&state.db, &actor, *id, state.now()).await?))
}
