//! Staff pages for notices: the list, generating a notice, the notice's own page (edit the
//! draft, see differences, preview exactly as the public will, publish, correct, withdraw).
//! Thin: each handler parses its form and calls one `staff` function.
use super::generate::DraftEdit;
use super::pages::parse_id;
use super::public_read::PublicState;
use super::staff_service::{self, Candidate, StaffNotice};
use super::{NoticeState, Period, service, views};
use crate::access::{Action, Actor, policy};
use crate::china_time::{date_zh, datetime_zh};
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::{StatusCode, header};
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

/// Form fields as sent (repeated keys allowed).
pub(super) type Fields = Form<Vec<(String, String)>>;

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// The projects ticked with an order number (`p_{id}` = 1, 2, …), sorted by that number.
pub(super) fn ordered_projects(fields: &[(String, String)]) -> Result<Vec<i32>, FieldError> {
    let mut picked = Vec::new();
    for (k, v) in fields {
        let Some(id) = k.strip_prefix("p_").and_then(|id| id.parse::<i32>().ok()) else { continue };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let order: u32 = v.parse().map_err(|_| FieldError::new("projects", format!("排序“{v}”应为数字")))?;
        picked.push((order, id));
    }
    picked.sort_unstable();
    Ok(picked.into_iter().map(|(_, id)| id).collect())
}

pub(super) fn date_field(fields: &[(String, String)], name: &str) -> Result<Option<NaiveDate>, FieldError> {
    field(fields, name)
        .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| FieldError::new(name, "日期格式应为 2025-03-10")))
        .transpose()
}

#[derive(Serialize)]
struct Row {
    id: i32,
    title: String,
    unit_name: String,
    level_label: &'static str,
    state_label: &'static str,
    range_text: String,
    status_label: &'static str,
    has_draft: bool,
    /// Where an offline notice (线下公示) was posted.
    offline_at: Option<String>,
}

fn row(n: &StaffNotice, now: chrono::DateTime<chrono::Utc>) -> Row {
    let head = n.headline();
    let period = head.map(Period::of_revision);
    Row {
        id: n.notice.id,
        title: head.map(|r| r.title.clone()).unwrap_or_default(),
        unit_name: n.unit.name.clone(),
        level_label: n.level().label(),
        state_label: state_label(n.state()),
        range_text: period.map(|p| p.range_text()).unwrap_or_default(),
        status_label: match (n.state(), period) {
            (NoticeState::Withdrawn, _) => "已撤销",
            (NoticeState::Published, Some(p)) => p.status(now).label(),
            _ => "草稿",
        },
        has_draft: n.draft.is_some(),
        offline_at: offline_at(&n.notice),
    }
}

/// Where a notice recorded as posted offline was posted; `None` for one published here.
fn offline_at(notice: &entity::notices::Model) -> Option<String> {
    (notice.channel == crate::report_standing::OFFLINE_CHANNEL).then(|| notice.posted_where.clone().unwrap_or_default())
}

fn state_label(s: NoticeState) -> &'static str {
    match s {
        NoticeState::Draft => "草稿",
        NoticeState::Published => "已发布",
        NoticeState::Withdrawn => "已撤销",
    }
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    rows: Vec<Row>,
    can_create: bool,
}

pub async fn list_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let now = state.now();
    let rows = staff_service::list(&state.db, &actor).await?.iter().map(|n| row(n, now)).collect();
    let can_create = policy::require_role(&actor, Action::ManageNotice).is_ok();
    Ok(render(&req, &actor, "notices/admin_list.html", &ListPage { title: "公示", rows, can_create })?)
}

#[derive(Serialize)]
struct RevisionRow {
    no: i32,
    title: String,
    published_text: String,
    range_text: String,
    note: Option<String>,
    restarts_period: bool,
    url: String,
}

#[derive(Serialize, Default)]
struct DraftForm {
    title: String,
    body_md: String,
    starts_on: String,
    doc_number: String,
    board_location: String,
    media: String,
    web: bool,
    range_text: String,
    revision_no: i32,
}

#[derive(Serialize)]
struct ShowPage {
    title: String,
    id: i32,
    unit_name: String,
    campaign_title: String,
    level: i32,
    level_label: &'static str,
    offline_at: Option<String>,
    state: &'static str,
    state_label: &'static str,
    can_manage: bool,
    status_text: String,
    public_url: String,
    poster_url: String,
    revisions: Vec<RevisionRow>,
    draft: Option<DraftForm>,
    is_correction: bool,
    candidates: Vec<Candidate>,
    differences: Vec<super::consistency::Difference>,
    personal_data: Vec<crate::personal_data::Finding>,
    personal_data_explanation: &'static str,
    withdraw_reason: Option<String>,
    withdrawn_text: Option<String>,
    errors: Vec<FieldError>,
    reports: Vec<String>,
}

