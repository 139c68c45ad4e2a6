//! Every route of the application, in one place.
use crate::web;
use actix_web::web::{ServiceConfig, get};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/healthz", get().to(web::health::healthz)).route("/static/{file}", get().to(web::assets::serve));
    crate::public_site::routes(cfg);
    crate::projects::routes(cfg);
}
