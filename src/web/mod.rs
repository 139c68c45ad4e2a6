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
    if is_api_path(routed_path(&req)) {
        let allowed = crate::openapi::methods_of(routed_path(&req)).filter(|m| !m.is_empty());
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

/// The path as the router matches it: percent-encoded unreserved characters decoded
/// (`/%61pi/…` is `/api/…`). Every decision on what kind of path a request has — API or
/// page, staff or public — reads this, never the raw `req.path()`, or a request could be
/// routed as one kind and checked as another.
#[must_use]
pub fn routed_path(req: &HttpRequest) -> &str {
    req.match_info().as_str()
}

/// Whether `path` (as [`routed_path`] gives it) is under `/api`.
#[must_use]
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
