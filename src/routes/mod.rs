//! Every route of the application, in one place: each surface in its own file, each path
//! beside the handler that answers it, grouped by prefix. A URL from a bug report leads here
//! first. Staff routes go through the [`registrar`] so the authorisation matrix test sees them.
//!
//! | file | surface |
//! |---|---|
//! | `public.rs` | public pages, feeds, static files, sign-in |
//! | `public_api.rs` | the public JSON API under `/api/` |
//! | `staff_pages.rs` | staff pages under `/admin` |
//! | `staff_api.rs` | the staff API under `/api/v1/admin` (bearer tokens) |
mod public;
mod public_api;
pub mod registrar;
mod staff_api;
mod staff_pages;

use crate::error::AppError;
use crate::web::{is_api_path, routed_path};
use actix_web::web::ServiceConfig;
use actix_web::{HttpRequest, HttpResponse};
pub use registrar::{AdminRoutes, staff_routes};

/// Registers every route on the application.
pub fn configure(cfg: &mut ServiceConfig) {
    public::configure(cfg);
    public_api::configure(cfg);
    staff(&mut AdminRoutes::new(cfg));
}

/// Every staff route: pages under `/admin`, API under `/api/v1/admin`.
pub fn staff(r: &mut AdminRoutes) {
    staff_pages::register(r);
    staff_api::register(r);
}

/// Unknown paths: problem+json under `/api/`, a Chinese 404 page elsewhere. A documented API
/// path asked with a method it does not answer gets 405 with `Allow`.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let path = routed_path(&req);
    if !is_api_path(path) {
        return AppError::NotFound.to_page_response();
    }
    let allowed = crate::openapi::methods_of(path).filter(|m| !m.is_empty());
    match allowed {
        Some(methods) if !methods.contains(&req.method().as_str()) && req.method() != actix_web::http::Method::HEAD => {
            crate::web::errors::method_not_allowed(&methods.join(", "))
        }
        _ => AppError::NotFound.to_problem_response(),
    }
}
