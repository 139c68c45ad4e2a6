//! `/api/v1/admin/offline`: recording offline notices, uploading their paper reports (scans as
//! base64), and the receiving unit's decisions, as JSON; the same functions as the staff pages.
use super::paper_report::{self, Stated};
use super::record::{self, RecordRequest};
use super::review::{self, OfflineRow};
use super::scan;
use crate::access::Actor;
use crate::error::{ApiResult, AppError, AppResult};
use crate::web::AppState;
use crate::web::errors::Problem;
use actix_web::HttpResponse;
use actix_web::web::{Data, Json, Path};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// A date as staff type it (`2025-03-10`), or a Chinese field error.
///
/// # Errors
/// `Validation` on `field`.
pub fn parse_date(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| AppError::invalid(field, "日期格式应为 2025-03-10"))
}

/// The offline notices the signed-in unit recorded and those it is to accept or reject.
#[derive(Serialize, ToSchema)]
pub struct OfflineList {
    pub records: Vec<OfflineRow>,
}

#[utoipa::path(get, path = "/api/v1/admin/offline", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = OfflineList)))]
pub async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(OfflineList { records: review::list(&state.db, &actor).await? }))
}

/// An offline notice to record.
#[derive(Deserialize, ToSchema)]
pub struct RecordBody {
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub campaign_id: i32,
    /// 1 申报单位公示, 2 推荐单位公示, 3 省总工会公示
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub level: i32,
    pub title: String,
    /// Where it was posted: 单位公示栏, 《甘肃工人报》…
    pub posted_where: String,
    /// First day (YYYY-MM-DD, China time); may lie in the past
    pub starts_on: String,
    /// Last day: the campaign's five calendar days from `starts_on`
    pub ends_on: String,
    /// The projects it listed, in order
    #[serde(deserialize_with = "crate::web::integer::vec_i32")]
    pub project_ids: Vec<i32>,
    /// The photo or scan of the posted notice (PDF, JPEG or PNG), base64
    pub scan_base64: String,
}

#[utoipa::path(post, path = "/api/v1/admin/offline/notices", tag = "admin", security(("bearer_token" = [])),
    request_body = RecordBody,
    responses((status = 201, body = OfflineRow), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record(state: Data<AppState>, actor: Actor, body: Json<RecordBody>) -> ApiResult<HttpResponse> {
    record::allowed(&state.db, &actor).await?;
    let body = body.into_inner();
    let req = RecordRequest {
        campaign_id: body.campaign_id,
        level: body.level,
        title: body.title,
        posted_where: body.posted_where,
        starts_on: parse_date("starts_on", &body.starts_on)?,
        ends_on: parse_date("ends_on", &body.ends_on)?,
        project_ids: body.project_ids,
        scan: scan::from_base64("scan_base64", &body.scan_base64)?,
    };
    let notice = record::record_as(&state.db, &actor, req, state.now()).await?;
    let row = review::find(&state.db, &actor, notice.id).await?;
    Ok(HttpResponse::Created().json(row))
}

#[utoipa::path(get, path = "/api/v1/admin/offline/notices/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = OfflineRow), (status = 404, body = Problem)))]
pub async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(review::find(&state.db, &actor, *id).await?))
}

/// One project's outcome as the paper report states it.
#[derive(Deserialize, ToSchema)]
pub struct OutcomeBody {
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub project_id: i32,
    /// `no_objection` (公示无异议), `dismissed` (异议不成立) or `upheld` (异议成立)
    pub outcome: String,
}

/// A paper 公示结果报告 to record.
#[derive(Deserialize, ToSchema)]
pub struct PaperReportBody {
    /// One per project on the notice
    pub outcomes: Vec<OutcomeBody>,
    /// The scan of the stamped paper report (PDF, JPEG or PNG), base64
    pub scan_base64: String,
}

/// The recorded paper report.
#[derive(Serialize, ToSchema)]
pub struct PaperReportAnswer {
    pub notice_id: i32,
    /// Verification code of the report record
    pub code: String,
    /// Always `offline`
    pub channel: &'static str,
    /// The record as it now stands (waiting for the receiving unit again)
    pub record: OfflineRow,
}

#[utoipa::path(post, path = "/api/v1/admin/offline/notices/{id}/report", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = PaperReportBody,
    responses((status = 201, body = PaperReportAnswer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn upload_report(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<PaperReportBody>,
) -> ApiResult<HttpResponse> {
    paper_report::allowed(&state.db, &actor, *id).await?;
    let body = body.into_inner();
    let stated: Vec<Stated> =
        body.outcomes.into_iter().map(|o| Stated { project_id: o.project_id, outcome: o.outcome }).collect();
    let scan = scan::from_base64("scan_base64", &body.scan_base64)?;
    let base = &state.settings.base_url;
    let report = paper_report::upload_as(&state.db, &actor, *id, &stated, scan, base, state.now()).await?;
    let record = review::find(&state.db, &actor, *id).await?;
    Ok(HttpResponse::Created().json(PaperReportAnswer {
        notice_id: *id,
        code: report.code,
        channel: super::OFFLINE,
        record,
    }))
}

/// The receiving unit's decision.
#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// `accept` (确认) or `reject` (退回)
    #[schema(pattern = "^(accept|reject)$")]
    pub decision: String,
    /// Why; shown to the recording unit
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/admin/offline/notices/{id}/review", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = ReviewBody,
    responses((status = 200, body = OfflineRow), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<ReviewBody>,
) -> ApiResult<HttpResponse> {
    let accept = parse_decision(&body.decision)?;
    let row = review::decide_as(&state.db, &actor, *id, accept, &body.reason, state.now()).await?;
    Ok(HttpResponse::Ok().json(row))
}

/// `accept` is true, `reject` false.
///
/// # Errors
/// `Validation` (field `decision`) for anything else.
pub fn parse_decision(text: &str) -> AppResult<bool> {
    match text.trim() {
        "accept" => Ok(true),
        "reject" => Ok(false),
        _ => Err(AppError::invalid("decision", "请选择确认（accept）或退回（reject）")),
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(list, record, get, upload_report, review),
    components(schemas(
        OfflineList,
        OfflineRow,
        super::Review,
        RecordBody,
        OutcomeBody,
        PaperReportBody,
        PaperReportAnswer,
        ReviewBody
    ))
)]
pub struct OfflineApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    OfflineApi::openapi()
}
