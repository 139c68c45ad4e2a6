//! `GET /api/v1/admin/campaign`: the campaign dashboard as JSON.
use super::pages::CampaignQuery;
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::web::{Data, Query};

pub async fn dashboard(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    let campaign = crate::recommendations::campaign(&state.db, q.campaign.as_deref()).await?;
    crate::reports::api::json(&super::build(&state.db, &actor, &campaign, state.now()).await?)
}
