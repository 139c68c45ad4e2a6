//! `POST /api/v1/admin/projects/import`: the body is the file; `dry_run` checks without storing.
use crate::access::Actor;
use crate::error::{ApiResult, AppError};
use crate::projects::import::{self, Format};
use crate::web::AppState;
use actix_web::web::{Data, Json, Payload, Query};
use actix_web::{HttpRequest, http::header};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    campaign_id: i32,
    /// `csv`, `xlsx` or `json`; by default from the content type, then the content.
    format: Option<String>,
    /// Check and answer what would be stored, storing nothing.
    #[serde(default)]
    dry_run: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportOut {
    dry_run: bool,
    count: usize,
    created: usize,
    updated: usize,
    project_ids: Vec<i32>,
    names: Vec<String>,
}

fn format_of(req: &HttpRequest, query: &ImportQuery, bytes: &[u8]) -> Option<Format> {
    let named = query.format.as_deref().or_else(|| {
        let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
        if ct.contains("spreadsheetml") {
            Some("xlsx")
        } else if ct.contains("json") {
            Some("json")
        } else if ct.contains("csv") {
            Some("csv")
        } else {
            None
        }
    });
    match named {
        Some("csv") => Some(Format::Csv),
        Some("xlsx") => Some(Format::Xlsx),
        Some("json") => Some(Format::Json),
        _ => Format::detect("", bytes),
    }
}

/// The body is the file itself (CSV, XLSX or JSON), at most 10 MiB.
/// Imports a CSV, XLSX or JSON file (the body) into the caller's unit, all or nothing.
#[utoipa::path(post, path = "/api/v1/admin/projects/import", tag = "admin", security(("bearer_token" = [])),
    params(ImportQuery),
    request_body(content = Vec<u8>, description = "The file, at most 10 MiB", content_type = "text/csv"),
    responses((status = 200, body = ImportOut), (status = 403, body = crate::web::errors::Problem), (status = 413, body = crate::web::errors::Problem), (status = 422, body = crate::web::errors::Problem, description = "Every row error; nothing stored")))]
pub async fn import_file(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    query: Query<ImportQuery>,
    mut body: Payload,
) -> ApiResult<Json<ImportOut>> {
    use futures_util::StreamExt;
    // Rights first: a caller who may not import gets nothing read or parsed.
    crate::access::policy::require_role(&actor, crate::access::Action::EditProject)?;
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("请求内容不完整".into()))?;
        if bytes.len() + chunk.len() > crate::web::security::limits::IMPORT_FILE_BYTES {
            return Err(AppError::TooLarge.into());
        }
        bytes.extend_from_slice(&chunk);
    }
    let format = format_of(&req, &query, &bytes).ok_or_else(|| AppError::invalid("文件", "文件为空"))?;
    let drafts = import::parse(format, &bytes).map_err(AppError::Validation)?;
    let names: Vec<String> = drafts.iter().map(|d| d.name.clone()).collect();
    if query.dry_run {
        super::check_import(&state.db, &actor, query.campaign_id, &drafts).await?;
        return Ok(Json(ImportOut {
            dry_run: true,
            count: drafts.len(),
            created: 0,
            updated: 0,
            project_ids: vec![],
            names,
        }));
    }
    let report = super::import(&state.db, &actor, query.campaign_id, drafts, state.now()).await?;
    Ok(Json(ImportOut {
        dry_run: false,
        count: names.len(),
        created: report.created,
        updated: report.updated,
        project_ids: report.project_ids,
        names,
    }))
}
