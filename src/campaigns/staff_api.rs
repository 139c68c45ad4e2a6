//! The staff API for campaigns (`/api/v1/admin/campaigns`): every staff member reads them; the
//! root unit's admins create, replace, copy and delete them. The JSON is the one
//! `gongshi campaign create --file` reads.
use super::input::{CampaignInput, from_json};
use super::service::{self, CampaignSummary};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use serde::Deserialize;
use serde_json::Value;

/// Every campaign, newest first.
#[utoipa::path(get, path = "/api/v1/admin/campaigns", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = Vec<CampaignSummary>)))]
pub async fn list(state: Data<AppState>, _actor: Actor) -> ApiResult<Json<Vec<CampaignSummary>>> {
    Ok(Json(service::list(&state.db).await?))
}

/// One campaign with every setting, its deadlines and quotas: the body `PUT` takes back.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{code}", tag = "admin", security(("bearer_token" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = CampaignInput), (status = 404, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, _actor: Actor, code: Path<String>) -> ApiResult<Json<CampaignInput>> {
    Ok(Json(service::record(&state.db, &code).await?))
}

/// Creates a campaign (the root unit's admins).
#[utoipa::path(post, path = "/api/v1/admin/campaigns", tag = "admin", security(("bearer_token" = [])),
    request_body = CampaignInput,
    responses((status = 201, body = CampaignInput), (status = 403, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The code is in use"), (status = 422, body = crate::web::errors::Problem, description = "Every problem, by field (an unknown unit, a deadline before the start, a closing time outside 00:01–24:00…); nothing saved")))]
pub async fn create(state: Data<AppState>, actor: Actor, body: Json<Value>) -> ApiResult<HttpResponse> {
    service::require_manager(&actor)?;
    let input = from_json(body.into_inner())?;
    let row = service::create_as(&state.db, &actor, input, state.now()).await?;
    let location = format!("/api/v1/admin/campaigns/{}", row.code);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(service::record(&state.db, &row.code).await?))
}

/// Replaces a campaign's record; its code stays.
#[utoipa::path(put, path = "/api/v1/admin/campaigns/{code}", tag = "admin", security(("bearer_token" = [])),
    params(("code" = String, Path)), request_body = CampaignInput,
    responses((status = 200, body = CampaignInput), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 422, body = crate::web::errors::Problem)))]
pub async fn update(
    state: Data<AppState>,
    actor: Actor,
    code: Path<String>,
    body: Json<Value>,
) -> ApiResult<Json<CampaignInput>> {
    service::require_manager(&actor)?;
    let input = from_json(body.into_inner())?;
    let row = service::update_as(&state.db, &actor, &code, input, state.now()).await?;
    Ok(Json(service::record(&state.db, &row.code).await?))
}

/// Deletes a campaign with no notices and no projects (409 otherwise: close it instead).
#[utoipa::path(delete, path = "/api/v1/admin/campaigns/{code}", tag = "admin", security(("bearer_token" = [])),
    params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem)))]
pub async fn delete(state: Data<AppState>, actor: Actor, code: Path<String>) -> ApiResult<HttpResponse> {
    service::delete_as(&state.db, &actor, &code, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The new campaign's code, for [`copy`].
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyBody {
    #[schema(min_length = 1, max_length = 32, pattern = "^[A-Za-z0-9_-]+$")]
    code: String,
}

/// Starts a new campaign from this one: settings, deadlines and quotas, a year later.
#[utoipa::path(post, path = "/api/v1/admin/campaigns/{code}/copy", tag = "admin", security(("bearer_token" = [])),
    params(("code" = String, Path)), request_body = CopyBody,
    responses((status = 201, body = CampaignInput), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The new code is in use"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn copy(
    state: Data<AppState>,
    actor: Actor,
    code: Path<String>,
    body: Json<CopyBody>,
) -> ApiResult<HttpResponse> {
    let row = service::copy_as(&state.db, &actor, &code, &body.code, state.now()).await?;
    let location = format!("/api/v1/admin/campaigns/{}", row.code);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(service::record(&state.db, &row.code).await?))
}
