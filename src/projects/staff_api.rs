//! `/api/v1/admin/projects`: list, get, create, update and import, through the same
//! policy-checked functions as the pages.
use super::service::ProjectRecord;
use super::{ProjectDraft, staff_service};
use crate::access::Actor;
use crate::error::{ApiResult, AppError, AppResult};
use crate::web::AppState;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, http::header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    campaign_id: Option<i32>,
}

/// The projects the caller sees, optionally of one campaign.
#[utoipa::path(get, path = "/api/v1/admin/projects", tag = "admin", security(("bearer_token" = [])),
    params(ListQuery),
    responses((status = 200, body = [staff_service::ProjectRow]), (status = 401, body = crate::web::errors::Problem)))]
pub async fn list(
    state: Data<AppState>,
    actor: Actor,
    query: Query<ListQuery>,
) -> ApiResult<Json<Vec<staff_service::ProjectRow>>> {
    Ok(Json(staff_service::list(&state.db, &actor, query.campaign_id).await?))
}

#[derive(Serialize)]
pub struct ProjectOut {
    #[serde(flatten)]
    record: ProjectRecord,
    can_edit: bool,
}

/// One project the caller sees, with `can_edit`.
#[utoipa::path(get, path = "/api/v1/admin/projects/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = ProjectRecord, description = "The project with its lists, plus `can_edit`"), (status = 404, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<ProjectOut>> {
    let (record, can_edit) = staff_service::get(&state.db, &actor, *id, state.now()).await?;
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
    responses((status = 201, body = ProjectRecord), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem, description = "No such campaign"), (status = 409, body = crate::web::errors::Problem, description = "The 申报编号 has a project already"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn create(state: Data<AppState>, actor: Actor, input: Json<Map<String, Value>>) -> ApiResult<HttpResponse> {
    let (campaign_id, draft) = new_project(input.into_inner())?;
    let record = staff_service::create(&state.db, &actor, campaign_id, draft, state.now()).await?;
    let location = format!("/api/v1/admin/projects/{}", record.project.id);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(record))
}

/// Replaces a project's 登记表 fields (its unit's admins; the 申报编号 stays).
#[utoipa::path(put, path = "/api/v1/admin/projects/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = ProjectDraft,
    responses((status = 200, body = ProjectRecord), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 422, body = crate::web::errors::Problem)))]
pub async fn update(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    draft: Json<ProjectDraft>,
) -> ApiResult<Json<ProjectRecord>> {
    Ok(Json(staff_service::update(&state.db, &actor, *id, draft.into_inner(), state.now()).await?))
}

/// The province's 拟评等级 for a project, with an optional review remark.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReviewGradeBody {
    grade: super::Grade,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: Option<String>,
}

/// Records the grade the province proposes after its review (拟评等级) for a project it holds
/// (the province's admins); the provincial notice lists only projects proposed for 三等奖 or above.
#[utoipa::path(post, path = "/api/v1/admin/projects/{id}/review-grade", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)), request_body = ReviewGradeBody,
    responses((status = 201, body = entity::review_grades::Model), (status = 403, body = crate::web::errors::Problem), (status = 404, body = crate::web::errors::Problem), (status = 409, body = crate::web::errors::Problem, description = "The project has not been recommended to the province"), (status = 422, body = crate::web::errors::Problem)))]
pub async fn review_grade(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<ReviewGradeBody>,
) -> ApiResult<HttpResponse> {
    let row = super::review_grade::set_as(&state.db, &actor, *id, body.grade.code(), body.note.as_deref(), state.now())
        .await?;
    Ok(HttpResponse::Created().json(row))
}
