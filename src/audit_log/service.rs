//! Reading the audit log within what the actor may audit.
use super::{Entry, Filter, Listing, PAGE_SIZE};
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, AppResult};
use entity::{audit_log, units, users};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};

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
    // Only the names this page shows.
    let user_ids: BTreeSet<i32> = rows.iter().filter_map(|r| r.user_id).collect();
    let unit_ids: BTreeSet<i32> = rows.iter().filter_map(|r| r.unit_id).collect();
    let user_names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username)))
        .collect();
    let unit_names: HashMap<i32, String> = units::Entity::find()
        .filter(units::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
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
