//! One error type for the whole application. It knows nothing of HTTP: `web::errors` maps it to
//! responses in exactly one place (a Chinese HTML page for pages, problem+json for `/api/`).
use serde::Serialize;
use std::fmt;

/// A message about one input field: `field` as the request names it (the JSON field `code`, a
/// form field, or a file's column 项目名称), `message` in Chinese (`第7行 项目名称：不能为空`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = FieldErrorSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The errors as a page shows them. The API names each field as its JSON does (`code`); a
/// page names it by the label beside the input (单位代码). Names without a label stay.
#[must_use]
pub fn labelled(errors: Vec<FieldError>, labels: &[(&str, &str)]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| match labels.iter().find(|(field, _)| *field == e.field) {
            Some((_, label)) => FieldError::new(*label, e.message),
            None => e,
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("页面不存在")]
    NotFound,
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限")]
    Forbidden,
    /// Refused whoever asks in this way, with the reason said (403).
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("输入有误")]
    Validation(Vec<FieldError>),
    /// Well-formed input naming what another record already has (a unit code, a username).
    #[error("已被使用")]
    Taken(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the state of things (e.g. the notice has closed).
    #[error("{message}")]
    Conflict { message: String, detail: Option<serde_json::Value> },
    /// Refused for now by a limit on how often (sign-ins, filings); may try again later.
    #[error("请求过于频繁，请{retry_after_secs}秒后再试")]
    Throttled { retry_after_secs: u64 },
    /// Over a size limit (an upload, a body, a workbook).
    #[error("请求内容过大")]
    TooLarge,
    /// Something broke inside. The cause is logged under `error_id`; the user sees only the id.
    #[error("服务器内部错误")]
    Internal { error_id: String },
}

impl AppError {
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), detail: None }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn taken(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Taken(vec![FieldError::new(field, message)])
    }

    /// A code read from the database that this version does not know (a corrupt row, or one
    /// written by a newer version): logged and refused, never guessed at.
    pub fn unknown_stored(what: &str, value: impl fmt::Display) -> Self {
        Self::internal(format!("unknown stored {what}: «{value}»"))
    }

    /// Logs the cause with a fresh id and hides it from the response.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let error_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!(error_id = %error_id, "internal error: {cause}");
        Self::Internal { error_id }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let sea_orm::DbErr::RecordNotFound(_) = e {
            return Self::NotFound;
        }
        // PostgreSQL refuses text longer than a column holds (SQLSTATE 22001); the fields are
        // checked before they get here, so this is the net under one that was missed.
        if e.to_string().contains("value too long for type") {
            tracing::warn!(error = %e, "input longer than its column");
            return Self::invalid("", "有一项内容过长，请缩短后重试");
        }
        // PostgreSQL cannot store a NUL in text (SQLSTATE 22021); the forms refuse control
        // characters, and this is the net under any field that does not.
        if e.to_string().contains("invalid byte sequence for encoding") {
            tracing::warn!(error = %e, "input the database cannot store");
            return Self::invalid("", "内容中含有无法保存的字符（如 NUL），请删除后重试");
        }
        Self::internal(e)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// Pages return this: an [`AppError`] rendered as HTML.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// API handlers return this: an [`AppError`] rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}
impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}
impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
pub type AppResult<T> = Result<T, AppError>;
pub type PageResult<T> = Result<T, PageError>;
pub type ApiResult<T> = Result<T, ApiError>;
