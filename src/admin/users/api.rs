//! `/api/v1/admin/users`: the user pages' operations as JSON.
use super::service;
use super::{NewUserInput, PasswordResetInput, UserUpdateInput, UserView};
use crate::access::{Actor, AdminRoutes};
use crate::error::ApiResult;
use crate::startup::AppState;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, http::header};

pub fn routes(r: &mut AdminRoutes) {
    r.get("/api/v1/admin/users", list)
        .post("/api/v1/admin/users", create)
        .get("/api/v1/admin/users/{id}", get)
        .put("/api/v1/admin/users/{id}", update)
        .post("/api/v1/admin/users/{id}/password", reset_password);
}

async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(service::list(&state.db, &actor).await?))
}

async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<UserView>> {
    Ok(Json(service::get(&state.db, &actor, *id).await?))
}

async fn create(state: Data<AppState>, actor: Actor, input: Json<NewUserInput>) -> ApiResult<HttpResponse> {
    let user = service::create(&state.db, &actor, &input, state.settings.cheap_password_hashing, state.now()).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/admin/users/{}", user.id))).json(user))
}

async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    input: Json<UserUpdateInput>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(service::update(&state.db, &actor, *id, &input, state.now()).await?))
}

async fn reset_password(
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
