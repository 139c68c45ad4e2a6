//! `/api/v1/admin/projects`: list, get, create, update and import, through the same
//! policy-checked functions as the pages.
use super::import::{self, Format};
use super::service::ProjectRecord;
use super::{ProjectDraft, staff};
use crate::access::{Actor, AdminRoutes};
use crate::error::{ApiResult, AppError, AppResult};
use crate::startup::AppState;
use actix_web::web::{Data, Json, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse, http::header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

pub fn routes(r: &mut AdminRoutes) {
    r.get("/api/v1/admin/projects", list)
        .post("/api/v1/admin/projects", create)
        .post("/api/v1/admin/projects/import", import_file)
        .get("/api/v1/admin/projects/{id}", get)
        .put("/api/v1/admin/projects/{id}", update);
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    campaign_id: Option<i32>,
}

/// The projects the caller sees, optionally of one campaign.
#[utoipa::path(get, path = "/api/v1/admin/projects", tag = "admin", security(("bearer_token" = [])),
    params(ListQuery),
    responses((status = 200, body = [staff::ProjectRow]), (status = 401, body = crate::admin::openapi::Problem)))]
pub(crate) async fn list(
    state: Data<AppState>,
    actor: Actor,
    query: Query<ListQuery>,
) -> ApiResult<Json<Vec<staff::ProjectRow>>> {
    Ok(Json(staff::list(&state.db, &actor, query.campaign_id).await?))
}

#[derive(Serialize)]
pub(crate) struct ProjectOut {
    #[serde(flatten)]
    record: ProjectRecord,
    can_edit: bool,
}

/// One project the caller sees, with `can_edit`.
#[utoipa::path(get, path = "/api/v1/admin/projects/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = crate::admin::openapi::ProjectRecordSchema, description = "The project with its lists, plus `can_edit`"), (status = 404, body = crate::admin::openapi::Problem)))]
pub(crate) async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<ProjectOut>> {
    let (record, can_edit) = staff::get(&state.db, &actor, *id, state.now()).await?;
    Ok(Json(ProjectOut { record, can_edit }))
}

/// The `POST` body: a [`ProjectDraft`] with `campaign_id` beside its fields.
pub(crate) struct NewProject;

impl utoipa::PartialSchema for NewProject {
    fn schema() -> RefOr<Schema> {
        let mut schema = <ProjectDraft as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            let campaign = ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .description(Some("The campaign (征集活动)"));
            object.properties.insert("campaign_id".into(), campaign.into());
            object.required.insert(0, "campaign_id".into());
            object.description = Some("The 登记表 fields plus `campaign_id`; unknown fields are refused".into());
        }
        schema
    }
}

impl utoipa::ToSchema for NewProject {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("NewProject")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            <ProjectDraft as utoipa::ToSchema>::name().into_owned(),
            <ProjectDraft as utoipa::PartialSchema>::schema(),
        ));
        <ProjectDraft as utoipa::ToSchema>::schemas(schemas);
    }
}

/// Splits a `POST` body into its campaign and a draft read as strictly as a `PUT` body.
fn new_project(mut body: Map<String, Value>) -> AppResult<(i32, ProjectDraft)> {
    let field_error = |e: serde_json::Error| AppError::BadRequest(format!("JSON 字段有误：{e}"));
    let campaign_id =
        body.remove("campaign_id").ok_or_else(|| AppError::BadRequest("JSON 字段有误：缺少 campaign_id".into()))?;
    let campaign_id = crate::web::integer::i32(campaign_id).map_err(field_error)?;
    let draft = serde_json::from_value(Value::Object(body)).map_err(field_error)?;
    Ok((campaign_id, draft))
}

/// Declares a project for the caller's unit (its admins).
#[utoipa::path(post, path = "/api/v1/admin/projects", tag = "admin", security(("bearer_token" = [])),
    request_body = NewProject,
    responses((status = 201, body = crate::admin::openapi::ProjectRecordSchema), (status = 403, body = crate::admin::openapi::Problem), (status = 404, body = crate::admin::openapi::Problem, description = "No such campaign"), (status = 409, body = crate::admin::openapi::Problem, description = "The 申报编号 has a project already"), (status = 422, body = crate::admin::openapi::Problem)))]
pub(crate) async fn create(
    state: Data<AppState>,
    actor: Actor,
    input: Json<Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let (campaign_id, draft) = new_project(input.into_inner())?;
    let record = staff::create(&state.db, &actor, campaign_id, draft, state.now()).await?;
    let location = format!("/api/v1/admin/projects/{}", record.project.id);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(record))
}

/// Replaces a project's 登记表 fields (its unit's admins; the 申报编号 stays).
#[utoipa::path(put, path = "/api/v1/admin/projects/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = ProjectDraft,
    responses((status = 200, body = crate::admin::openapi::ProjectRecordSchema), (status = 403, body = crate::admin::openapi::Problem), (status = 404, body = crate::admin::openapi::Problem), (status = 422, body = crate::admin::openapi::Problem)))]
pub(crate) async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    draft: Json<ProjectDraft>,
) -> ApiResult<Json<ProjectRecord>> {
    Ok(Json(staff::update(&state.db, &actor, *id, draft.into_inner(), state.now()).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    campaign_id: i32,
    /// `csv`, `xlsx` or `json`; by default from the content type, then the content.
    format: Option<String>,
    /// Check and answer what would be stored, storing nothing.
    #[serde(default)]
    dry_run: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ImportOut {
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
    responses((status = 200, body = ImportOut), (status = 403, body = crate::admin::openapi::Problem), (status = 413, body = crate::admin::openapi::Problem), (status = 422, body = crate::admin::openapi::Problem, description = "Every row error; nothing stored")))]
pub(crate) async fn import_file(
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
        if bytes.len() + chunk.len() > crate::security::limits::IMPORT_FILE_BYTES {
            return Err(AppError::PayloadTooLarge.into());
        }
        bytes.extend_from_slice(&chunk);
    }
    let format = format_of(&req, &query, &bytes).ok_or_else(|| AppError::invalid("文件", "文件为空"))?;
    let drafts = import::parse(format, &bytes).map_err(AppError::Validation)?;
    let names: Vec<String> = drafts.iter().map(|d| d.name.clone()).collect();
    if query.dry_run {
        staff::check_import(&state.db, &actor, query.campaign_id, &drafts).await?;
        return Ok(Json(ImportOut {
            dry_run: true,
            count: drafts.len(),
            created: 0,
            updated: 0,
            project_ids: vec![],
            names,
        }));
    }
    let report = staff::import(&state.db, &actor, query.campaign_id, drafts, state.now()).await?;
    Ok(Json(ImportOut {
        dry_run: false,
        count: names.len(),
        created: report.created,
        updated: report.updated,
        project_ids: report.project_ids,
        names,
    }))
}