async fn show_context(state: &AppState, actor: &Actor, id: i32) -> AppResult<ShowPage> {
    let now = state.now();
    let n = staff_service::find(&state.db, actor, id).await?;
    let level = n.level();
    let latest = n.published.last();
    let status_text = match (n.state(), latest) {
        (NoticeState::Withdrawn, _) => "已撤销".to_owned(),
        (_, Some(r)) => format!("{}（{}）", Period::of_revision(r).status_text(now), Period::of_revision(r).text()),
        (_, None) => "尚未发布".to_owned(),
    };
    let mut candidates = Vec::new();
    let draft = match &n.draft {
        Some(d) => {
            let items = service::items(&state.db, d.id).await?;
            if n.can_manage {
                candidates = staff_service::candidates(&state.db, actor, n.notice.campaign_id, level).await?;
                for i in &items {
                    match candidates.iter_mut().find(|c| c.id == i.project_id) {
                        Some(c) => c.order = Some(i.position),
                        None => candidates.push(Candidate {
                            id: i.project_id,
                            name: i.snapshot.name.clone(),
                            applicant: String::new(),
                            grade: None,
                            allowed: true,
                            refusal: None,
                            order: Some(i.position),
                        }),
                    }
                }
                candidates.sort_by_key(|c| (c.order.is_none(), c.order, c.id));
            }
            Some(DraftForm {
                title: d.title.clone(),
                body_md: d.body_md.clone(),
                starts_on: d.starts_on.to_string(),
                doc_number: n.notice.doc_number.clone().unwrap_or_default(),
                board_location: d.board_location.clone().unwrap_or_default(),
                media: d.media.clone().unwrap_or_default(),
                web: d.web,
                range_text: Period::of_revision(d).range_text(),
                revision_no: d.revision_no,
            })
        }
        None => None,
    };
    let differences = staff_service::draft_differences(&state.db, &n).await?;
    let personal_data = if n.can_manage { staff_service::draft_findings(&state.db, &n).await? } else { Vec::new() };
    Ok(ShowPage {
        title: latest.or(n.draft.as_ref()).map(|r| r.title.clone()).unwrap_or_default(),
        id,
        unit_name: n.unit.name.clone(),
        campaign_title: n.campaign.title.clone(),
        level: level.number(),
        level_label: level.label(),
        offline_at: offline_at(&n.notice),
        state: n.state().code(),
        state_label: state_label(n.state()),
        can_manage: n.can_manage,
        status_text,
        public_url: format!("/notices/{id}"),
        poster_url: format!("/notices/{id}/poster"),
        revisions: n
            .published
            .iter()
            .map(|r| RevisionRow {
                no: r.revision_no,
                title: r.title.clone(),
                published_text: r.published_at.map(datetime_zh).unwrap_or_default(),
                range_text: Period::of_revision(r).range_text(),
                note: r.correction_note.clone(),
                restarts_period: r.restarts_period,
                url: format!("/notices/{id}/revisions/{}", r.revision_no),
            })
            .collect(),
        is_correction: !n.published.is_empty() && n.draft.is_some(),
        draft,
        candidates,
        differences,
        personal_data,
        personal_data_explanation: crate::personal_data::EXPLANATION,
        withdraw_reason: n.notice.withdraw_reason.clone(),
        withdrawn_text: n.notice.withdrawn_at.map(datetime_zh),
        errors: Vec::new(),
        reports: n.reports.iter().map(|r| format!("{}（{}）", r.code, date_zh(r.issued_on))).collect(),
    })
}

pub async fn show_page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
) -> PageResult<HttpResponse> {
    let ctx = show_context(&state, &actor, parse_id(&id)?).await?;
    Ok(render(&req, &actor, "notices/admin_show.html", &ctx)?)
}

