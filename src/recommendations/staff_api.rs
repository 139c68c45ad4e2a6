//! The staff API for recommending (`/api/v1/admin/recommendations`): the overview, recommending,
//! withdrawing a recommendation, and the submission package (报送材料): what it holds as JSON,
//! and the files.
use super::service;
use super::staff_pages::{CampaignQuery, PackageFile, package_file};
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
    let row = super::recommend_as(
        &state.db,
        &state.mail,
        &actor,
        body.project_id,
        body.over_limit_reason.as_deref(),
        state.now(),
    )
    .await?;
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

/// What the submission package holds: the projects in it, the reports, the projects left out
/// and why, and where the files are.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PackageContents {
    pub unit: String,
    pub to_unit: String,
    /// The projects with a 登记表 in the package, in the summary table's order.
    pub projects: Vec<String>,
    /// The codes of the 公示结果报告 in it.
    pub reports: Vec<String>,
    pub left_out: Vec<LeftOutProject>,
    /// The package as one PDF, and as a zip of the separate files.
    pub pdf: String,
    pub zip: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LeftOutProject {
    pub name: String,
    pub reason: String,
}

/// What the unit's submission package (报送材料) holds, and where its files are. A project whose
/// recommendation no longer rests on a clean, standing report is left out, with the reason.
#[utoipa::path(get, path = "/api/v1/admin/recommendations/package", tag = "admin", security(("bearer_token" = [])),
    params(("campaign" = Option<String>, Query, description = "征集活动代码；省略为最新一期"), ("unit" = Option<i32>, Query, description = "单位编号；省略为本单位")),
    responses((status = 200, body = PackageContents), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The unit recommended nothing in the campaign")))]
pub async fn package_api(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    let package = super::package::build(&state.db, &actor, q.campaign.as_deref(), q.unit, state.now()).await?;
    let query = package_query(&q);
    let doc = &package.doc;
    crate::reports::api::json(&PackageContents {
        unit: doc.unit_name.clone(),
        to_unit: doc.to_unit.clone(),
        projects: doc.forms.iter().map(|f| f.name.clone()).collect(),
        reports: doc.reports.iter().map(|r| r.verification.code.clone()).collect(),
        left_out: doc
            .left_out
            .iter()
            .map(|p| LeftOutProject { name: p.name.clone(), reason: p.reason.clone() })
            .collect(),
        pdf: format!("/api/v1/admin/recommendations/package.pdf{query}"),
        zip: format!("/api/v1/admin/recommendations/package.zip{query}"),
    })
}

fn package_query(q: &CampaignQuery) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    if let Some(c) = q.campaign.as_deref() {
        pairs.append_pair("campaign", c);
    }
    if let Some(u) = q.unit {
        pairs.append_pair("unit", &u.to_string());
    }
    let query = pairs.finish();
    if query.is_empty() { query } else { format!("?{query}") }
}

/// The package as one PDF to print double-sided: contents, each 登记表, the 推荐汇总表, the reports.
#[utoipa::path(get, path = "/api/v1/admin/recommendations/package.pdf", tag = "admin", security(("bearer_token" = [])),
    params(("campaign" = Option<String>, Query, description = "征集活动代码；省略为最新一期"), ("unit" = Option<i32>, Query, description = "单位编号；省略为本单位")),
    responses((status = 200, description = "报送材料（PDF）", content_type = "application/pdf"), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem)))]
pub async fn package_pdf_api(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    Ok(package_file(&state, &actor, &q, PackageFile::Pdf).await?)
}

/// The package as a zip of the separate files: the whole PDF, each 登记表, the 推荐汇总表 (PDF and XLSX), each report as issued.
#[utoipa::path(get, path = "/api/v1/admin/recommendations/package.zip", tag = "admin", security(("bearer_token" = [])),
    params(("campaign" = Option<String>, Query, description = "征集活动代码；省略为最新一期"), ("unit" = Option<i32>, Query, description = "单位编号；省略为本单位")),
    responses((status = 200, description = "报送材料电子版（zip）", content_type = "application/zip"), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem)))]
pub async fn package_zip_api(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    Ok(package_file(&state, &actor, &q, PackageFile::Zip).await?)
}
