//! The staff home page: who you are, your unit, the handling and submission deadlines coming
//! up, and where to go next. It sits above `units`, `objections` and `progress`, whose facts it
//! puts side by side.
use crate::access::Actor;
use crate::error::PageResult;
use crate::objections::reminders::{Deadlines, deadlines_of_unit};
use crate::progress::reminders::{ComingDeadline, coming_for_unit};
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
    /// The unit's open cases due within three days or past due, and the units below with
    /// cases past due: every reminder, whether or not it also went out by e-mail.
    deadlines: Deadlines,
    /// Submission deadlines the unit must meet within three days.
    submissions: Vec<ComingDeadline>,
}

pub async fn dashboard(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let (unit, user_count, project_count) = crate::units::service::workbench(&state.db, actor.unit_id).await?;
    let deadlines = deadlines_of_unit(&state.db, actor.unit_id, state.now()).await?;
    let submissions = coming_for_unit(&state.db, actor.unit_id, state.now()).await?;
    let page = Dashboard { title: "工作台", unit, user_count, project_count, deadlines, submissions };
    Ok(crate::web::shell::render(&req, &actor, "admin/dashboard.html", &page)?)
}
