//! The staff home page: who you are, your unit, and where to go next.
use crate::access::Actor;
use crate::error::PageResult;
use crate::web::AppState;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use entity::{projects, units, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

#[derive(Serialize)]
struct Dashboard {
    title: &'static str,
    unit: units::Model,
    user_count: u64,
    project_count: u64,
}

pub async fn dashboard(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let unit =
        units::Entity::find_by_id(actor.unit_id).one(&state.db).await?.ok_or(crate::error::AppError::NotFound)?;
    let user_count = users::Entity::find().filter(users::Column::UnitId.eq(actor.unit_id)).count(&state.db).await?;
    let project_count =
        projects::Entity::find().filter(projects::Column::HolderUnitId.eq(actor.unit_id)).count(&state.db).await?;
    let page = Dashboard { title: "工作台", unit, user_count, project_count };
    Ok(crate::web::shell::render(&req, &actor, "admin/dashboard.html", &page)?)
}
