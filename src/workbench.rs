//! The staff home page: who you are, your unit, the handling and submission deadlines coming
//! up, the projects recommended to the unit lately and the reports under them that stopped
//! standing, and webhook endpoints disabled for failing: everything the reminders tell, whether
//! or not by e-mail. It sits above the modules whose facts it puts side by side.
use crate::access::Actor;
use crate::error::PageResult;
use crate::objections::reminders::{Deadlines, deadlines_of_unit};
use crate::progress::reminders::{ComingDeadline, coming_for_unit};
use crate::recommendations::notify::{Received, received_since};
use crate::reports::alerts::{Alert, of_unit_since};
use crate::web::AppState;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
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
    /// Projects units below recommended to this one in the last week.
    received: Vec<Received>,
    /// Reports under this unit's recommendations that stopped standing, in the last month.
    alerts: Vec<Alert>,
    /// The unit's webhook endpoints disabled after a day of failures.
    failed_webhooks: Vec<crate::webhooks::service::EndpointView>,
}

pub async fn dashboard(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let (unit, user_count, project_count) = crate::units::service::workbench(&state.db, actor.unit_id).await?;
    let deadlines = deadlines_of_unit(&state.db, actor.unit_id, state.now()).await?;
    let now = state.now();
    let submissions = coming_for_unit(&state.db, actor.unit_id, now).await?;
    let received = received_since(&state.db, actor.unit_id, now - Duration::days(7)).await?;
    let alerts = of_unit_since(&state.db, actor.unit_id, now - Duration::days(30)).await?;
    let failed_webhooks = crate::webhooks::service::failed_of_unit(&state.db, actor.unit_id).await?;
    let page = Dashboard {
        title: "工作台",
        unit,
        user_count,
        project_count,
        deadlines,
        submissions,
        received,
        alerts,
        failed_webhooks,
    };
    Ok(crate::web::shell::render(&req, &actor, "admin/dashboard.html", &page)?)
}
