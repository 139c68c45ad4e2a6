//! The staff import page: choose a campaign and a file, see what it would store, confirm.
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, FieldError, PageResult};
use crate::projects::import::{self, Format};
use crate::projects::{Grade, by_column, preview, staff_service};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use entity::campaigns;
use serde::Serialize;

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

pub async fn import_form(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let campaigns = staff_service::campaigns(&state.db).await?;
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
            if bytes.len() + chunk.len() > crate::web::security::limits::IMPORT_FILE_BYTES {
                return Err(AppError::TooLarge);
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

pub async fn import_preview(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Multipart,
) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let upload = read_upload(form).await?;
    let campaigns = staff_service::campaigns(&state.db).await?;
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
        super::check_import(&state.db, &actor, campaign_id, &drafts).await?;
        let id = preview::save(&state.settings.data_dir, actor.user_id, campaign_id, &drafts, state.now()).await?;
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
            page.errors = by_column(errors);
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/projects_import.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn import_confirm(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    preview: Path<String>,
) -> PageResult<HttpResponse> {
    policy::require_role(&actor, Action::EditProject)?;
    let stash = preview::take(&state.settings.data_dir, &preview, actor.user_id, state.now()).await?;
    let report = super::import(&state.db, &actor, stash.campaign_id, stash.drafts, state.now()).await?;
    if report.received > 0 {
        flash(&req, format!("导入完成：接收下级推荐项目 {} 项", report.received));
    } else {
        flash(&req, format!("导入完成：新增 {} 项，更新 {} 项", report.created, report.updated));
    }
    Ok(see_other(&format!("/admin/projects?campaign={}", stash.campaign_id)))
}
