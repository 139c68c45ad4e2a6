//! The bottom of the web layer, shared by every page and API handler: the application state,
//! the staff page shell, the signed-in actor and the session, templates, static assets,
//! security headers and middleware, error responses and health checks. Nothing here imports
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
pub mod security;
pub mod session;
pub mod shell;
pub mod staff_routes;
pub mod templates;

pub use app_state::AppState;

#[must_use]
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
