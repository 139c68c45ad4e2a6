//! `GET /api/v1/reports/{code}`: a report as issued, with its hash and whether it still stands,
//! for receiving units that check reports by program. Part of `/api/openapi.json`.
use super::content::{CaseLine, ChannelsPart, NoticePart, ProjectPart, ReasonTally, ReportContent, Tally, UnitPart};
use super::service::{self, Stored};
use crate::china_time::rfc3339_china;
use crate::error::{ApiResult, AppError, AppResult};
use crate::settings::Settings;
use crate::web::AppState;
use crate::web::precomputed::{self, Page};
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, http::header};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// This module's part of `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    paths(detail),
    components(schemas(
        ReportAnswer, Replaced, ReportContent, NoticePart, ChannelsPart, UnitPart, ProjectPart, Tally, ReasonTally,
        CaseLine, super::Outcome
    )),
    tags((name = "reports", description = "公示结果报告：核验"))
)]
pub struct ReportsApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    ReportsApi::openapi()
}

/// A project of this report that was noticed again (再次公示) and reported on anew.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replaced {
    pub project_id: i32,
    /// The code of the report that now states the project's result
    pub by: String,
}

/// A result report as issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAnswer {
    /// The verification code
    pub code: String,
    /// SHA-256 (hex) of the canonical JSON of `content`
    pub sha256: String,
    /// The stored content still hashes to `sha256`
    pub intact: bool,
    /// e.g. `2025-04-08`
    pub issued_on: String,
    /// RFC 3339 in China time
    pub issued_at: String,
    pub notice_id: i32,
    /// The code of the report that replaced this one entirely, if any
    pub superseded_by: Option<String>,
    /// Whether the report still clears its projects: only `valid` does
    pub standing: StandingAnswer,
    pub replaced: Vec<Replaced>,
    pub url: String,
    pub pdf_url: String,
    pub docx_url: String,
    /// The report exactly as issued
    pub content: ReportContent,
}

/// A report's standing (报告效力) as the API states it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingAnswer {
    /// `valid` (有效), `superseded` (已被取代), `void` (已失效), `suspended` (暂停), or for the
    /// paper report of an offline notice `unconfirmed` (待确认) / `rejected` (已退回)
    pub code: &'static str,
    /// 有效 / 已被取代 / 已失效 / 暂停 / 待确认 / 已退回
    pub label: &'static str,
    /// Why, in Chinese
    pub reason: String,
    /// Since when (RFC 3339, China time), for `void` and `suspended`
    pub since: Option<String>,
    /// Only a valid report lets its clean projects go up a level
    pub clears: bool,
}

impl StandingAnswer {
    #[must_use]
    pub fn of(s: &crate::report_standing::Standing) -> Self {
        Self {
            code: s.code(),
            label: s.label(),
            reason: s.reason(),
            since: s.since().map(rfc3339_china),
            clears: s.clears(),
        }
    }
}

impl ReportAnswer {
    #[must_use]
    pub fn of(s: &Stored, settings: &Settings) -> Self {
        let code = &s.row.code;
        Self {
            code: code.clone(),
            sha256: s.row.sha256.clone(),
            intact: s.intact,
            issued_on: s.row.issued_on.to_string(),
            issued_at: rfc3339_china(s.row.issued_at),
            notice_id: s.row.notice_id,
            superseded_by: s.superseded_by.clone(),
            standing: StandingAnswer::of(&s.standing),
            replaced: s.replaced.iter().map(|(p, by)| Replaced { project_id: *p, by: by.clone() }).collect(),
            url: settings.absolute_url(&format!("/reports/{code}")),
            pdf_url: settings.absolute_url(&format!("/reports/{code}.pdf")),
            docx_url: settings.absolute_url(&format!("/reports/{code}.docx")),
            content: s.content.clone(),
        }
    }
}

/// One result report by its verification code.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{code}",
    tag = "reports",
    params(("code" = String, Path, description = "验证码（8位）")),
    responses(
        (status = 200, description = "公示结果报告", body = ReportAnswer),
        (status = 404, description = "不存在（problem+json）")
    )
)]
pub async fn detail(req: HttpRequest, state: Data<AppState>, code: Path<String>) -> ApiResult<HttpResponse> {
    let code = super::parse_code(&code).ok_or(AppError::NotFound)?;
    // The standing follows objections registered later, so the answer follows the ledger.
    Ok(precomputed::serve(&req, &state, format!("api-report:{code}"), state.now(), || async {
        let stored = service::find_by_code(&state.db, &code).await?;
        Ok(Page::json(json_text(&ReportAnswer::of(&stored, &state.settings))?).reading_ledger())
    })
    .await?)
}

/// JSON with `<`, `>` and `&` escaped, as the notices API does: the same JSON, never a raw tag.
///
/// # Errors
/// Internal, if the value cannot be serialised.
pub fn json<T: Serialize>(value: &T) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(json_text(value)?))
}

fn json_text<T: Serialize>(value: &T) -> AppResult<String> {
    let text = serde_json::to_string(value).map_err(AppError::internal)?;
    Ok(text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}
