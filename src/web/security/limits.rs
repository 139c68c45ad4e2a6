//! Request size limits, set once for every extractor, with errors in our own format (no parser
//! messages, no internals) — problem+json under `/api/`, an error page elsewhere.
use crate::error::AppError;
use crate::web::is_api_path;
use actix_web::error::{JsonPayloadError, UrlencodedError};
use actix_web::{HttpRequest, web};

/// An ordinary form (login, user, unit, project fields).
pub const FORM_BYTES: usize = 256 * 1024;
/// A JSON body (API writes, a JSON project list).
pub const JSON_BYTES: usize = 2 * 1024 * 1024;
/// Raw bodies read as bytes or text.
pub const PAYLOAD_BYTES: usize = 2 * 1024 * 1024;
/// A whole multipart upload: an objection's five 10 MB files, or one import file.
pub const MULTIPART_BYTES: usize = 52 * 1024 * 1024;
/// Multipart text fields held in memory.
pub const MULTIPART_MEMORY_BYTES: usize = 1024 * 1024;
/// An import file (CSV, XLSX or JSON of projects).
pub const IMPORT_FILE_BYTES: usize = 10 * 1024 * 1024;

fn wrap(req: &HttpRequest, e: AppError) -> actix_web::Error {
    if is_api_path(crate::web::routed_path(req)) {
        crate::error::ApiError(e).into()
    } else {
        crate::error::PageError(e).into()
    }
}

#[must_use]
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_BYTES).error_handler(|err, req| {
        let e = match err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => AppError::TooLarge,
            JsonPayloadError::ContentType => AppError::BadRequest("请以 application/json 提交".into()),
            JsonPayloadError::Deserialize(e) if e.is_data() => AppError::BadRequest(format!("JSON 字段有误：{e}")),
            _ => AppError::BadRequest("JSON 格式有误".into()),
        };
        wrap(req, e)
    })
}

#[must_use]
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(FORM_BYTES).error_handler(|err, req| {
        let e = match err {
            UrlencodedError::Overflow { .. } => AppError::TooLarge,
            _ => AppError::BadRequest("表单内容有误，请返回重新填写".into()),
        };
        wrap(req, e)
    })
}

#[must_use]
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::default().limit(PAYLOAD_BYTES)
}

#[must_use]
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, req| wrap(req, AppError::NotFound))
}

#[must_use]
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_, req| wrap(req, AppError::BadRequest("查询参数有误".into())))
}

#[must_use]
pub fn multipart_config() -> actix_multipart::form::MultipartFormConfig {
    actix_multipart::form::MultipartFormConfig::default()
        .total_limit(MULTIPART_BYTES)
        .memory_limit(MULTIPART_MEMORY_BYTES)
        .error_handler(|err, req| {
            let e = match err {
                actix_multipart::MultipartError::Payload(_) => AppError::TooLarge,
                _ => AppError::BadRequest("上传内容有误".into()),
            };
            wrap(req, e)
        })
}

/// Registers every limit on the app.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(form_config())
        .app_data(payload_config())
        .app_data(path_config())
        .app_data(query_config())
        .app_data(multipart_config());
}
