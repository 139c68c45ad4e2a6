//! Every staff route goes through [`AdminRoutes`], which records its method and pattern. The
//! authorisation matrix test walks that record and fails for any route it has no entry for,
//! and a request under `/admin` or `/api/v1/admin` that matches no recorded route answers 404
//! ([`refuse_unlisted`]), so no staff route can slip past the test.
use crate::web::staff_routes::{RouteEntry, StaffRoutes, is_admin_path};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Responder};
use std::sync::LazyLock;

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

    pub fn delete<F, Args>(&mut self, pattern: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, pattern, handler)
    }
}

/// Every staff route the application registers.
#[must_use]
pub fn staff_routes() -> &'static StaffRoutes {
    static REGISTERED: LazyLock<StaffRoutes> = LazyLock::new(|| {
        let mut r = AdminRoutes::listing();
        super::staff(&mut r);
        StaffRoutes::new(r.entries)
    });
    &REGISTERED
}

/// Middleware: a request under a staff prefix whose method and route did not come through the
/// registrar is answered 404, so an unlisted (and so untested) staff route cannot be reached.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn refuse_unlisted(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if is_admin_path(crate::web::routed_path(req.request())) {
        let method = req.method().as_str();
        let known = req.match_pattern().is_some_and(|p| staff_routes().knows(method, &p));
        if !known {
            let res = super::not_found(req.request().clone()).await;
            return Ok(req.into_response(res).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}
