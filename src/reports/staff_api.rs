//! The staff API for reports (`/api/v1/admin/reports`): list, issue, and readiness.
use super::api::{ReportAnswer, json};
use super::readiness::BlockerView;
use super::{service, staff_service};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use serde::{Deserialize, Serialize};

pub async fn list_api(state: Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    json(&serde_json::json!({ "reports": staff_service::rows(&state.db, &actor).await? }))
}

#[derive(Deserialize)]
pub struct IssueBody {
    notice_id: i32,
    /// Ids of personal-data findings (from a 409's `personal_data`) confirmed not to be
    /// personal data; recorded in the audit log.
    #[serde(default)]
    confirmed: Vec<String>,
}

pub async fn issue_api(state: Data<AppState>, actor: Actor, body: Json<IssueBody>) -> ApiResult<HttpResponse> {
    let base = &state.settings.base_url;
    let issued = service::issue_as(&state.db, &actor, body.notice_id, base, &body.confirmed, state.now()).await?;
    let stored = service::stored(&state.db, issued.report).await?;
    let mut res = json(&ReportAnswer::of(&stored, &state.settings))?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

/// Whether a notice's report can be issued, and the outcomes it would state.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReadinessAnswer {
    pub notice_id: i32,
    pub ready: bool,
    pub blockers: Vec<BlockerView>,
    /// RFC 3339: when the current period closes
    pub closes_at: Option<String>,
    pub projects: Vec<staff_service::Preview>,
}

pub async fn readiness_api(state: Data<AppState>, actor: Actor, notice_id: Path<i32>) -> ApiResult<HttpResponse> {
    let (r, _) = staff_service::visible_readiness(&state.db, &actor, *notice_id, state.now()).await?;
    json(&ReadinessAnswer {
        notice_id: *notice_id,
        ready: r.is_ready(),
        blockers: r.blockers.iter().map(BlockerView::from).collect(),
        closes_at: r.latest.as_ref().map(|l| crate::china_time::rfc3339_china(l.period.closes_at)),
        projects: staff_service::preview(&r),
    })
}
