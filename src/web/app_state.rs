//! The application state every handler reaches: the database, the clock, settings, keys and
//! the shared rate limits. It sits at the bottom of the web layer so pages, the API and the
//! middleware can all hold it without importing the server that builds it.
use crate::clock::SharedClock;
use crate::secrets::Secrets;
use crate::settings::Settings;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub secrets: Arc<Secrets>,
    /// Rate limits shared by every worker (login, objection submission, look-ups).
    pub limits: Arc<crate::web::security::Limits>,
    /// The staff routes the router registered (the navigation shows only those).
    pub staff_routes: &'static super::staff_routes::StaffRoutes,
    /// The movable clock, when the server runs with `--test-clock`.
    pub test_clock: Option<crate::clock::ManualClock>,
    /// What `GET /metrics` reports.
    pub metrics: Arc<super::metrics::Metrics>,
    /// Where mail is posted; closed when no SMTP server is configured.
    pub mail: crate::mail::Postbox,
}

impl AppState {
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
