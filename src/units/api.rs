//! `/api/v1/admin/units`: the unit pages' operations as JSON, through the same service.
use super::service::{self, TreeRow};
use super::{UnitChange, UnitInput};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, http::header};
use entity::units;

/// The units the actor sees, in tree order.
#[utoipa::path(get, path = "/api/v1/admin/units", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = [TreeRow]), (status = 401, body = crate::web::errors::Problem)))]
pub async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Vec<TreeRow>>> {
    Ok(Json(service::visible_tree(&state.db, &actor).await?))
}

/// One unit the actor sees.
#[utoipa::path(get, path = "/api/v1/admin/units/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = units::Model), (status = 404, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<units::Model>> {
    Ok(Json(service::find_visible(&state.db, &actor, *id).await?))
}

/// Creates a unit below `parent_id` (the province's admins).
#[utoipa::path(post, path = "/api/v1/admin/units", tag = "admin", security(("bearer_token" = [])),
    request_body = UnitInput,
    responses((status = 201, body = units::Model), (status = 403, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The code is another unit's"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn create(state: Data<AppState>, actor: Actor, input: Json<UnitInput>) -> ApiResult<HttpResponse> {
    let unit = service::create(&state.db, &actor, &input, state.now()).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/admin/units/{}", unit.id))).json(unit))
}

/// Changes a unit's details and contacts (its admins; the province's admins).
#[utoipa::path(put, path = "/api/v1/admin/units/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = UnitChange,
    responses((status = 200, body = units::Model), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The code is another unit's"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    input: Json<UnitChange>,
) -> ApiResult<Json<units::Model>> {
    let input = UnitInput::from(input.into_inner());
    Ok(Json(service::update(&state.db, &actor, *id, &input, state.now()).await?))
}
