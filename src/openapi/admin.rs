//! The admin API's part of `/api/openapi.json`: units, users, API tokens, the audit log and
//! projects under `/api/v1/admin`, all authenticated with `Authorization: Bearer <token>`
//! (security scheme `bearer_token`, which other modules' admin paths reference too).
//!
//! Every type sent or received derives `ToSchema` where it lives, the rows read straight from
//! the database included (the `entity` crate's `utoipa` feature). Some keep the component name
//! the document has always given them (`#[schema(as = UnitSchema)]`).
use crate::error::FieldError;
use crate::web::errors::Problem;
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
        crate::tokens::api::api_list,
        crate::tokens::api::api_create,
        crate::tokens::api::api_revoke,
        crate::audit_log::api::list,
        crate::mail_log::api::list,
        crate::accounts::api::get,
        crate::accounts::api::put,
        crate::projects::staff_api::list,
        crate::projects::staff_api::get,
        crate::projects::staff_api::create,
        crate::projects::staff_api::update,
        crate::projects::staff_api::review_grade,
        crate::imports::api::import_file,
        crate::campaigns::staff_api::list,
        crate::campaigns::staff_api::get,
        crate::campaigns::staff_api::create,
        crate::campaigns::staff_api::update,
        crate::campaigns::staff_api::delete,
        crate::campaigns::staff_api::copy,
        crate::recommendations::staff_api::package_api,
        crate::recommendations::staff_api::package_pdf_api,
        crate::recommendations::staff_api::package_zip_api,
    ),
    components(schemas(
        Problem,
        FieldError,
        entity::units::Model,
        crate::units::service::TreeRow,
        entity::projects::Model,
        entity::review_grades::Model,
        crate::projects::service::ProjectRecord,
        crate::projects::CompleterDraft,
        crate::campaigns::input::CampaignInput,
        crate::campaigns::service::CampaignSummary,
        crate::recommendations::staff_api::PackageContents,
        crate::recommendations::staff_api::LeftOutProject,
        crate::mail_log::service::DeliveryLog,
        crate::mail_log::service::Delivery,
        crate::mail_log::service::DeliveryCounts,
        crate::accounts::notifications::NotificationPreferences
    )),
    modifiers(&BearerToken),
    tags((name = "admin", description = "工作人员管理接口：单位、用户、令牌、操作日志、项目、征集活动、报送材料（Bearer 令牌认证）"))
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
