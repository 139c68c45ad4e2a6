//! The staff page that generates a notice: choose the campaign and level, tick projects with
//! their order, pick the start day.
use super::Level;
use super::staff_pages::{Fields, date_field, field, ordered_projects};
use super::staff_service::{self, Candidate};
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct NewQuery {
    campaign_id: Option<String>,
    level: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    value: i32,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct NewPage {
    title: &'static str,
    campaigns: Vec<Choice>,
    levels: Vec<Choice>,
    campaign_id: Option<i32>,
    level: i32,
    candidates: Vec<Candidate>,
    default_start: String,
    errors: Vec<FieldError>,
}

async fn new_context(state: &AppState, actor: &Actor, campaign_id: Option<i32>, level: Level) -> AppResult<NewPage> {
    let all = crate::campaigns::newest_first(&state.db).await?;
    let campaign_id = campaign_id.or_else(|| all.first().map(|c| c.id));
    let candidates = match campaign_id {
        Some(c) => staff_service::candidates(&state.db, actor, c, level).await?,
        None => Vec::new(),
    };
    Ok(NewPage {
        title: "生成公示",
        campaigns: all
            .iter()
            .map(|c| Choice { value: c.id, label: c.title.clone(), selected: Some(c.id) == campaign_id })
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| Choice { value: l.number(), label: l.label().to_owned(), selected: *l == level })
            .collect(),
        campaign_id,
        level: level.number(),
        candidates,
        default_start: super::period::default_start(state.now()).to_string(),
        errors: Vec::new(),
    })
}

fn level_of(s: Option<&str>) -> Level {
    s.and_then(|v| v.parse().ok()).and_then(Level::from_number).unwrap_or(Level::Applicant)
}

pub async fn new_page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    q: Query<NewQuery>,
) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::ManageNotice)?;
    let campaign_id = q.campaign_id.as_deref().and_then(|v| v.parse().ok());
    let ctx = new_context(&state, &actor, campaign_id, level_of(q.level.as_deref())).await?;
    Ok(render(&req, &actor, "notices/admin_new.html", &ctx)?)
}

pub async fn create(req: HttpRequest, state: Data<AppState>, actor: Actor, form: Fields) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::ManageNotice)?;
    let level = level_of(field(&form, "level"));
    let campaign_id = field(&form, "campaign_id").and_then(|v| v.parse().ok());
    let attempt = async {
        let projects = ordered_projects(&form).map_err(|e| AppError::Validation(vec![e]))?;
        let start = date_field(&form, "starts_on").map_err(|e| AppError::Validation(vec![e]))?;
        let campaign = campaign_id.ok_or_else(|| AppError::invalid("campaign_id", "请选择征集活动"))?;
        staff_service::generate(&state.db, &actor, campaign, level, projects, start, state.now()).await
    };
    match attempt.await {
        Ok(g) => {
            let warning = g.warnings.join(" ");
            flash(
                &req,
                if warning.is_empty() {
                    "已生成公示草稿，请核对后发布".to_owned()
                } else {
                    format!("已生成公示草稿。{warning}")
                },
            );
            Ok(see_other(&format!("/admin/notices/{}", g.notice_id)))
        }
        Err(AppError::Validation(errors)) => {
            let mut ctx = new_context(&state, &actor, campaign_id, level).await?;
            ctx.errors = errors;
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "notices/admin_new.html", &ctx)?)
        }
        Err(other) => Err(other.into()),
    }
}
