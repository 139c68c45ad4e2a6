//! `/api/v1/admin/notices`: the staff pages' operations as JSON, through the same `staff`
//! functions (so the same policy), for units that script their work with an API token.
use super::generate::DraftEdit;
use super::pages::parse_id;
use super::staff_service::{self, StaffNotice};
use super::{Level, Period, service};
use crate::access::Actor;
use crate::china_time::rfc3339_china;
use crate::error::{ApiResult, AppError};
use crate::web::AppState;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, http::header};
use chrono::NaiveDate;
use entity::notice_revisions;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct RevisionOut {
    revision_no: i32,
    title: String,
    starts_on: String,
    ends_on: String,
    opens_at: String,
    closes_at: String,
    published_at: Option<String>,
    correction_note: Option<String>,
    restarts_period: bool,
}

fn revision_out(r: &notice_revisions::Model) -> RevisionOut {
    let p = Period::of_revision(r);
    RevisionOut {
        revision_no: r.revision_no,
        title: r.title.clone(),
        starts_on: p.starts_on.to_string(),
        ends_on: p.ends_on().to_string(),
        opens_at: rfc3339_china(p.opens_at),
        closes_at: rfc3339_china(p.closes_at),
        published_at: r.published_at.map(rfc3339_china),
        correction_note: r.correction_note.clone(),
        restarts_period: r.restarts_period,
    }
}

#[derive(Serialize)]
struct NoticeOut {
    id: i32,
    unit_code: String,
    unit_name: String,
    campaign: String,
    level: i32,
    state: &'static str,
    can_manage: bool,
    published: Vec<RevisionOut>,
    draft: Option<RevisionOut>,
    withdraw_reason: Option<String>,
    /// `online`, or `offline` for a notice posted on a board or in the media (线下公示)
    channel: String,
    posted_where: Option<String>,
}

fn notice_out(n: &StaffNotice) -> NoticeOut {
    NoticeOut {
        id: n.notice.id,
        unit_code: n.unit.code.clone(),
        unit_name: n.unit.name.clone(),
        campaign: n.campaign.code.clone(),
        level: n.notice.level,
        state: n.state().code(),
        can_manage: n.can_manage,
        published: n.published.iter().map(revision_out).collect(),
        draft: n.draft.as_ref().map(revision_out),
        withdraw_reason: n.notice.withdraw_reason.clone(),
        channel: n.notice.channel.clone(),
        posted_where: n.notice.posted_where.clone(),
    }
}

pub async fn list(state: Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    let rows: Vec<NoticeOut> = staff_service::list(&state.db, &actor).await?.iter().map(notice_out).collect();
    Ok(HttpResponse::Ok().json(rows))
}

#[derive(Serialize)]
struct DetailOut {
    #[serde(flatten)]
    notice: NoticeOut,
    draft_body_md: Option<String>,
    draft_items: Vec<serde_json::Value>,
    differences: Vec<super::consistency::Difference>,
}

pub async fn get(state: Data<AppState>, actor: Actor, id: Path<String>) -> ApiResult<HttpResponse> {
    let n = staff_service::find(&state.db, &actor, parse_id(&id)?).await?;
    let draft_items = match &n.draft {
        Some(d) => service::items(&state.db, d.id)
            .await?
            .into_iter()
            .map(|i| serde_json::json!({ "position": i.position, "project_id": i.project_id, "snapshot": i.snapshot }))
            .collect(),
        None => Vec::new(),
    };
    let differences = staff_service::draft_differences(&state.db, &n).await?;
    let out = DetailOut {
        draft_body_md: n.draft.as_ref().map(|d| d.body_md.clone()),
        notice: notice_out(&n),
        draft_items,
        differences,
    };
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize)]
pub struct CreateInput {
    campaign_id: i32,
    level: i32,
    project_ids: Vec<i32>,
    starts_on: Option<NaiveDate>,
}

pub async fn create(state: Data<AppState>, actor: Actor, input: Json<CreateInput>) -> ApiResult<HttpResponse> {
    let level = Level::from_number(input.level).ok_or_else(|| AppError::invalid("level", "层级应为1、2或3"))?;
    let g = staff_service::generate(
        &state.db,
        &actor,
        input.campaign_id,
        level,
        input.project_ids.clone(),
        input.starts_on,
        state.now(),
    )
    .await?;
    let location = format!("/api/v1/admin/notices/{}", g.notice_id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(serde_json::json!({ "notice_id": g.notice_id, "revision_id": g.revision_id, "warnings": g.warnings })))
}

#[derive(Deserialize)]
pub struct DraftInput {
    title: String,
    body_md: String,
    starts_on: NaiveDate,
    doc_number: Option<String>,
    board_location: Option<String>,
    media: Option<String>,
    #[serde(default = "yes")]
    web: bool,
    project_ids: Vec<i32>,
}

fn yes() -> bool {
    true
}

pub async fn save_draft(
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    input: Json<DraftInput>,
) -> ApiResult<HttpResponse> {
    let input = input.into_inner();
    let edit = DraftEdit {
        title: input.title,
        body_md: input.body_md,
        starts_on: input.starts_on,
        doc_number: input.doc_number,
        board_location: input.board_location,
        media: input.media,
        web: input.web,
        project_ids: input.project_ids,
    };
    let warnings = staff_service::update_draft(&state.db, &actor, parse_id(&id)?, edit, state.now()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "warnings": warnings })))
}

pub async fn discard(state: Data<AppState>, actor: Actor, id: Path<String>) -> ApiResult<HttpResponse> {
    staff_service::discard_draft(&state.db, &actor, parse_id(&id)?, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Default)]
pub struct PublishInput {
    note: Option<String>,
    /// Ids of personal-data findings (from a 409's `personal_data`) confirmed not to be
    /// personal data; the confirmation is recorded in the audit log.
    #[serde(default)]
    confirmed: Vec<String>,
}

pub async fn publish(
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    input: Json<PublishInput>,
) -> ApiResult<HttpResponse> {
    let PublishInput { note, confirmed } = input.into_inner();
    let p = staff_service::publish(&state.db, &actor, parse_id(&id)?, note, confirmed, state.now()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "notice_id": p.notice_id,
        "revision_no": p.revision_no,
        "is_correction": p.is_correction,
        "restarted": p.restarted,
        "starts_on": p.period.starts_on.to_string(),
        "ends_on": p.period.ends_on().to_string(),
        "opens_at": rfc3339_china(p.period.opens_at),
        "closes_at": rfc3339_china(p.period.closes_at),
        "differences": p.differences,
    })))
}

pub async fn correction(state: Data<AppState>, actor: Actor, id: Path<String>) -> ApiResult<HttpResponse> {
    let revision_id = staff_service::start_correction(&state.db, &actor, parse_id(&id)?, state.now()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "revision_id": revision_id })))
}

#[derive(Deserialize)]
pub struct WithdrawInput {
    reason: String,
}

pub async fn withdraw(
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    input: Json<WithdrawInput>,
) -> ApiResult<HttpResponse> {
    staff_service::withdraw(&state.db, &actor, parse_id(&id)?, &input.reason, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
