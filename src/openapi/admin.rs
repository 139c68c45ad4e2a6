//! The admin API's part of `/api/openapi.json`: units, users, API tokens, the audit log and
//! projects under `/api/v1/admin`, all authenticated with `Authorization: Bearer <token>`
//! (security scheme `bearer_token`, which other modules' admin paths reference too).
//!
//! Types that are sent and received as they are derive `ToSchema` where they live; the rows
//! read straight from the database are described by `*Schema` shapes beside their module's API
//! (`units::api_schema`, `projects::api_schema`).
use crate::projects::api_schema::{ProjectRecordSchema, ProjectSchema};
use crate::units::api_schema::{TreeRowSchema, UnitSchema};
use crate::web::errors::{FieldErrorSchema, Problem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::units::api::list,
        crate::units::api::get,
        crate::units::api::create,
        crate::units::api::update,
        crate::users::api::list,
        crate::users::api::get,
        crate::users::api::create,
        crate::users::api::update,
        crate::users::api::reset_password,
        crate::tokens::api_list,
        crate::tokens::api_create,
        crate::tokens::api_revoke,
        crate::audit_log::api,
        crate::projects::staff_api::list,
        crate::projects::staff_api::get,
        crate::projects::staff_api::create,
        crate::projects::staff_api::update,
        crate::imports::api::import_file,
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
