//! Project pages for staff: the list, one project, editing its 登记表 fields, and importing a
//! file with a preview (every row error, or what will be stored) before anything is stored.
use super::service::ProjectRecord;
use super::staff_form::{FormValues, draft_from_fields, draft_of};
use super::{ELIGIBILITY, Grade, staff_service};
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use entity::campaigns;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct ListQuery {
    campaign: Option<i32>,
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    projects: Vec<staff_service::ProjectRow>,
    campaigns: Vec<campaigns::Model>,
    campaign: Option<i32>,
    can_import: bool,
}

pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    query: Query<ListQuery>,
) -> PageResult<HttpResponse> {
    let projects = staff_service::list(&state.db, &actor, query.campaign).await?;
    let page = ListPage {
        title: "项目",
        projects,
        campaigns: staff_service::campaigns(&state.db).await?,
        campaign: query.campaign,
        can_import: policy::require_role(&actor, Action::EditProject).is_ok(),
    };
    Ok(render(&req, &actor, "admin/projects_list.html", &page)?)
}

#[derive(Serialize)]
struct ShowPage {
    title: String,
    record: ProjectRecord,
    eligibility: String,
    grade: Option<&'static str>,
    can_edit: bool,
}

pub async fn show(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let (record, can_edit) = staff_service::get(&state.db, &actor, *id, state.now()).await?;
    let page = ShowPage {
        title: record.project.name.clone(),
        eligibility: record.eligibility_label(),
        grade: record.project.proposed_grade.as_deref().and_then(Grade::parse).map(Grade::label),
        record,
        can_edit,
    };
    Ok(render(&req, &actor, "admin/project_show.html", &page)?)
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct EditPage {
    title: &'static str,
    id: i32,
    values: FormValues,
    errors: Vec<FieldError>,
    eligibility: Vec<Choice>,
    grades: Vec<Choice>,
    ip_kinds: Vec<Choice>,
}

fn edit_page(id: i32, values: FormValues, errors: Vec<FieldError>) -> EditPage {
    let eligibility = (1..=ELIGIBILITY.len())
        .map(|n| Choice { value: n.to_string(), label: super::eligibility_label(i32::try_from(n).unwrap_or(0)) })
        .collect();
    let grades = Grade::ALL.iter().map(|g| Choice { value: g.code().into(), label: g.label().into() }).collect();
    let ip_kinds = [super::IpKind::Patent, super::IpKind::Paper, super::IpKind::Monograph, super::IpKind::Other]
        .iter()
        .map(|k| Choice { value: k.code().into(), label: k.label().into() })
        .collect();
    EditPage { title: "编辑项目", id, values, errors, eligibility, grades, ip_kinds }
}

pub async fn edit_form(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    let record = staff_service::get_for_edit(&state.db, &actor, *id, state.now()).await?;
    let page = edit_page(*id, FormValues::from_draft(&draft_of(&record)), vec![]);
    Ok(render(&req, &actor, "admin/project_form.html", &page)?)
}

pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<Vec<(String, String)>>,
) -> PageResult<HttpResponse> {
    let draft = draft_from_fields(&form);
    match staff_service::update(&state.db, &actor, *id, draft.clone(), state.now()).await {
        Ok(record) => {
            flash(&req, format!("已保存：{}", record.project.name));
            Ok(see_other(&format!("/admin/projects/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let page = edit_page(*id, FormValues::from_draft(&draft), super::by_column(errors));
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/project_form.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}
