//! The audit log API, `/api/v1/admin/audit`.
use super::service;
use super::{Filter, Listing};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json, Query};

/// The audit log of the units the caller may audit, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("bearer_token" = [])),
    params(Filter),
    responses((status = 200, body = Listing), (status = 403, body = crate::web::errors::Problem)))]
pub async fn list(state: Data<AppState>, actor: Actor, filter: Query<Filter>) -> ApiResult<Json<Listing>> {
    Ok(Json(service::list(&state.db, &actor, &filter).await?))
}
