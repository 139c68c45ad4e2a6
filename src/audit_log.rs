//! The audit log, browsable: a unit admin sees what was done in their unit, a province admin
//! sees everything.
use crate::access::{Action, Actor, policy};
use crate::error::{ApiResult, AppError, AppResult, PageResult};
use crate::web::AppState;
use crate::web::shell::render;
use actix_web::web::{Data, Json, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::{audit_log, units, users};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

/// # Errors
/// `Forbidden` for roles without the audit log; validation for a page below 1; database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor, filter: &Filter) -> AppResult<Listing> {
    policy::require_role(actor, Action::ViewAudit)?;
    let wanted = u64::try_from(filter.page.unwrap_or(1)).ok().filter(|p| *p >= 1);
    let wanted = wanted.ok_or_else(|| AppError::invalid("page", "页码从1开始"))?;
    let scope = policy::scope(db, actor, Action::ViewAudit).await?;
    let mut query = audit_log::Entity::find().filter(scope.condition(audit_log::Column::UnitId));
    if let Some(unit) = filter.unit {
        query = query.filter(audit_log::Column::UnitId.eq(unit));
    }
    if let Some(action) = filter.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::Column::Action.starts_with(action));
    }
    let paginator = query.order_by_desc(audit_log::Column::Id).paginate(db, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let page = wanted.min(counts.number_of_pages.max(1));
    let rows = paginator.fetch_page(page - 1).await?;
    let user_names: HashMap<i32, String> = users::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username)))
        .collect();
    let unit_names: HashMap<i32, String> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let entries = rows
        .into_iter()
        .map(|r| Entry {
            id: r.id,
            at_zh: crate::china_time::datetime_zh(r.at),
            at: r.at,
            user: r.user_id.and_then(|id| user_names.get(&id).cloned()),
            unit: r.unit_id.and_then(|id| unit_names.get(&id).cloned()),
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            detail: r.detail,
            ip: r.ip,
        })
        .collect();
    Ok(Listing { entries, page, pages: counts.number_of_pages.max(1), total: counts.number_of_items })
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    listing: Listing,
    filter: Filter,
    prev: Option<String>,
    next: Option<String>,
}

fn page_link(filter: &Filter, page: u64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(unit) = filter.unit {
        q.append_pair("unit", &unit.to_string());
    }
    if let Some(action) = &filter.action {
        q.append_pair("action", action);
    }
    q.append_pair("page", &page.to_string());
    format!("/admin/audit?{}", q.finish())
}

pub async fn page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    filter: Query<Filter>,
) -> PageResult<HttpResponse> {
    let filter = filter.into_inner();
    let listing = list(&state.db, &actor, &filter).await?;
    let prev = (listing.page > 1).then(|| page_link(&filter, listing.page - 1));
    let next = (listing.page < listing.pages).then(|| page_link(&filter, listing.page + 1));
    let page = Page { title: "操作日志", listing, filter, prev, next };
    Ok(render(&req, &actor, "admin/audit.html", &page)?)
}

/// The audit log of the units the caller may audit, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("bearer_token" = [])),
    params(Filter),
    responses((status = 200, body = Listing), (status = 403, body = crate::web::errors::Problem)))]
pub async fn api(state: Data<AppState>, actor: Actor, filter: Query<Filter>) -> ApiResult<Json<Listing>> {
    Ok(Json(list(&state.db, &actor, &filter).await?))
}
