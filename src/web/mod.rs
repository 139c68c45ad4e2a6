//! The bottom of the web layer, shared by every page and API handler: the application state,
//! the staff page shell, the signed-in actor and the session, templates, static assets,
//! security headers and middleware, error responses, health checks and metrics. Nothing here imports
//! a business module or the router.
pub mod actor;
pub mod assets;
pub mod display;
pub mod errors;
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
pub mod app_state;
pub mod headers;
pub mod health;
pub mod integer;
pub mod metrics;
pub mod precomputed;
pub mod security;
pub mod session;
pub mod shell;
pub mod staff_routes;
pub mod templates;

pub use app_state::AppState;

/// The path as the router matches it: percent-encoded unreserved characters decoded
/// (`/%61pi/…` is `/api/…`). Every decision on what kind of path a request has — API or
/// page, staff or public — reads this, never the raw `req.path()`, or a request could be
/// routed as one kind and checked as another.
#[must_use]
pub fn routed_path(req: &actix_web::HttpRequest) -> &str {
    req.match_info().as_str()
}

/// Whether `path` (as [`routed_path`] gives it) is under `/api`.
#[must_use]
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
