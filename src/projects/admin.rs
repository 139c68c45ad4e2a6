//! Project pages for staff: the list, one project, editing its 登记表 fields, and importing a
//! file with a preview (every row error, or what will be stored) before anything is stored.
use super::admin_form::{FormValues, draft_from_fields, draft_of};
use super::import::{self, Format};
use super::service::ProjectRecord;
use super::{ELIGIBILITY, Grade, staff};
use crate::access::{Action, Actor, AdminRoutes, policy};
use crate::admin::{flash, render, render_with_status, see_other};
use crate::error::{AppError, FieldError, PageResult};
use crate::startup::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use entity::campaigns;
use serde::{Deserialize, Serialize};

pub fn routes(r: &mut AdminRoutes) {
    r.get("/admin/projects", list)
        .get("/admin/projects/import", import_form)
        .post("/admin/projects/import", import_preview)
        .post("/admin/projects/import/{preview}", import_confirm)
        .get("/admin/projects/{id}", show)
        .get("/admin/projects/{id}/edit", edit_form)
        .post("/admin/projects/{id}", update);
    super::admin_api::routes(r);
}

#[derive(Deserialize)]
struct ListQuery {
    campaign: Option<i32>,
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    projects: Vec<staff::ProjectRow>,
    campaigns: Vec<campaigns::Model>,
    campaign: Option<i32>,
    can_import: bool,
}

async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    query: Query<ListQuery>,
) -> PageResult<HttpResponse> {
    let projects = staff::list(&state.db, &actor, query.campaign).await?;
    let page = ListPage {
        title: "项目",
        projects,
        campaigns: staff::campaigns(&state.db).await?,
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

async fn show(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let (record, can_edit) = staff::get(&state.db, &actor, *id, state.now()).await?;
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

async fn edit_form(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let record = staff::get_for_edit(&state.db, &actor, *id, state.now()).await?;
    let page = edit_page(*id, FormValues::from_draft(&draft_of(&record)), vec![]);
    Ok(render(&req, &actor, "admin/project_form.html", &page)?)
}

async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<Vec<(String, String)>>,
) -> PageResult<HttpResponse> {
    let draft = draft_from_fields(&form);
    match staff::update(&state.db, &actor, *id, draft.clone(), state.now()).await {
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

#[derive(Serialize, Default)]
struct ImportPage {
    title: &'static str,
    campaigns: Vec<campaigns::Model>,
    campaign_id: Option<i32>,
    file_name: Option<String>,
    errors: Vec<FieldError>,
    preview: Vec<PreviewRow>,
    preview_id: Option<String>,
}

#[derive(Serialize)]
struct PreviewRow {
    import_key: String,
    name: String,
    completing_units: String,
    completers: String,
    grade: Option<&'static str>,
}

async fn import_form(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let campaigns = staff::campaigns(&state.db).await?;
    let campaign_id = campaigns.first().map(|c| c.id);
    let page = ImportPage { title: "导入项目", campaigns, campaign_id, ..Default::default() };
    Ok(render(&req, &actor, "admin/projects_import.html", &page)?)
}

/// The uploaded parts of the import form.
struct Upload {
    campaign_id: Option<i32>,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    use futures_util::StreamExt;
    let mut upload = Upload { campaign_id: None, file_name: String::new(), bytes: Vec::new() };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("上传内容有误".into()))?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name =
                field.content_disposition().and_then(|d| d.get_filename()).unwrap_or_default().to_owned();
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("上传内容不完整".into()))?;
            if bytes.len() + chunk.len() > crate::security::limits::IMPORT_FILE_BYTES {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "campaign_id" => upload.campaign_id = String::from_utf8_lossy(&bytes).trim().parse().ok(),
            "file" => upload.bytes = bytes,
            _ => {}
        }
    }
    Ok(upload)
}

async fn import_preview(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Multipart,
) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let upload = read_upload(form).await?;
    let campaigns = staff::campaigns(&state.db).await?;
    let mut page = ImportPage {
        title: "导入项目",
        campaign_id: upload.campaign_id,
        file_name: Some(upload.file_name.clone()),
        ..Default::default()
    };
    let outcome = async {
        let campaign_id = upload.campaign_id.ok_or_else(|| AppError::invalid("campaign_id", "请选择征集活动"))?;
        let format = Format::detect(&upload.file_name, &upload.bytes)
            .ok_or_else(|| AppError::invalid("文件", "请选择要导入的文件"))?;
        let drafts = import::parse(format, &upload.bytes).map_err(AppError::Validation)?;
        staff::check_import(&state.db, &actor, campaign_id, &drafts).await?;
        let id =
            super::preview::save(&state.settings.data_dir, actor.user_id, campaign_id, &drafts, state.now()).await?;
        Ok::<_, AppError>((id, drafts))
    }
    .await;
    page.campaigns = campaigns;
    match outcome {
        Ok((id, drafts)) => {
            page.preview = drafts
                .iter()
                .map(|d| PreviewRow {
                    import_key: d.import_key.clone(),
                    name: d.name.clone(),
                    completing_units: d.completing_units.join("、"),
                    completers: d.completers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("、"),
                    grade: d.proposed_grade.map(Grade::label),
                })
                .collect();
            page.preview_id = Some(id);
            Ok(render(&req, &actor, "admin/projects_import.html", &page)?)
        }
        Err(AppError::Validation(errors)) => {
            page.errors = super::by_column(errors);
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/projects_import.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_confirm(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    preview: Path<String>,
) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let stash = super::preview::take(&state.settings.data_dir, &preview, actor.user_id, state.now()).await?;
    let report = staff::import(&state.db, &actor, stash.campaign_id, stash.drafts, state.now()).await?;
    if report.received > 0 {
        flash(&req, format!("导入完成：接收下级推荐项目 {} 项", report.received));
    } else {
        flash(&req, format!("导入完成：新增 {} 项，更新 {} 项", report.created, report.updated));
    }
    Ok(see_other(&format!("/admin/projects?campaign={}", stash.campaign_id)))
}
