//! Reading and writing units. Every function that acts for a staff member takes the [`Actor`]
//! and checks [`policy`] first, so pages and API share one decision.
use super::{UnitDraft, UnitInput};
use crate::access::tree::UnitTree;
use crate::access::{Action, Actor, policy};
use crate::audit;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::units;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

/// # Errors
/// `NotFound`; database failure.
pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<units::Model> {
    units::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// The unit with this code (单位代码), if any. Public pages and feeds filter by code.
///
/// # Errors
/// Database failure.
pub async fn find_by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<Option<units::Model>> {
    Ok(units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await?)
}

/// A unit on which the actor may do `action` (a form is shown only to who may submit it).
///
/// # Errors
/// `Forbidden` / `NotFound` as the policy decides; database failure.
pub async fn find_for<C: ConnectionTrait>(db: &C, actor: &Actor, action: Action, id: i32) -> AppResult<units::Model> {
    policy::require(db, actor, action, id).await?;
    find(db, id).await
}

/// A unit the actor may see.
///
/// # Errors
/// `NotFound` for a missing or hidden unit; database failure.
pub async fn find_visible<C: ConnectionTrait>(db: &C, actor: &Actor, id: i32) -> AppResult<units::Model> {
    policy::require(db, actor, Action::ViewUnit, id).await?;
    find(db, id).await
}

/// A unit in tree order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TreeRowSchema)]
pub struct TreeRow {
    pub unit: units::Model,
    /// Depth below the first listed unit
    pub depth: usize,
    pub kind_label: &'static str,
}

/// The units the actor may see, in tree order (parents before children, siblings by code).
///
/// # Errors
/// Database failure.
pub async fn visible_tree<C: ConnectionTrait>(db: &C, actor: &Actor) -> AppResult<Vec<TreeRow>> {
    let scope = policy::scope(db, actor, Action::ViewUnit).await?;
    let all = units::Entity::find().order_by_asc(units::Column::Code).all(db).await?;
    let visible: Vec<units::Model> = all.into_iter().filter(|u| scope.contains(u.id)).collect();
    let ids: Vec<i32> = visible.iter().map(|u| u.id).collect();
    let mut rows = Vec::with_capacity(visible.len());
    let roots: Vec<&units::Model> = visible.iter().filter(|u| u.parent_id.is_none_or(|p| !ids.contains(&p))).collect();
    for root in roots {
        push_subtree(&visible, root, 0, &mut rows)?;
    }
    Ok(rows)
}

fn push_subtree(all: &[units::Model], unit: &units::Model, depth: usize, out: &mut Vec<TreeRow>) -> AppResult<()> {
    if out.iter().any(|r| r.unit.id == unit.id) || depth > 32 {
        return Ok(());
    }
    out.push(TreeRow { unit: unit.clone(), depth, kind_label: super::kind_label(&unit.kind)? });
    for child in all.iter().filter(|u| u.parent_id == Some(unit.id)) {
        push_subtree(all, child, depth + 1, out)?;
    }
    Ok(())
}

/// The units in which the actor may do `action`, by name (for select boxes).
///
/// # Errors
/// Database failure.
pub async fn units_for<C: ConnectionTrait>(db: &C, actor: &Actor, action: Action) -> AppResult<Vec<units::Model>> {
    let scope = policy::scope(db, actor, action).await?;
    Ok(units::Entity::find()
        .filter(scope.condition(units::Column::Id))
        .order_by_asc(units::Column::Code)
        .all(db)
        .await?)
}

async fn code_taken<C: ConnectionTrait>(db: &C, code: &str, except: Option<i32>) -> AppResult<bool> {
    let found = units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await?;
    Ok(found.is_some_and(|u| Some(u.id) != except))
}

fn apply(row: &mut units::ActiveModel, d: &UnitDraft) {
    row.kind = Set(d.kind.clone());
    row.name = Set(d.name.clone());
    row.short_name = Set(d.short_name.clone());
    row.code = Set(d.code.clone());
    row.contact_person = Set(d.contact_person.clone());
    row.contact_phone = Set(d.contact_phone.clone());
    row.contact_email = Set(d.contact_email.clone());
    row.contact_address = Set(d.contact_address.clone());
}

/// Creates a unit below `input.parent_id` (province admins only).
///
/// # Errors
/// `Forbidden`/`NotFound` from the policy; validation; `Taken` for a code in use; database failure.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &UnitInput,
    now: DateTime<Utc>,
) -> AppResult<units::Model> {
    let parent_id = input.parent_id.ok_or_else(|| AppError::invalid("parent_id", "请选择上级单位"))?;
    policy::require(db, actor, Action::CreateUnit, parent_id).await?;
    let draft = input.validate()?;
    if draft.kind == "province" {
        return Err(AppError::invalid("kind", "省总工会只能是最上级单位").relabelled(super::FIELD_LABELS));
    }
    let txn = crate::db::begin_write(db).await?;
    if code_taken(&txn, &draft.code, None).await? {
        return Err(
            AppError::taken("code", format!("“{}”已被其他单位使用", draft.code)).relabelled(super::FIELD_LABELS)
        );
    }
    let mut row = units::ActiveModel { parent_id: Set(Some(parent_id)), created_at: Set(now), ..Default::default() };
    apply(&mut row, &draft);
    let unit = row.insert(&txn).await?;
    let entry = audit::AuditEntry {
        unit_id: Some(parent_id),
        detail: Some(format!("{}（{}）", unit.name, unit.code)),
        ..actor.audit("unit.create", "unit", Some(unit.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(unit)
}

/// Changes a unit's details and contacts. Its place in the tree and, for the province, its
/// kind stay as they are.
///
/// # Errors
/// `Forbidden`/`NotFound` from the policy; validation; `Taken` for a code in use; database failure.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    input: &UnitInput,
    now: DateTime<Utc>,
) -> AppResult<units::Model> {
    policy::require(db, actor, Action::EditUnit, id).await?;
    let mut draft = input.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let unit = find(&txn, id).await?;
    if unit.kind == "province" || draft.kind == "province" {
        draft.kind = unit.kind.clone();
    }
    if code_taken(&txn, &draft.code, Some(id)).await? {
        return Err(
            AppError::taken("code", format!("“{}”已被其他单位使用", draft.code)).relabelled(super::FIELD_LABELS)
        );
    }
    let mut row: units::ActiveModel = unit.into();
    apply(&mut row, &draft);
    let unit = row.update(&txn).await?;
    let entry = audit::AuditEntry {
        unit_id: Some(unit.id),
        detail: Some(format!("{}（{}）", unit.name, unit.code)),
        ..actor.audit("unit.update", "unit", Some(unit.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(unit)
}

/// The chain of names from the root down to the unit, e.g. 甘肃省总工会 › 武威市总工会.
///
/// # Errors
/// Database failure.
pub async fn path_names<C: ConnectionTrait>(db: &C, unit: &units::Model) -> AppResult<Vec<String>> {
    let tree = UnitTree::load(db).await?;
    let mut ids = tree.ancestors(unit.id);
    ids.reverse();
    let rows = units::Entity::find().filter(units::Column::Id.is_in(ids.clone())).all(db).await?;
    Ok(ids.iter().filter_map(|id| rows.iter().find(|u| u.id == *id).map(|u| u.name.clone())).collect())
}

/// One unit as its page shows it: where it sits, the units below it, how many accounts it has,
/// and what the actor may do with it.
#[derive(Debug, Serialize)]
pub struct UnitOverview {
    pub unit: units::Model,
    pub path: Vec<String>,
    pub children: Vec<units::Model>,
    pub user_count: u64,
    pub can_edit: bool,
    pub can_create_child: bool,
}

/// # Errors
/// `NotFound` for a missing or hidden unit; database failure.
pub async fn overview(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<UnitOverview> {
    use sea_orm::PaginatorTrait;
    let unit = find_visible(db, actor, id).await?;
    let path = path_names(db, &unit).await?;
    let children = units::Entity::find().filter(units::Column::ParentId.eq(unit.id)).all(db).await?;
    let user_count = entity::users::Entity::find().filter(entity::users::Column::UnitId.eq(unit.id)).count(db).await?;
    let can_edit = policy::require(db, actor, Action::EditUnit, unit.id).await.is_ok();
    let can_create_child = policy::require(db, actor, Action::CreateUnit, unit.id).await.is_ok();
    Ok(UnitOverview { unit, path, children, user_count, can_edit, can_create_child })
}

/// The actor's own unit for the staff home page, with how many accounts it has and how many
/// projects it holds.
///
/// # Errors
/// `NotFound` for an unknown unit; database failure.
pub async fn workbench(db: &DatabaseConnection, unit_id: i32) -> AppResult<(units::Model, u64, u64)> {
    use sea_orm::PaginatorTrait;
    let unit = units::Entity::find_by_id(unit_id).one(db).await?.ok_or(AppError::NotFound)?;
    let users = entity::users::Entity::find().filter(entity::users::Column::UnitId.eq(unit_id)).count(db).await?;
    let projects =
        entity::projects::Entity::find().filter(entity::projects::Column::HolderUnitId.eq(unit_id)).count(db).await?;
    Ok((unit, users, projects))
}
