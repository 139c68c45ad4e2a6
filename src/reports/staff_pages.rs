//! Staff pages for reports: the unit's reports with the notices still waiting for one, and
//! the page that shows what a report would state and issues it.
use super::readiness::BlockerView;
use super::{service, staff_service};
use crate::access::policy::Relation;
use crate::access::{Action, Actor, policy};
use crate::china_time::close_zh;
use crate::error::{AppError, AppResult, PageResult};
use crate::notices::Level;
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

type Fields = actix_web::web::Form<Vec<(String, String)>>;

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    reports: Vec<staff_service::ReportRow>,
    waiting: Vec<staff_service::Waiting>,
    can_issue: bool,
}

pub async fn list_page(state: Data<AppState>, req: HttpRequest, actor: Actor) -> PageResult<HttpResponse> {
    let page = ListPage {
        title: "公示结果报告",
        reports: staff_service::rows(&state.db, &actor).await?,
        waiting: staff_service::waiting(&state.db, &actor, state.now()).await?,
        can_issue: policy::allows(actor.role, actor.is_province, Action::IssueReport, Relation::Own),
    };
    Ok(render(&req, &actor, "reports/admin_list.html", &page)?)
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
    preview: Vec<staff_service::Preview>,
    case_count: usize,
    can_issue: bool,
    issued: Vec<(String, String)>,
    personal_data: Vec<crate::personal_data::Finding>,
    personal_data_explanation: &'static str,
}

async fn issue_page_with(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    notice_id: i32,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (r, can_issue) = staff_service::visible_readiness(&state.db, actor, notice_id, state.now()).await?;
    let issued = staff_service::issued_on_notice(&state.db, notice_id).await?;
    let latest = r.latest.as_ref();
    let page = IssuePage {
        title: "出具公示结果报告",
        notice_id,
        notice_title: latest.map(|l| l.revision.title.clone()).unwrap_or_default(),
        level_label: Level::from_number(r.notice.level).map_or("", Level::label).to_owned(),
        period_text: latest.map(|l| l.period.range_text()).unwrap_or_default(),
        closes_text: latest.map(|l| close_zh(l.period.closes_at)).unwrap_or_default(),
        ready: r.is_ready(),
        blockers: r.blockers.iter().map(BlockerView::from).collect(),
        preview: staff_service::preview(&r),
        case_count: r.cases.len(),
        can_issue,
        issued,
        personal_data: staff_service::findings(&r),
        personal_data_explanation: crate::personal_data::EXPLANATION,
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
    form: Fields,
) -> PageResult<HttpResponse> {
    let confirmed: Vec<String> = form.iter().filter(|(k, _)| k == "confirm").map(|(_, v)| v.clone()).collect();
    let base = &state.settings.base_url;
    match service::issue_as(&state.db, &actor, *notice_id, base, &confirmed, state.now()).await {
        Ok(issued) => {
            flash(&req, format!("公示结果报告已出具，验证码{}", issued.report.code));
            Ok(see_other(&format!("/reports/{}", issued.report.code)))
        }
        // The page itself lists what blocks issuing, personal data included.
        Err(AppError::Conflict { .. }) => {
            Ok(issue_page_with(&state, &req, &actor, *notice_id, StatusCode::CONFLICT).await?)
        }
        Err(other) => Err(other.into()),
    }
}
