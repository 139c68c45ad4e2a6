//! The staff page `/admin/offline`: the unit's offline records with the receiving unit's
//! decisions, the forms to record one and to upload its paper report (multipart, the scan as
//! the `scan` file), and, for the receiving unit, accepting or rejecting each with a reason.
use super::paper_report::{self, Stated};
use super::record::{self, RecordRequest};
use super::review::{self, OfflineRow};
use super::scan::{self, MAX_SCAN_BYTES};
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render_with_status, see_other};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt as _;
use sea_orm::EntityTrait as _;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Text a form may carry besides the scan.
const MAX_TEXT_BYTES: usize = 64 * 1024;

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    records: Vec<OfflineRow>,
    can_record: bool,
    campaigns: Vec<(i32, String)>,
    errors: Vec<FieldError>,
}

async fn show(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    status: StatusCode,
    errors: Vec<FieldError>,
) -> AppResult<HttpResponse> {
    let campaigns =
        entity::campaigns::Entity::find().all(&state.db).await?.into_iter().map(|c| (c.id, c.title)).collect();
    let page = ListPage {
        title: "线下公示登记",
        records: review::list(&state.db, actor).await?,
        can_record: policy::require_role(actor, Action::ManageNotice).is_ok(),
        campaigns,
        errors,
    };
    render_with_status(req, actor, status, "reports/offline.html", &page)
}

pub async fn list_page(state: Data<AppState>, req: HttpRequest, actor: Actor) -> PageResult<HttpResponse> {
    Ok(show(&state, &req, &actor, StatusCode::OK, Vec::new()).await?)
}

/// A refusal of the input shows the page again with the messages (422); others go up.
async fn answer(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    done: AppResult<String>,
) -> PageResult<HttpResponse> {
    match done {
        Ok(message) => {
            flash(req, message);
            Ok(see_other("/admin/offline"))
        }
        Err(AppError::Validation(errors)) => {
            Ok(show(state, req, actor, StatusCode::UNPROCESSABLE_ENTITY, errors).await?)
        }
        Err(AppError::Conflict { message, .. }) => {
            Ok(show(state, req, actor, StatusCode::CONFLICT, vec![FieldError::new("notice", message)]).await?)
        }
        Err(other) => Err(other.into()),
    }
}

/// The text fields and the `scan` file of a multipart form.
struct Upload {
    fields: HashMap<String, String>,
    scan: Vec<u8>,
}

impl Upload {
    fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let mut fields = HashMap::new();
    let mut scan = Vec::new();
    let mut text_bytes = 0;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("上传内容有误".into()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("上传内容不完整".into()))?;
            bytes.extend_from_slice(&chunk);
            // One byte over the cap is enough for the scan check to refuse it by name.
            if bytes.len() > MAX_SCAN_BYTES + 1 {
                return Err(AppError::invalid("scan", format!("扫描件不能超过{}MB", MAX_SCAN_BYTES / 1024 / 1024)));
            }
        }
        if name == "scan" {
            scan = bytes;
        } else {
            text_bytes += bytes.len();
            if text_bytes > MAX_TEXT_BYTES {
                return Err(AppError::TooLarge);
            }
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(Upload { fields, scan })
}

fn number(field: &str, text: &str, what: &str) -> AppResult<i32> {
    text.trim().parse().map_err(|_| AppError::invalid(field, format!("请选择{what}")))
}

async fn record_from(state: &AppState, actor: &Actor, form: Multipart) -> AppResult<String> {
    record::allowed(&state.db, actor).await?;
    let up = read_upload(form).await?;
    let project_ids = up
        .text("project_ids")
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| number("project_ids", s, "公示所列项目（填写项目编号）"))
        .collect::<AppResult<Vec<i32>>>()?;
    let req = RecordRequest {
        campaign_id: number("campaign_id", up.text("campaign_id"), "征集活动")?,
        level: number("level", up.text("level"), "公示层级")?,
        title: up.text("title").to_owned(),
        posted_where: up.text("posted_where").to_owned(),
        starts_on: super::api::parse_date("starts_on", up.text("starts_on"))?,
        ends_on: super::api::parse_date("ends_on", up.text("ends_on"))?,
        project_ids,
        scan: scan::check("scan", up.scan)?,
    };
    record::record_as(&state.db, actor, req, state.now()).await?;
    Ok("已登记线下公示，待上级单位确认".to_owned())
}

pub async fn record_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Multipart,
) -> PageResult<HttpResponse> {
    let done = record_from(&state, &actor, form).await;
    answer(&state, &req, &actor, done).await
}

async fn report_from(state: &AppState, actor: &Actor, notice_id: i32, form: Multipart) -> AppResult<String> {
    paper_report::allowed(&state.db, actor, notice_id).await?;
    let up = read_upload(form).await?;
    let stated: Vec<Stated> = up
        .fields
        .iter()
        .filter_map(|(k, v)| Some(Stated { project_id: k.strip_prefix("outcome_")?.parse().ok()?, outcome: v.clone() }))
        .collect();
    let scan = scan::check("scan", up.scan)?;
    let base = &state.settings.base_url;
    let report = paper_report::upload_as(&state.db, actor, notice_id, &stated, scan, base, state.now()).await?;
    Ok(format!("已上传纸质公示结果报告（编号{}），待上级单位确认", report.code))
}

pub async fn report_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
    form: Multipart,
) -> PageResult<HttpResponse> {
    let done = report_from(&state, &actor, *id, form).await;
    answer(&state, &req, &actor, done).await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn review_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
    form: Form<ReviewForm>,
) -> PageResult<HttpResponse> {
    let done = async {
        let accept = super::api::parse_decision(&form.decision)?;
        let row = review::decide_as(&state.db, &actor, *id, accept, &form.reason, state.now()).await?;
        Ok(format!("已{}“{}”", if accept { "确认" } else { "退回" }, row.title))
    }
    .await;
    answer(&state, &req, &actor, done).await
}

/// A scan, as a download (never shown inline: it is a file a unit uploaded).
pub async fn scan_file(state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
    let scan = scan::find_as(&state.db, &actor, *id).await?;
    let extension = match scan.media_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok(HttpResponse::Ok()
        .content_type(scan.media_type)
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"offline-scan-{}.{extension}\"", scan.id)))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(scan.bytes))
}
