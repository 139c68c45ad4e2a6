//! The public JSON API (`/api/v1/…`) and its OpenAPI document; docs/OBJECTIONS.md keeps it stable.
use crate::{campaigns, notices, objections, openapi, reports, subscriptions};
use actix_web::web::{ServiceConfig, get, post};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/api/openapi.json", get().to(openapi::serve))
        .route("/api/v1/campaigns/{code}", get().to(campaigns::api::get))
        .route("/api/v1/notices", get().to(notices::api::list))
        .route("/api/v1/notices/{id}", get().to(notices::api::detail))
        .route("/api/v1/notices/{id}/objections", post().to(objections::api::file))
        .route("/api/v1/objections/{code}", get().to(objections::api::find))
        .route("/api/v1/receipts/verify", post().to(objections::api::verify))
        .route("/api/v1/reports/{code}", get().to(reports::api::detail))
        .route("/api/v1/subscriptions", post().to(subscriptions::api::ask))
        .route("/api/v1/subscriptions/manage", post().to(subscriptions::api::manage));
}
