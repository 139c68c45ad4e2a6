//! The staff API for recommending (`/api/v1/admin/recommendations`): the overview, recommending,
//! and withdrawing a recommendation.
use super::service;
use super::staff_pages::CampaignQuery;
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Query};
use serde::Deserialize;

pub async fn list_api(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    let campaign = super::campaign(&state.db, q.campaign.as_deref()).await?;
    crate::reports::api::json(&service::overview(&state.db, &actor, &campaign).await?)
}

#[derive(Deserialize)]
pub struct RecommendBody {
    project_id: i32,
    #[serde(default)]
    over_limit_reason: Option<String>,
}

pub async fn recommend_api(state: Data<AppState>, actor: Actor, body: Json<RecommendBody>) -> ApiResult<HttpResponse> {
    let row =
        super::recommend_as(&state.db, &actor, body.project_id, body.over_limit_reason.as_deref(), state.now()).await?;
    let mut res = crate::reports::api::json(&row)?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

#[derive(Deserialize)]
pub struct WithdrawBody {
    project_id: i32,
    reason: String,
}

pub async fn withdraw_api(state: Data<AppState>, actor: Actor, body: Json<WithdrawBody>) -> ApiResult<HttpResponse> {
    let row = super::withdraw::withdraw_as(&state.db, &actor, body.project_id, &body.reason, state.now()).await?;
    let mut res = crate::reports::api::json(&row)?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}
