//! Every staff route goes through [`AdminRoutes`], which records its method and pattern. The
//! authorisation matrix test lists the record and fails for any route it has no entry for, and
//! a route under `/admin` or `/api/v1/admin` that bypassed the registrar answers 404 (see
//! [`gate`]), so no staff route can slip past the test.
//!
//! ```ignore
//! pub fn admin_routes(r: &mut AdminRoutes) {
//!     r.get("/admin/notices", list)
//!      .post("/admin/notices/{id}/publish", publish)
//!      .get("/api/v1/admin/notices", api_list);
//! }
//! ```
//! and one line in `crate::routes::admin`.
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Responder};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// One registered staff route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteEntry {
    pub method: String,
    pub pattern: String,
}

/// Path prefixes reserved for staff routes.
pub const ADMIN_PREFIXES: [&str; 2] = ["/admin", "/api/v1/admin"];

#[must_use]
pub fn is_admin_path(path: &str) -> bool {
    ADMIN_PREFIXES.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// Registers staff routes on a [`ServiceConfig`], or only lists them.
pub struct AdminRoutes<'a> {
    cfg: Option<&'a mut ServiceConfig>,
    entries: Vec<RouteEntry>,
}

impl<'a> AdminRoutes<'a> {
    #[must_use]
    pub fn new(cfg: &'a mut ServiceConfig) -> Self {
        Self { cfg: Some(cfg), entries: Vec::new() }
    }

    /// A registrar that records without registering: for listing the routes.
    #[must_use]
    pub fn listing() -> AdminRoutes<'static> {
        AdminRoutes { cfg: None, entries: Vec::new() }
    }

    #[must_use]
    pub fn entries(&self) -> &[RouteEntry] {
        &self.entries
    }

    /// Registers `handler` for `method` on `pattern` (which must start with `/admin` or
    /// `/api/v1/admin`).
    pub fn route<F, Args>(&mut self, method: Method, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        debug_assert!(is_admin_path(pattern), "{pattern} is not under /admin or /api/v1/admin");
        self.entries.push(RouteEntry { method: method.to_string(), pattern: pattern.to_owned() });
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.route(pattern, web::method(method).to(handler));
        }
        self
    }

    pub fn get<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::GET, pattern, handler)
    }

    pub fn post<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::POST, pattern, handler)
    }

    pub fn put<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PUT, pattern, handler)
    }

    pub fn patch<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PATCH, pattern, handler)
    }

    pub fn delete<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, pattern, handler)
    }
}

/// Every staff route the application registers, sorted.
#[must_use]
pub fn all() -> Vec<RouteEntry> {
    REGISTERED.iter().cloned().collect()
}

static REGISTERED: LazyLock<BTreeSet<RouteEntry>> = LazyLock::new(|| {
    let mut r = AdminRoutes::listing();
    crate::routes::admin(&mut r);
    r.entries.into_iter().collect()
});

/// Whether a GET page at exactly `path` is registered (the admin navigation shows only those).
#[must_use]
pub fn has_page(path: &str) -> bool {
    REGISTERED.iter().any(|e| e.method == "GET" && e.pattern == path)
}

/// Middleware: a request under a staff prefix whose method and route did not come through the
/// registrar is answered 404, so an unlisted (and so untested) staff route cannot be reached.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if is_admin_path(crate::web::routed_path(req.request())) {
        let pattern = req.match_pattern();
        let method = req.method().as_str();
        let known = pattern
            .as_deref()
            .is_some_and(|p| REGISTERED.iter().any(|e| e.pattern == p && (e.method == method || method == "HEAD")));
        if !known {
            let res = crate::web::not_found(req.request().clone()).await;
            return Ok(req.into_response(res).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_prefixes_match_whole_segments() {
        assert!(is_admin_path("/admin"));
        assert!(is_admin_path("/admin/users/3"));
        assert!(is_admin_path("/api/v1/admin/units"));
        assert!(!is_admin_path("/administrator"));
        assert!(!is_admin_path("/api/v1/notices"));
    }
}
