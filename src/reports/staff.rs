//! Staff pages and API for reports: the list of a unit's reports with the notices still waiting
//! for one, the issue page (what blocks issuing, and the outcomes the report will state), and
//! issuing itself. Every route goes through the access policy: anyone who sees a notice sees
//! its readiness; only an admin of the publishing unit issues.
use super::api::{ReportAnswer, json};
use super::content::outcome_of;
use super::readiness::{self, BlockerView, Readiness};
use super::service;
use crate::access::policy::Relation;
use crate::access::{Action, Actor, policy};
use crate::china_time::{date_zh, datetime_zh};
use crate::error::{ApiResult, AppError, AppResult, PageResult};
use crate::notices::{Level, NoticeState};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse};
use entity::{notices, result_reports};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// One issued report in a staff list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub code: String,
    pub notice_id: i32,
    pub notice_title: String,
    pub level_label: String,
    pub unit_name: String,
    pub issued_on: String,
    pub no_objection: usize,
    pub dismissed: usize,
    pub upheld: usize,
    pub superseded: bool,
    pub url: String,
}

async fn rows(state: &AppState, actor: &Actor) -> AppResult<Vec<ReportRow>> {
    let scope = policy::scope(&state.db, actor, Action::ViewReport).await?;
    let mut out = Vec::new();
    for (row, _) in service::list(&state.db, &scope).await? {
        let stored = service::stored(&state.db, row).await?;
        let by = |o: super::Outcome| stored.content.projects.iter().filter(|p| p.outcome == o).count();
        out.push(ReportRow {
            code: stored.row.code.clone(),
            notice_id: stored.row.notice_id,
            notice_title: stored.content.notice.title.clone(),
            level_label: stored.content.notice.level_label.clone(),
            unit_name: stored.content.unit.name.clone(),
            issued_on: date_zh(stored.row.issued_on),
            no_objection: by(super::Outcome::NoObjection),
            dismissed: by(super::Outcome::Dismissed),
            upheld: by(super::Outcome::Upheld),
            superseded: stored.superseded_by.is_some(),
            url: format!("/reports/{}", stored.row.code),
        });
    }
    Ok(out)
}

/// A notice of the actor's unit that has no report for its current period yet.
#[derive(Serialize)]
struct Waiting {
    notice_id: i32,
    title: String,
    level_label: &'static str,
    period_text: String,
    ready: bool,
    blockers: Vec<BlockerView>,
}

async fn waiting(state: &AppState, actor: &Actor) -> AppResult<Vec<Waiting>> {
    let own = notices::Entity::find()
        .filter(notices::Column::UnitId.eq(actor.unit_id))
        .filter(notices::Column::State.eq(NoticeState::Published.code()))
        .order_by_desc(notices::Column::Id)
        .all(&state.db)
        .await?;
    let mut out = Vec::new();
    for n in own {
        let r = readiness::assess(&state.db, n.id, state.now()).await?;
        let issued = r.blockers.iter().any(|b| matches!(b, super::Blocker::AlreadyIssued { .. }));
        let Some(latest) = r.latest.as_ref().filter(|_| !issued) else { continue };
        out.push(Waiting {
            notice_id: n.id,
            title: latest.revision.title.clone(),
            level_label: latest.level().label(),
            period_text: latest.period.range_text(),
            ready: r.is_ready(),
            blockers: r.blockers.iter().map(BlockerView::from).collect(),
        });
    }
    Ok(out)
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    reports: Vec<ReportRow>,
    waiting: Vec<Waiting>,
    can_issue: bool,
}

pub async fn list_page(state: Data<AppState>, req: HttpRequest, actor: Actor) -> PageResult<HttpResponse> {
    let page = ListPage {
        title: "公示结果报告",
        reports: rows(&state, &actor).await?,
        waiting: waiting(&state, &actor).await?,
        can_issue: policy::allows(actor.role, actor.is_province, Action::IssueReport, Relation::Own),
    };
    Ok(render(&req, &actor, "reports/admin_list.html", &page)?)
}

/// A project as the report will state it, before issuing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub order: i32,
    pub name: String,
    pub outcome_label: String,
}

