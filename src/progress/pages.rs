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
    /// The other campaigns, newest first, to switch to (the default is the newest).
    others: Vec<Other>,
}

#[derive(Serialize)]
struct Other {
    code: String,
    title: String,
}

pub async fn dashboard(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    q: Query<CampaignQuery>,
) -> PageResult<HttpResponse> {
    let campaign = crate::recommendations::campaign(&state.db, q.campaign.as_deref()).await?;
    let d = super::build(&state.db, &actor, &campaign, state.now()).await?;
    let others = crate::campaigns::newest_first(&state.db)
        .await?
        .into_iter()
        .filter(|c| c.id != campaign.id)
        .map(|c| Other { code: c.code, title: c.title })
        .collect();
    let page = Page { title: "征集进度", d, others };
    Ok(crate::web::shell::render(&req, &actor, "dashboard/campaign.html", &page)?)
}
