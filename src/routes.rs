//! Every route of the application, in one place.
use crate::web;
use actix_web::web::{ServiceConfig, get};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/healthz", get().to(web::health::healthz)).route("/static/{file}", get().to(web::assets::serve));
    crate::public_site::routes(cfg);
    crate::test_clock::routes(cfg);
    crate::notices::routes(cfg);
    crate::feeds::routes(cfg);
    crate::openapi::routes(cfg);
    crate::projects::routes(cfg);
    crate::objections::routes(cfg);
    crate::transparency::routes(cfg);
    crate::reports::routes(cfg);
    crate::accounts::routes(cfg);
    admin(&mut crate::access::AdminRoutes::new(cfg));
}

/// Every staff route (pages under `/admin`, API under `/api/v1/admin`). Registered through the
/// registrar so the authorisation matrix test can list them all: add one line per module.
pub fn admin(r: &mut crate::access::AdminRoutes) {
    crate::admin::routes(r);
    crate::notices::admin_routes(r);
    crate::accounts::handlers::admin_routes(r);
    crate::projects::admin::routes(r);
    crate::objections::admin_routes(r);
    crate::reports::admin_routes(r);
    crate::recommendations::admin_routes(r);
    crate::dashboard::admin_routes(r);
}