#[derive(Serialize)]
struct IssuePage {
    title: &'static str,
    notice_id: i32,
    notice_title: String,
    level_label: String,
    period_text: String,
    closes_text: String,
    ready: bool,
    blockers: Vec<BlockerView>,
    preview: Vec<Preview>,
    case_count: usize,
    can_issue: bool,
    issued: Vec<(String, String)>,
}

fn preview(r: &Readiness) -> Vec<Preview> {
    r.items
        .iter()
        .map(|i| Preview {
            order: i.position,
            name: i.snapshot.name.clone(),
            outcome_label: outcome_of(i.project_id, &r.cases).label().to_owned(),
        })
        .collect()
}

/// The readiness of a notice the actor may see; `can_issue` when they may also issue.
async fn visible_readiness(state: &AppState, actor: &Actor, notice_id: i32) -> AppResult<(Readiness, bool)> {
    let notice = crate::notices::service::notice(&state.db, notice_id).await?;
    policy::require(&state.db, actor, Action::ViewNotice, notice.unit_id).await?;
    let can_issue = policy::require(&state.db, actor, Action::IssueReport, notice.unit_id).await.is_ok();
    Ok((readiness::assess(&state.db, notice_id, state.now()).await?, can_issue))
}

async fn issue_page_with(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    notice_id: i32,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (r, can_issue) = visible_readiness(state, actor, notice_id).await?;
    let issued = result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.eq(notice_id))
        .order_by_asc(result_reports::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|x| (x.code, date_zh(x.issued_on)))
        .collect();
    let latest = r.latest.as_ref();
    let page = IssuePage {
        title: "出具公示结果报告",
        notice_id,
        notice_title: latest.map(|l| l.revision.title.clone()).unwrap_or_default(),
        level_label: Level::from_number(r.notice.level).map_or("", Level::label).to_owned(),
        period_text: latest.map(|l| l.period.range_text()).unwrap_or_default(),
        closes_text: latest.map(|l| datetime_zh(l.period.closes_at)).unwrap_or_default(),
        ready: r.is_ready(),
        blockers: r.blockers.iter().map(BlockerView::from).collect(),
        preview: preview(&r),
        case_count: r.cases.len(),
        can_issue,
        issued,
    };
    render_with_status(req, actor, status, "reports/admin_issue.html", &page)
}

pub async fn issue_page(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    notice_id: Path<i32>,
) -> PageResult<HttpResponse> {
    Ok(issue_page_with(&state, &req, &actor, *notice_id, StatusCode::OK).await?)
}

pub async fn issue_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    notice_id: Path<i32>,
) -> PageResult<HttpResponse> {
    match service::issue_as(&state.db, &actor, *notice_id, &state.settings.base_url, state.now()).await {
        Ok(issued) => {
            flash(&req, format!("公示结果报告已出具，验证码{}", issued.report.code));
            Ok(see_other(&format!("/reports/{}", issued.report.code)))
        }
        // The page itself lists what blocks issuing.
        Err(AppError::Conflict { .. }) => {
            Ok(issue_page_with(&state, &req, &actor, *notice_id, StatusCode::CONFLICT).await?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn list_api(state: Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    json(&serde_json::json!({ "reports": rows(&state, &actor).await? }))
}

#[derive(Deserialize)]
pub struct IssueBody {
    notice_id: i32,
}

pub async fn issue_api(state: Data<AppState>, actor: Actor, body: Json<IssueBody>) -> ApiResult<HttpResponse> {
    let issued = service::issue_as(&state.db, &actor, body.notice_id, &state.settings.base_url, state.now()).await?;
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
    pub projects: Vec<Preview>,
}

pub async fn readiness_api(state: Data<AppState>, actor: Actor, notice_id: Path<i32>) -> ApiResult<HttpResponse> {
    let (r, _) = visible_readiness(&state, &actor, *notice_id).await?;
    json(&ReadinessAnswer {
        notice_id: *notice_id,
        ready: r.is_ready(),
        blockers: r.blockers.iter().map(BlockerView::from).collect(),
        closes_at: r.latest.as_ref().map(|l| crate::china_time::rfc3339_china(l.period.closes_at)),
        projects: preview(&r),
    })
}
