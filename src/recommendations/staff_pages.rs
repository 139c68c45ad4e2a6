//! Staff pages for recommending: the projects the unit holds with what the gate says about
//! each, the form to recommend one (with the over-limit reason when needed), what the unit has
//! recommended and received, and the downloads: the 推荐汇总表 and the whole 报送材料.
use super::service;
use crate::access::policy::Relation;
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::web::{Data, Form, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct CampaignQuery {
    pub campaign: Option<String>,
    pub unit: Option<i32>,
}

#[derive(Serialize)]
struct Page<'a> {
    title: &'static str,
    o: service::Overview,
    can_recommend: bool,
    can_review: bool,
    grades: Vec<(&'static str, &'static str)>,
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
        o: service::overview(&state.db, actor, &campaign).await?,
        can_recommend: policy::allows(actor.role, actor.is_province, Action::Recommend, Relation::Own),
        can_review: policy::allows(actor.role, actor.is_province, Action::ProposeGrade, Relation::Own),
        grades: crate::projects::Grade::ALL.iter().map(|g| (g.code(), g.label())).collect(),
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
    match super::recommend_as(&state.db, &state.mail, &actor, project_id, Some(&form.over_limit_reason), state.now())
        .await
    {
        Ok(row) => {
            let to = service::unit_name(&state.db, row.to_unit_id).await?;
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

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn withdraw_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Form<WithdrawForm>,
) -> PageResult<HttpResponse> {
    let Ok(project_id) = form.project_id.trim().parse::<i32>() else {
        return Err(AppError::invalid("project_id", "请选择要撤回推荐的项目").into());
    };
    match super::withdraw::withdraw_as(&state.db, &actor, project_id, &form.reason, state.now()).await {
        Ok(row) => {
            let back_to = service::unit_name(&state.db, row.from_unit_id).await?;
            flash(&req, format!("已撤回推荐，项目退回{back_to}"));
            Ok(see_other("/admin/recommendations"))
        }
        Err(AppError::Validation(errors)) => {
            Ok(show(&state, &req, &actor, None, StatusCode::UNPROCESSABLE_ENTITY, &errors, Some(project_id)).await?)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct ReviewGradeForm {
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    note: String,
}

/// The province's 拟评等级 for a project it holds, set from the recommendation page.
pub async fn review_grade_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Form<ReviewGradeForm>,
) -> PageResult<HttpResponse> {
    let Ok(project_id) = form.project_id.trim().parse::<i32>() else {
        return Err(AppError::invalid("project_id", "请选择要拟评等级的项目").into());
    };
    let set = crate::projects::review_grade::set_as(
        &state.db,
        &actor,
        project_id,
        &form.grade,
        Some(&form.note),
        state.now(),
    )
    .await;
    match set {
        Ok(_) => {
            flash(&req, "已记录拟评等级".to_owned());
            Ok(see_other("/admin/recommendations"))
        }
        Err(AppError::Validation(errors)) => {
            Ok(show(&state, &req, &actor, None, StatusCode::UNPROCESSABLE_ENTITY, &errors, Some(project_id)).await?)
        }
        Err(AppError::Conflict { message, .. }) => {
            let errors = [FieldError::new("grade", message)];
            Ok(show(&state, &req, &actor, None, StatusCode::CONFLICT, &errors, Some(project_id)).await?)
        }
        Err(other) => Err(other.into()),
    }
}

fn attachment(bytes: Vec<u8>, content_type: &str, ext: &str, unit_code: &str) -> HttpResponse {
    download(bytes, content_type, ("summary", "推荐汇总表"), ext, unit_code)
}

/// A staff download: never cached, named `{chinese}-{unit}.{ext}` (with an ASCII fallback).
fn download(
    bytes: Vec<u8>,
    content_type: &str,
    (ascii, chinese): (&str, &str),
    ext: &str,
    unit_code: &str,
) -> HttpResponse {
    let name = format!("{chinese}-{unit_code}.{ext}");
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes)
}

/// `/admin/recommendations/package.pdf`: the 报送材料 as one PDF to print.
pub async fn package_pdf(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    Ok(package_file(&state, &actor, &q, PackageFile::Pdf).await?)
}

/// `/admin/recommendations/package.zip`: the same, as separate files for the e-mail.
pub async fn package_zip(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    Ok(package_file(&state, &actor, &q, PackageFile::Zip).await?)
}

#[derive(Clone, Copy)]
pub(super) enum PackageFile {
    Pdf,
    Zip,
}

/// The package of the unit asked for (the actor's own by default) as a download.
pub(super) async fn package_file(
    state: &AppState,
    actor: &Actor,
    q: &CampaignQuery,
    file: PackageFile,
) -> AppResult<HttpResponse> {
    let package = super::package::build(&state.db, actor, q.campaign.as_deref(), q.unit, state.now()).await?;
    let (bytes, content_type, ext) = match file {
        PackageFile::Pdf => (super::package::pdf(&package).await?, "application/pdf", "pdf"),
        PackageFile::Zip => (super::package::zip(&package).await?, "application/zip", "zip"),
    };
    Ok(download(bytes, content_type, ("package", "报送材料"), ext, &package.unit_code))
}

pub async fn summary_xlsx(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    let table = service::summary_table_for(&state.db, &actor, q.campaign.as_deref(), q.unit, state.now()).await?;
    let bytes = crate::summary_table::to_xlsx(&table)?;
    Ok(attachment(bytes, crate::summary_table::XLSX_TYPE, "xlsx", &table.unit_code))
}

pub async fn summary_csv(state: Data<AppState>, actor: Actor, q: Query<CampaignQuery>) -> PageResult<HttpResponse> {
    let table = service::summary_table_for(&state.db, &actor, q.campaign.as_deref(), q.unit, state.now()).await?;
    let bytes = crate::summary_table::to_csv(&table)?;
    Ok(attachment(bytes, "text/csv; charset=utf-8", "csv", &table.unit_code))
}
