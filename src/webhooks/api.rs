//! `/api/v1/admin/webhooks`: the same as the staff pages, for programs.
use super::service::{self, DeliveryView, EndpointDetail, EndpointInput, EndpointView, TypeView, WithSecret};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// The endpoints the caller manages, and every event type there is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Endpoints {
    pub endpoints: Vec<EndpointView>,
    pub event_types: Vec<TypeView>,
}

#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = Endpoints), (status = 403, body = crate::web::errors::Problem)))]
pub async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Endpoints>> {
    let endpoints = service::list(&state.db, &actor).await?;
    Ok(Json(Endpoints { endpoints, event_types: service::all_types() }))
}

/// Registers an endpoint of the caller's unit. The answer holds its signing secret: the only
/// time it is shown.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "admin", security(("bearer_token" = [])),
    request_body = EndpointInput,
    responses((status = 201, body = WithSecret), (status = 403, body = crate::web::errors::Problem),
        (status = 422, body = crate::web::errors::Problem, description = "地址无效、指向内网或本机、事件类型未知")))]
pub async fn create(state: Data<AppState>, actor: Actor, input: Json<EndpointInput>) -> ApiResult<HttpResponse> {
    let made = service::create(
        &state.db,
        &actor,
        &input,
        super::target::Reach::of(&state.settings),
        &state.secrets.sealer,
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::LOCATION, format!("/api/v1/admin/webhooks/{}", made.endpoint.id)))
        .json(made))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogPage {
    /// Of the delivery log, from 1; past the last page, the last page.
    #[param(minimum = 1)]
    pub page: Option<i32>,
}

/// An endpoint and its delivery log, newest first, 50 a page, each delivery with its attempts
/// and the receiver's status codes.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path), LogPage),
    responses((status = 200, body = EndpointDetail), (status = 404, body = crate::web::errors::Problem)))]
pub async fn detail(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    page: Query<LogPage>,
) -> ApiResult<Json<EndpointDetail>> {
    Ok(Json(service::detail(&state.db, &actor, *id, page.page).await?))
}

/// Changes the address, purpose, events, or turns the endpoint on or off (`enabled`).
#[utoipa::path(put, path = "/api/v1/admin/webhooks/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = EndpointInput,
    responses((status = 200, body = EndpointView), (status = 404, body = crate::web::errors::Problem),
        (status = 422, body = crate::web::errors::Problem)))]
pub async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    input: Json<EndpointInput>,
) -> ApiResult<Json<EndpointView>> {
    let reach = super::target::Reach::of(&state.settings);
    Ok(Json(service::update(&state.db, &actor, *id, &input, reach, state.now()).await?))
}

/// Deletes the endpoint and its delivery log.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = EndpointView), (status = 404, body = crate::web::errors::Problem)))]
pub async fn delete(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<EndpointView>> {
    Ok(Json(service::delete(&state.db, &actor, *id, state.now()).await?))
}

/// A new signing secret, shown this once; the old one keeps signing beside it for 24 hours.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/secret", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = WithSecret), (status = 404, body = crate::web::errors::Problem)))]
pub async fn rotate(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    let made = service::rotate(&state.db, &actor, *id, &state.secrets.sealer, state.now()).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(made))
}

/// Sends a delivery again: the same body and `webhook-id`, signed afresh, due at once.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/deliveries/{id}/replay", tag = "admin",
    security(("bearer_token" = [])), params(("id" = i32, Path)),
    responses((status = 202, body = DeliveryView), (status = 404, body = crate::web::errors::Problem),
        (status = 409, body = crate::web::errors::Problem, description = "端点已停用")))]
pub async fn replay(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    let delivery = service::replay(&state.db, &actor, *id, state.now()).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}

/// This module's part of `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    paths(list, create, detail, update, delete, rotate, replay),
    components(schemas(
        Endpoints,
        EndpointInput,
        EndpointView,
        WithSecret,
        EndpointDetail,
        DeliveryView,
        service::AttemptView,
        TypeView,
        super::EventType
    ))
)]
pub struct WebhooksApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    WebhooksApi::openapi()
}
