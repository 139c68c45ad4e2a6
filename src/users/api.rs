//! `/api/v1/admin/users`: the user pages' operations as JSON.
use super::service;
use super::{NewUserInput, PasswordResetInput, UserUpdateInput, UserView};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, http::header};

/// The users of the units the actor manages.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = [UserView]), (status = 403, body = crate::web::errors::Problem)))]
pub async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(service::list(&state.db, &actor).await?))
}

/// One user the actor manages.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = UserView), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<UserView>> {
    Ok(Json(service::get(&state.db, &actor, *id).await?))
}

/// Creates an account in a unit the actor manages.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", security(("bearer_token" = [])),
    request_body = NewUserInput,
    responses((status = 201, body = UserView), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem, description = "No such unit"), (status = 409, body = crate::web::errors::Problem, description = "The username is taken"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn create(state: Data<AppState>, actor: Actor, input: Json<NewUserInput>) -> ApiResult<HttpResponse> {
    let user = service::create(&state.db, &actor, &input, state.settings.cheap_password_hashing, state.now()).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/admin/users/{}", user.id))).json(user))
}

/// Changes name, role, active state (deactivating ends the user's sessions and tokens).
#[utoipa::path(put, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = UserUpdateInput,
    responses((status = 200, body = UserView), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The caller's own role or active state"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    input: Json<UserUpdateInput>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(service::update(&state.db, &actor, *id, &input, state.now()).await?))
}

/// Sets a new password; the user's sessions end and their API tokens are revoked.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = PasswordResetInput,
    responses((status = 200, body = UserView), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 422, body = crate::web::errors::Problem)))]
pub async fn reset_password(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    input: Json<PasswordResetInput>,
) -> ApiResult<Json<UserView>> {
    let user = service::reset_password(
        &state.db,
        &actor,
        *id,
        &input.password,
        state.settings.cheap_password_hashing,
        state.now(),
    )
    .await?;
    Ok(Json(user))
}
