//! The staff home page: who you are, your unit, and where to go next.
use crate::access::Actor;
use crate::error::PageResult;
use crate::web::AppState;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use entity::units;
use serde::Serialize;

#[derive(Serialize)]
struct Dashboard {
    title: &'static str,
    unit: units::Model,
    user_count: u64,
    project_count: u64,
}

pub async fn dashboard(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let (unit, user_count, project_count) = super::service::workbench(&state.db, actor.unit_id).await?;
    let page = Dashboard { title: "工作台", unit, user_count, project_count };
    Ok(crate::web::shell::render(&req, &actor, "admin/dashboard.html", &page)?)
}
