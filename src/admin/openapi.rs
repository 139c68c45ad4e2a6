//! The admin API's part of `/api/openapi.json`: units, users, API tokens, the audit log and
//! projects under `/api/v1/admin`, all authenticated with `Authorization: Bearer <token>`
//! (security scheme `bearer_token`, which other modules' admin paths reference too).
//!
//! Types that are sent and received as they are derive `ToSchema` where they live; the rows
//! read straight from the database are described here by `*Schema` shapes with the same fields.
use crate::admin::units::KINDS;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::admin::units::api::list,
        crate::admin::units::api::get,
        crate::admin::units::api::create,
        crate::admin::units::api::update,
        crate::admin::users::api::list,
        crate::admin::users::api::get,
        crate::admin::users::api::create,
        crate::admin::users::api::update,
        crate::admin::users::api::reset_password,
        crate::admin::tokens::api_list,
        crate::admin::tokens::api_create,
        crate::admin::tokens::api_revoke,
        crate::admin::audit_log::api,
        crate::projects::admin_api::list,
        crate::projects::admin_api::get,
        crate::projects::admin_api::create,
        crate::projects::admin_api::update,
        crate::projects::admin_api::import_file,
    ),
    components(schemas(
        Problem,
        FieldErrorSchema,
        UnitSchema,
        TreeRowSchema,
        ProjectSchema,
        ProjectRecordSchema,
        crate::projects::CompleterDraft
    )),
    modifiers(&BearerToken),
    tags((name = "admin", description = "工作人员管理接口：单位、用户、令牌、操作日志、项目（Bearer 令牌认证）"))
)]
pub struct AdminApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    AdminApi::openapi()
}

/// The security scheme every admin path requires.
pub struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some("个人 API 令牌（gst_…），在 /admin/tokens 生成".into());
        components.add_security_scheme("bearer_token", SecurityScheme::Http(http));
    }
}

/// An error (RFC 9457 problem details), `application/problem+json`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    #[schema(rename = "type")]
    pub kind: String,
    /// In Chinese, e.g. 没有权限
    pub title: String,
    pub status: u16,
    /// Per-field messages of a 422 (and of a 409 for a code or name in use)
    pub errors: Option<Vec<FieldErrorSchema>>,
    /// For a 500: quote it to the administrator
    pub error_id: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FieldErrorSchema {
    /// The request field, e.g. `code` or `completers[0].workload`; for an imported file, its
    /// column, e.g. 申报条件
    pub field: String,
    /// In Chinese; for an imported file it begins with the row, e.g. 第3行 申报条件：…
    pub message: String,
}

/// A unit's kind, from the kinds the units module knows; `province` only for the root, which
/// stays what it is (so does every other unit: asking to make one the province keeps its kind).
fn unit_kind(with_province: bool) -> utoipa::openapi::Object {
    let kinds = KINDS.iter().map(|(code, _)| *code).filter(|code| with_province || *code != "province");
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(kinds)).build()
}

fn child_unit_kind() -> utoipa::openapi::Object {
    unit_kind(false)
}

fn any_unit_kind() -> utoipa::openapi::Object {
    unit_kind(true)
}

/// A new unit below `parent_id`. Text is trimmed before it is checked (a name must not be
/// blank); blank optional fields are stored as absent. A code already in use answers 409.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewUnitSchema {
    /// The unit it belongs to (one the caller may create units in)
    pub parent_id: i32,
    /// A kind below the province
    #[schema(schema_with = child_unit_kind)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetailsSchema,
}

/// A unit's details and contacts; its place in the tree does not change.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UnitChangeSchema {
    #[schema(schema_with = any_unit_kind)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetailsSchema,
}

/// What a unit is called and how objections reach it, as created and as changed.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UnitDetailsSchema {
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 20)]
    pub short_name: Option<String>,
    /// Stored in upper case, e.g. `WW-LZ`
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    #[schema(max_length = 40)]
    pub contact_person: Option<String>,
    #[schema(max_length = 40, pattern = r"^\s*[0-9+() （）转,，、-]*\s*$")]
    pub contact_phone: Option<String>,
    #[schema(max_length = 100, pattern = r"^\s*([^@\s]+@[^\s.]\S*\.\S*[^\s.])?\s*$")]
    pub contact_email: Option<String>,
    #[schema(max_length = 200)]
    pub contact_address: Option<String>,
}

/// A unit.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UnitSchema {
    pub id: i32,
    pub parent_id: Option<i32>,
    /// province, city, new_area, industry, organs, enterprise, county, grassroots_group, applicant
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A unit in tree order.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TreeRowSchema {
    pub unit: UnitSchema,
    /// Depth below the first listed unit
    pub depth: usize,
    pub kind_label: String,
}

/// A project's own row.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProjectSchema {
    pub id: i32,
    pub campaign_id: i32,
    pub applicant_unit_id: i32,
    pub holder_unit_id: i32,
    /// 申报编号
    pub import_key: String,
    pub name: String,
    pub key_technology: String,
    /// 1..=5
    pub eligibility: i32,
    pub exclusions_declared: bool,
    pub proposed_grade: Option<String>,
    pub summary: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A project with its ordered lists. Completers' `phone` and `id_number` are filled only for
/// the admins of the unit holding the project (each such answer is recorded in the audit log);
/// for everyone else they are `null`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProjectRecordSchema {
    pub project: ProjectSchema,
    /// `{id, project_id, position, name}` in order
    pub units: Vec<serde_json::Value>,
    /// `{id, project_id, position, name, work_unit, job_title, contribution, workload, phone, id_number}`;
    /// `phone` and `id_number` are `null` unless the caller is an admin of the holding unit
    pub completers: Vec<serde_json::Value>,
    /// `{id, project_id, position, kind, title, reference}`
    pub ip_items: Vec<serde_json::Value>,
}
