//! The public API's campaign (`GET /api/v1/campaigns/{code}`): what the public campaign page
//! shows — the record, its deadlines and the rules in force — as JSON.
use super::input::CampaignInput;
use super::service;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json, Path};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// A campaign with every setting (as the staff API gives it) and the rules in force in words.
#[derive(Serialize, ToSchema)]
pub struct PublicCampaign {
    #[serde(flatten)]
    pub campaign: CampaignInput,
    /// The rules in force, one sentence each, as the campaign page states them
    pub rules: Vec<String>,
    /// The campaign's notices, newest first
    pub notices_url: String,
}

/// One campaign: its document, deadlines, quotas and the rules its notices and objections follow.
#[utoipa::path(get, path = "/api/v1/campaigns/{code}", tag = "notices",
    params(("code" = String, Path, description = "e.g. 2025")),
    responses((status = 200, body = PublicCampaign), (status = 404, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, code: Path<String>) -> ApiResult<Json<PublicCampaign>> {
    let campaign = service::record(&state.db, &code).await?;
    let row = super::find_by_code(&state.db, &code).await?.ok_or(crate::error::AppError::NotFound)?;
    let rules = super::CampaignSettings::of(&row).rules_zh();
    let notices_url = format!("/api/v1/notices?campaign={}", campaign.code);
    Ok(Json(PublicCampaign { campaign, rules, notices_url }))
}

#[derive(OpenApi)]
#[openapi(paths(get), components(schemas(PublicCampaign, CampaignInput)))]
pub struct CampaignApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    CampaignApi::openapi()
}
