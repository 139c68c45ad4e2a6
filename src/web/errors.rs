//! The one place an [`AppError`] becomes an HTTP response: pages get a Chinese HTML page with
//! the right status, `/api/` gets RFC 9457 `application/problem+json`.
use crate::error::{ApiError, AppError, FieldError, PageError};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

impl AppError {
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::ForbiddenBecause(_) => StatusCode::FORBIDDEN,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict { .. } | Self::Taken(_) => StatusCode::CONFLICT,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> String {
        match self {
            Self::Validation(_) => "输入有误，请修改后重试".to_owned(),
            Self::Taken(_) => "已被使用，请修改后重试".to_owned(),
            other => other.to_string(),
        }
    }

    /// The field errors as one line a person reads (the CLI prints them one per line).
    #[must_use]
    pub fn detail(&self) -> Option<String> {
        let errors = self.field_errors();
        (!errors.is_empty()).then(|| errors.iter().map(FieldError::sentence).collect::<Vec<_>>().join("；"))
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation(errors) | Self::Taken(errors) => errors,
            _ => &[],
        }
    }
}

/// An error (RFC 9457 problem details), `application/problem+json`: the body of every API error.
#[derive(Serialize, ToSchema)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// In Chinese, e.g. 没有权限
    title: String,
    status: u16,
    /// For a 422 (and a 409 for a code or name in use): every field's message in one line,
    /// each named by its Chinese label, e.g. 活动代码：应为1至32个字母…
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// Per-field messages of a 422 (and of a 409 for a code or name in use): `field` as the
    /// request named it, `label` as people read it
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    #[schema(value_type = Option<Vec<FieldError>>)]
    errors: &'a [FieldError],
    /// For a 500: quote it to the administrator
    #[serde(skip_serializing_if = "Option::is_none")]
    error_id: Option<&'a str>,
    /// A conflict's particulars, as further members beside the ones above.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    extensions: Option<&'a serde_json::Value>,
}

impl AppError {
    /// The problem+json response the API gives.
    #[must_use]
    pub fn to_problem_response(&self) -> HttpResponse {
        let problem = Problem {
            kind: "about:blank",
            title: self.title(),
            status: self.status().as_u16(),
            detail: self.detail(),
            errors: self.field_errors(),
            error_id: match self {
                Self::Internal { error_id } => Some(error_id),
                _ => None,
            },
            extensions: match self {
                Self::Conflict { detail, .. } => detail.as_ref(),
                _ => None,
            },
        };
        let mut res = HttpResponse::build(self.status());
        if let Self::Throttled { retry_after_secs } = self {
            res.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        res.content_type("application/problem+json").json(problem)
    }

    /// The HTML page a browser gets.
    #[must_use]
    pub fn to_page_response(&self) -> HttpResponse {
        let body = super::templates::render_error_page(
            self.status().as_u16(),
            &self.title(),
            self.field_errors(),
            match self {
                Self::Internal { error_id } => Some(error_id.as_str()),
                _ => None,
            },
        );
        let mut res = HttpResponse::build(self.status());
        if let Self::Throttled { retry_after_secs } = self {
            res.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        res.content_type("text/html; charset=utf-8").body(body)
    }
}

/// 405 for a path that exists but not for this method; `allow` lists the methods it answers.
/// An answer about HTTP itself, so it has no [`AppError`] variant.
#[must_use]
pub fn method_not_allowed(allow: &str) -> HttpResponse {
    let problem = Problem {
        kind: "about:blank",
        title: "该地址不支持这种请求方法".to_owned(),
        status: StatusCode::METHOD_NOT_ALLOWED.as_u16(),
        detail: None,
        errors: &[],
        error_id: None,
        extensions: None,
    };
    HttpResponse::build(StatusCode::METHOD_NOT_ALLOWED)
        .insert_header(("Allow", allow))
        .content_type("application/problem+json")
        .json(problem)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }
    fn error_response(&self) -> HttpResponse {
        self.0.to_page_response()
    }
}
impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }
    fn error_response(&self) -> HttpResponse {
        self.0.to_problem_response()
    }
}

impl From<tera::Error> for AppError {
    fn from(e: tera::Error) -> Self {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::internal(message)
    }
}
