//! User administration for a staff member: the policy check, the change and its audit record.
use super::{NewUserInput, UserUpdateInput, UserView};
use crate::access::{Action, Actor, Role, policy};
use crate::accounts::service::{self as accounts, NewUser, UserChange};
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{units, users};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::collections::HashMap;

fn parse_role(s: &str) -> AppResult<Role> {
    Role::parse(s).ok_or_else(|| AppError::invalid("role", "请选择角色"))
}

async fn unit_names(db: &DatabaseConnection) -> AppResult<HashMap<i32, String>> {
    Ok(units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.name)).collect())
}

async fn view(db: &DatabaseConnection, user: users::Model) -> AppResult<UserView> {
    let unit = units::Entity::find_by_id(user.unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    Ok(UserView::new(user, unit))
}

/// The users the actor may see (their unit's; the province's admins: all).
///
/// # Errors
/// Database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<UserView>> {
    policy::require_role(actor, Action::ViewUsers)?;
    let scope = policy::scope(db, actor, Action::ViewUsers).await?;
    let rows = match &scope {
        policy::Scope::All => accounts::list(db, None).await?,
        policy::Scope::Units(ids) => accounts::list(db, Some(ids)).await?,
    };
    let names = unit_names(db).await?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let unit = names.get(&u.unit_id).cloned().unwrap_or_default();
            UserView::new(u, unit)
        })
        .collect())
}

/// A user the actor may manage.
///
/// # Errors
/// `NotFound` for a missing or hidden user, `Forbidden` for one the actor sees but may not
/// manage; database failure.
pub async fn find_manageable(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<users::Model> {
    let user = accounts::find(db, id).await?;
    policy::require(db, actor, Action::ManageUsers, user.unit_id).await?;
    Ok(user)
}

/// # Errors
/// As [`find_manageable`].
pub async fn get(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<UserView> {
    let user = find_manageable(db, actor, id).await?;
    view(db, user).await
}

/// Creates an account in a unit the actor manages.
///
/// # Errors
/// Policy refusal; validation; database failure.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewUserInput,
    cheap: bool,
    now: DateTime<Utc>,
) -> AppResult<UserView> {
    policy::require(db, actor, Action::ManageUsers, input.unit_id).await?;
    let new = NewUser {
        unit_id: input.unit_id,
        username: input.username.clone(),
        display_name: input.display_name.clone(),
        role: parse_role(&input.role)?,
        password: input.password.clone(),
    };
    let txn = crate::db::begin_write(db).await?;
    let user = accounts::create(&txn, &new, cheap, now).await?;
    let entry = AuditEntry {
        unit_id: Some(user.unit_id),
        detail: Some(format!("{}（{}），{}", user.display_name, user.username, new.role.label())),
        ..actor.audit("user.create", "user", Some(user.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    view(db, user).await
}

/// Changes name, role and active state.
///
/// # Errors
/// Policy refusal; validation (incl. demoting or deactivating oneself); database failure.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    input: &UserUpdateInput,
    now: DateTime<Utc>,
) -> AppResult<UserView> {
    let user = find_manageable(db, actor, id).await?;
    let change = UserChange {
        display_name: input.display_name.clone(),
        role: parse_role(&input.role)?,
        is_active: input.is_active,
    };
    let txn = crate::db::begin_write(db).await?;
    let updated = accounts::update(&txn, &user, &change, actor.user_id, now).await?;
    let state = if updated.is_active { "启用" } else { "停用" };
    let entry = AuditEntry {
        unit_id: Some(updated.unit_id),
        detail: Some(format!("{}，{}，{}", updated.display_name, change.role.label(), state)),
        ..actor.audit("user.update", "user", Some(updated.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    view(db, updated).await
}

/// Sets a new password chosen by the admin; the user's sessions end and their API tokens are
/// revoked.
///
/// # Errors
/// Policy refusal; a weak password; database failure.
pub async fn reset_password(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    password: &str,
    cheap: bool,
    now: DateTime<Utc>,
) -> AppResult<UserView> {
    let user = find_manageable(db, actor, id).await?;
    let txn = crate::db::begin_write(db).await?;
    let updated = accounts::set_password(&txn, &user, password, cheap, now).await?;
    let entry = AuditEntry {
        unit_id: Some(updated.unit_id),
        ..actor.audit("user.password.reset", "user", Some(updated.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    view(db, updated).await
}