/// After a form: back to the notice page with a message, or the page again with the errors.
async fn after(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    id: i32,
    result: AppResult<String>,
) -> PageResult<HttpResponse> {
    match result {
        // A conflict is told the way an outcome is: as a message on the notice page.
        Ok(message) | Err(AppError::Conflict { message, .. }) => {
            flash(req, message);
            Ok(see_other(&format!("/admin/notices/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let mut ctx = show_context(state, actor, id).await?;
            ctx.errors = errors;
            Ok(render_with_status(req, actor, StatusCode::UNPROCESSABLE_ENTITY, "notices/admin_show.html", &ctx)?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn save_draft(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    form: Fields,
) -> PageResult<HttpResponse> {
    let id = parse_id(&id)?;
    let result = async {
        let starts_on = date_field(&form, "starts_on")
            .map_err(|e| AppError::Validation(vec![e]))?
            .ok_or_else(|| AppError::invalid("starts_on", "请填写公示开始日期"))?;
        let edit = DraftEdit {
            title: field(&form, "title").unwrap_or_default().to_owned(),
            body_md: form.iter().find(|(k, _)| k == "body_md").map(|(_, v)| v.clone()).unwrap_or_default(),
            starts_on,
            doc_number: field(&form, "doc_number").map(str::to_owned),
            board_location: field(&form, "board_location").map(str::to_owned),
            media: field(&form, "media").map(str::to_owned),
            web: field(&form, "web").is_some(),
            project_ids: ordered_projects(&form).map_err(|e| AppError::Validation(vec![e]))?,
        };
        let warnings = staff_service::update_draft(&state.db, &actor, id, edit, state.now()).await?;
        Ok(format!("草稿已保存。{}", warnings.join(" ")))
    };
    after(&req, &state, &actor, id, result.await).await
}

pub async fn publish(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    form: Fields,
) -> PageResult<HttpResponse> {
    let id = parse_id(&id)?;
    let note = field(&form, "note").map(str::to_owned);
    let confirmed = form.iter().filter(|(k, _)| k == "confirm").map(|(_, v)| v.clone()).collect();
    let result = staff_service::publish(&state.db, &actor, id, note, confirmed, state.now()).await.map(|p| {
        let what = if p.is_correction { "更正已发布" } else { "公示已发布" };
        let restart = if p.restarted { "，公示期重新计算" } else { "" };
        format!("{what}{restart}：{}", p.period.text())
    });
    after(&req, &state, &actor, id, result).await
}

pub async fn correction(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
) -> PageResult<HttpResponse> {
    let id = parse_id(&id)?;
    let result = staff_service::start_correction(&state.db, &actor, id, state.now())
        .await
        .map(|_| "已建立更正草稿：修改后填写更正说明并发布".to_owned());
    after(&req, &state, &actor, id, result).await
}

pub async fn discard(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
) -> PageResult<HttpResponse> {
    let id = parse_id(&id)?;
    let was_draft = staff_service::find(&state.db, &actor, id).await?.state() == NoticeState::Draft;
    match staff_service::discard_draft(&state.db, &actor, id, state.now()).await {
        Ok(()) if was_draft => {
            flash(&req, "草稿已删除");
            Ok(see_other("/admin/notices"))
        }
        other => after(&req, &state, &actor, id, other.map(|()| "更正草稿已放弃".to_owned())).await,
    }
}

pub async fn withdraw(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<String>,
    form: Fields,
) -> PageResult<HttpResponse> {
    let id = parse_id(&id)?;
    let reason = field(&form, "reason").unwrap_or_default().to_owned();
    let result =
        staff_service::withdraw(&state.db, &actor, id, &reason, state.now()).await.map(|()| "公示已撤销".to_owned());
    after(&req, &state, &actor, id, result).await
}

/// The draft (or, without one, the latest revision) rendered with the public template, so
/// staff see exactly what the public will.
pub async fn preview(state: Data<AppState>, actor: Actor, id: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let n = staff_service::find(&state.db, &actor, parse_id(&id)?).await?;
    let shown = n.draft.clone().or_else(|| n.published.last().cloned()).ok_or(AppError::NotFound)?;
    let items = service::items(&state.db, shown.id).await?;
    let ps =
        PublicState::new(n.notice.clone(), n.unit.clone(), n.campaign.clone(), n.published.clone(), n.reports.clone())?;
    let period = Period::of_revision(&shown);
    let status = period.status(now);
    let live = views::Live {
        status_code: status.code(),
        status_label: status.label(),
        time_left: period.time_left_text(now),
        days_left: period.days_left(now),
        is_open: status == super::Status::Open,
        is_current_revision: true,
        withdrawn: n.state() == NoticeState::Withdrawn,
        withdrawn_text: n.notice.withdrawn_at.map(datetime_zh),
        withdraw_reason: n.notice.withdraw_reason.clone(),
        revisions: Vec::new(),
        reports: Vec::new(),
        withdrawn_recommendations: Vec::new(),
        unit_name: n.unit.name.clone(),
        display_class: "",
    };
    // As the public will read it: compared with the lower level as published now.
    let as_of = shown.published_at.unwrap_or(now);
    let changes = super::consistency::changes_from_lower(&state.db, &n.notice, &items, as_of).await?;
    let mut ctx = views::notice_page(&ps, &shown, &items, &changes, &live, &state.settings);
    ctx.preview_of = Some(if shown.published_at.is_some() {
        "已发布版本".to_owned()
    } else {
        format!("第{}版草稿（尚未发布）", shown.revision_no)
    });
    ctx.preview_back = Some(format!("/admin/notices/{}", n.notice.id));
    let body = crate::web::templates::render("notices/page.html", &ctx)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(body))
}
