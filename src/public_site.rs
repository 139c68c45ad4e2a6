//! The public front page. Notices, units and campaigns add their own pages in their modules.
use crate::error::PageResult;
use crate::startup::AppState;
use crate::web::templates::render;
use actix_web::HttpResponse;
use actix_web::web::{Data, ServiceConfig, get};
use serde::Serialize;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/", get().to(home));
}

#[derive(Serialize)]
struct HomePage {
    title: &'static str,
}

async fn home(_state: Data<AppState>) -> PageResult<HttpResponse> {
    let body = render("home.html", &HomePage { title: "公示" })?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body))
}
