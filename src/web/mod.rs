//! What every page and API shares: templates, static assets, security headers, the error pages,
//! health checks and the fallback for unknown paths.
pub mod assets;
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
pub mod headers;
pub mod health;
pub mod integer;
pub mod templates;

use crate::error::AppError;
use actix_web::{HttpRequest, HttpResponse};

/// Unknown paths: problem+json under `/api/`, a Chinese 404 page elsewhere. A documented API
/// path asked with a method it does not answer gets 405 with `Allow`.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if is_api_path(req.path()) {
        let allowed = crate::openapi::methods_of(req.path()).filter(|m| !m.is_empty());
        match allowed {
            Some(methods)
                if !methods.contains(&req.method().as_str()) && req.method() != actix_web::http::Method::HEAD =>
            {
                AppError::MethodNotAllowed { allow: methods.join(", ") }.to_problem_response()
            }
            _ => AppError::NotFound.to_problem_response(),
        }
    } else {
        AppError::NotFound.to_page_response()
    }
}

#[must_use]
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
