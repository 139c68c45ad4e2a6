//! The audit log, browsable: a unit admin sees what was done in their unit, a province admin
//! sees everything. `service` reads it within the actor's scope; `pages` and `api` show it.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
pub mod service;

pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Only this unit (within what the actor may see).
    pub unit: Option<i32>,
    /// Actions starting with this, e.g. `user.` or `notice.publish`.
    pub action: Option<String>,
    /// From 1; past the last page, the last page.
    #[param(minimum = 1)]
    pub page: Option<i32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub at_zh: String,
    pub user: Option<String>,
    pub unit: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Listing {
    pub entries: Vec<Entry>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}
