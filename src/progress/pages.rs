//! The campaign dashboard page (征集进度).
use crate::access::Actor;
use crate::error::PageResult;
use crate::web::AppState;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::Dashboard;

#[derive(Deserialize)]
pub struct CampaignQuery {
    pub campaign: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    d: Dashboard,
}

pub async fn dashboard(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    q: Query<CampaignQuery>,
) -> PageResult<HttpResponse> {
    let campaign = crate::recommendations::campaign(&state.db, q.campaign.as_deref()).await?;
    let d = super::build(&state.db, &actor, &campaign, state.now()).await?;
    Ok(crate::web::shell::render(&req, &actor, "dashboard/campaign.html", &Page { title: "征集进度", d })?)
}
