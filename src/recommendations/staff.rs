//! Staff pages and API for recommending: the projects the unit holds with what the gate says
//! about each, the form to recommend one (with the over-limit reason when needed), what the
//! unit has recommended and received, and the 推荐汇总表 downloads.
use super::status::{self, Step};
use crate::access::policy::Relation;
use crate::access::{Action, Actor, policy};
use crate::china_time::date_zh;
use crate::error::{ApiResult, AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::web::{Data, Form, Json, Query};
use actix_web::{HttpRequest, HttpResponse};
use entity::{campaigns, projects, recommendations, result_reports, units};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct CampaignQuery {
    campaign: Option<String>,
    unit: Option<i32>,
}

/// A project the unit holds, and its next step.
#[derive(Debug, Serialize)]
pub struct HeldRow {
    pub project_id: i32,
    pub name: String,
    pub applicant: String,
    pub step: Step,
}

/// A recommendation made or received.
#[derive(Debug, Serialize)]
pub struct SentRow {
    pub project_id: i32,
    pub name: String,
    pub from: String,
    pub to: String,
    pub level: i32,
    pub report_code: Option<String>,
    pub over_limit_reason: Option<String>,
    pub on: String,
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub campaign: String,
    pub unit_id: i32,
    pub unit_name: String,
    pub parent_name: Option<String>,
    pub held: Vec<HeldRow>,
    pub sent: Vec<SentRow>,
    pub received: Vec<SentRow>,
    /// Toward the parent: how many sent, and the limit before a reason is needed.
    pub used: Option<usize>,
    pub limit: Option<usize>,
}

async fn overview(state: &AppState, actor: &Actor, campaign: &campaigns::Model) -> AppResult<Overview> {
    let db = &state.db;
    let all: HashMap<i32, units::Model> = units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let me = all.get(&actor.unit_id).ok_or(AppError::NotFound)?;
    let parent = me.parent_id.and_then(|p| all.get(&p));
    let name_of = |id: i32| all.get(&id).map_or_else(String::new, |u| u.name.clone());
    let held_projects = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign.id))
        .filter(projects::Column::HolderUnitId.eq(actor.unit_id))
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?;
    let mut held = Vec::new();
    for p in &held_projects {
        held.push(HeldRow {
            project_id: p.id,
            name: p.name.clone(),
            applicant: name_of(p.applicant_unit_id),
            step: status::step(db, campaign, p, &all).await?,
        });
    }
    let rows = recommendations::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(recommendations::Column::FromUnitId.eq(actor.unit_id))
                .add(recommendations::Column::ToUnitId.eq(actor.unit_id)),
        )
        .order_by_asc(recommendations::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i32, projects::Model> = projects::Entity::find()
        .filter(projects::Column::Id.is_in(rows.iter().map(|r| r.project_id)))
        .filter(projects::Column::CampaignId.eq(campaign.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let codes: HashMap<i32, String> = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(rows.iter().filter_map(|r| r.report_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for r in rows {
        let Some(p) = names.get(&r.project_id) else { continue };
        let row = SentRow {
            project_id: p.id,
            name: p.name.clone(),
            from: name_of(r.from_unit_id),
            to: name_of(r.to_unit_id),
            level: r.level,
            report_code: r.report_id.and_then(|id| codes.get(&id).cloned()),
            over_limit_reason: r.over_limit_reason.clone(),
            on: date_zh(crate::china_time::day_of(r.created_at)),
        };
        if r.from_unit_id == actor.unit_id { sent.push(row) } else { received.push(row) }
    }
    let limit = match parent {
        Some(parent) => super::limit(db, campaign, me, parent).await?,
        None => None,
    };
    Ok(Overview {
        campaign: campaign.code.clone(),
        unit_id: me.id,
        unit_name: me.name.clone(),
        parent_name: parent.map(|p| p.name.clone()),
        held,
        sent,
        received,
        used: limit.map(|l| l.used),
        limit: limit.map(|l| l.limit),
    })
}

#[derive(Serialize)]
struct Page<'a> {
    title: &'static str,
    o: Overview,
    can_recommend: bool,
    errors: &'a [FieldError],
    project_id: Option<i32>,
}

async fn show(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    campaign_code: Option<&str>,
    status: StatusCode,
    errors: &[FieldError],
    project_id: Option<i32>,
) -> AppResult<HttpResponse> {
    let campaign = super::campaign(&state.db, campaign_code).await?;
    let page = Page {
        title: "推荐上报",
        o: overview(state, actor, &campaign).await?,
        can_recommend: policy::allows(actor.role, actor.is_province, Action::Recommend, Relation::Own),
        errors,
        project_id,
    };
    render_with_status(req, actor, status, "reports/recommendations.html", &page)
}

pub async fn page(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    q: Query<CampaignQuery>,
) -> PageResult<HttpResponse> {
    Ok(show(&state, &req, &actor, q.campaign.as_deref(), StatusCode::OK, &[], None).await?)
}

#[derive(Deserialize)]
pub struct RecommendForm {
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    over_limit_reason: String,
}

pub async fn recommend_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Form<RecommendForm>,
) -> PageResult<HttpResponse> {
    let Ok(project_id) = form.project_id.trim().parse::<i32>() else {
        return Err(AppError::invalid("project_id", "请选择要推荐的项目").into());
    };
    match super::recommend_as(&state.db, &actor, project_id, Some(&form.over_limit_reason), state.now()).await {
        Ok(row) => {
            let to =
                units::Entity::find_by_id(row.to_unit_id).one(&state.db).await?.map(|u| u.name).unwrap_or_default();
            flash(&req, format!("已推荐至{to}"));
            Ok(see_other("/admin/recommendations"))
        }
        Err(AppError::Validation(errors)) => {
            Ok(show(&state, &req, &actor, None, StatusCode::UNPROCESSABLE_ENTITY, &errors, Some(project_id)).await?)
        }
        Err(AppError::Conflict { message, .. }) => {
            let errors = [FieldError::new("project_id", message)];
            Ok(show(&state, &req, &actor, None, StatusCode::CONFLICT, &errors, Some(project_id)).await?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn list_api(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> ApiResult<HttpResponse> {
    let campaign = super::campaign(&state.db, q.campaign.as_deref()).await?;
    crate::reports::api::json(&overview(&state, &actor, &campaign).await?)
}

#[derive(Deserialize)]
pub struct RecommendBody {
    project_id: i32,
    #[serde(default)]
    over_limit_reason: Option<String>,
}

pub async fn recommend_api(state: Data<AppState>, actor: Actor, body: Json<RecommendBody>) -> ApiResult<HttpResponse> {
    let row =
        super::recommend_as(&state.db, &actor, body.project_id, body.over_limit_reason.as_deref(), state.now()).await?;
    let mut res = crate::reports::api::json(&row)?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

/// The unit whose table is asked for: the actor's own, or one below it they may see.
async fn table_for(state: &AppState, actor: &Actor, q: &CampaignQuery) -> AppResult<crate::summary_table::Table> {
    let unit_id = q.unit.unwrap_or(actor.unit_id);
    policy::require(&state.db, actor, Action::ViewUnit, unit_id).await?;
    let campaign = super::campaign(&state.db, q.campaign.as_deref()).await?;
    crate::summary_table::build(&state.db, campaign.id, unit_id, state.now()).await
}

fn attachment(bytes: Vec<u8>, content_type: &str, ext: &str, unit_code: &str) -> HttpResponse {
    let name = format!("推荐汇总表-{unit_code}.{ext}");
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"summary.{ext}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes)
}

pub async fn summary_xlsx(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    let table = table_for(&state, &actor, &q).await?;
    let bytes = crate::summary_table::to_xlsx(&table)?;
    Ok(attachment(bytes, crate::summary_table::XLSX_TYPE, "xlsx", &table.unit_code))
}

pub async fn summary_csv(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    let table = table_for(&state, &actor, &q).await?;
    let bytes = crate::summary_table::to_csv(&table)?;
    Ok(attachment(bytes, "text/csv; charset=utf-8", "csv", &table.unit_code))
}
