//! Reading and changing user accounts. Authorisation is the caller's: the admin pages check
//! [`crate::access::policy`] before calling these.
use super::{Username, parse_display_name, password};
use crate::access::Role;
use crate::error::{AppError, AppResult};
use crate::web::security::password_work::PasswordWork;
use chrono::{DateTime, Utc};
use entity::{units, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

/// A user to create, as typed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub unit_id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// Creates a user after checking every field.
///
/// # Errors
/// Validation (bad username, weak password); `Taken` for a username in use; `NotFound` for an
/// unknown unit; database failure.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: &NewUser,
    cheap: bool,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    let username = Username::parse(&new.username)?;
    let display_name = parse_display_name(&new.display_name)?;
    password::check_strength(&new.password, username.as_str())?;
    if units::Entity::find_by_id(new.unit_id).one(db).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if find_by_username(db, username.as_str()).await?.is_some() {
        return Err(AppError::taken("username", "该用户名已被使用"));
    }
    let row = users::ActiveModel {
        unit_id: Set(new.unit_id),
        username: Set(username.as_str().to_owned()),
        display_name: Set(display_name),
        password_hash: Set(password::hash(&new.password, cheap)?),
        role: Set(new.role.code().to_owned()),
        is_active: Set(true),
        session_epoch: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

/// # Errors
/// `NotFound`; database failure.
pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<users::Model> {
    users::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// # Errors
/// Database failure.
pub async fn find_by_username<C: ConnectionTrait>(db: &C, username: &str) -> AppResult<Option<users::Model>> {
    let folded = username.trim().to_ascii_lowercase();
    Ok(users::Entity::find().filter(users::Column::Username.eq(folded)).one(db).await?)
}

/// How many accounts exist at all (a new install has none).
///
/// # Errors
/// Database failure.
pub async fn count<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(users::Entity::find().count(db).await?)
}

/// The active user whose password this is, or `None`. Spends the same work whether or not the
/// account exists, so timing does not tell which usernames are real. The hash runs under
/// `work`'s bound on hashes in flight.
///
/// # Errors
/// `Throttled` when `work` has no slot for the hash; database failure.
pub async fn check_credentials<C: ConnectionTrait>(
    db: &C,
    work: &PasswordWork,
    username: &str,
    given: &str,
    cheap: bool,
) -> AppResult<Option<users::Model>> {
    let user = find_by_username(db, username).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let given = given.to_owned();
    let matches = work
        .run(move || {
            let stored = stored.as_deref().unwrap_or_else(|| password::dummy_hash(cheap));
            password::verify(&given, stored)
        })
        .await?;
    Ok(user.filter(|u| matches && u.is_active))
}

/// # Errors
/// Database failure.
pub async fn record_login<C: ConnectionTrait>(db: &C, user: &users::Model, now: DateTime<Utc>) -> AppResult<()> {
    let mut row: users::ActiveModel = user.clone().into();
    row.last_login_at = Set(Some(now));
    row.update(db).await?;
    Ok(())
}

/// Sets a new password and ends every session of the user (the epoch moves on) and revokes
/// their API tokens. Returns the updated row so the caller can keep its own session alive on
/// the new epoch.
///
/// # Errors
/// Validation for a weak password; database failure.
pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    user: &users::Model,
    new_password: &str,
    cheap: bool,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    password::check_strength(new_password, &user.username)?;
    let mut row: users::ActiveModel = user.clone().into();
    row.password_hash = Set(password::hash(new_password, cheap)?);
    row.session_epoch = Set(user.session_epoch.saturating_add(1));
    row.updated_at = Set(now);
    crate::access::tokens::revoke_all_for_user(db, user.id, now).await?;
    Ok(row.update(db).await?)
}

/// Ends every session of the user: cookies signed for the old epoch stop working, and the
/// user's API tokens are revoked.
///
/// # Errors
/// Database failure.
pub async fn end_all_sessions<C: ConnectionTrait>(
    db: &C,
    user: &users::Model,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    let mut row: users::ActiveModel = user.clone().into();
    row.session_epoch = Set(user.session_epoch.saturating_add(1));
    row.updated_at = Set(now);
    crate::access::tokens::revoke_all_for_user(db, user.id, now).await?;
    Ok(row.update(db).await?)
}

/// What an admin may change about a user.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
}

/// Why nobody demotes or deactivates themselves: a conflict with who is asking, which no
/// request schema can state.
const SELF_CHANGE: &str = "不能停用自己的账号或更改自己的角色";

/// Changes name, role and whether the account may sign in. Deactivating ends the user's
/// sessions and revokes their API tokens (reactivating does not bring them back). Nobody may demote or deactivate themselves, so a unit is never locked out by a
/// slip of the hand.
///
/// # Errors
/// Validation; `Conflict` for a change to one's own role or active state; database failure.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    user: &users::Model,
    change: &UserChange,
    acting_user_id: i32,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    let display_name = parse_display_name(&change.display_name)?;
    if user.id == acting_user_id && (!change.is_active || change.role.code() != user.role) {
        return Err(AppError::conflict(SELF_CHANGE));
    }
    let mut row: users::ActiveModel = user.clone().into();
    row.display_name = Set(display_name);
    row.role = Set(change.role.code().to_owned());
    if user.is_active && !change.is_active {
        row.session_epoch = Set(user.session_epoch.saturating_add(1));
        crate::access::tokens::revoke_all_for_user(db, user.id, now).await?;
    }
    row.is_active = Set(change.is_active);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Users of the given units (all users when `unit_ids` is `None`), by unit then name.
///
/// # Errors
/// Database failure.
pub async fn list<C: ConnectionTrait>(db: &C, unit_ids: Option<&[i32]>) -> AppResult<Vec<users::Model>> {
    let mut query = users::Entity::find();
    if let Some(ids) = unit_ids {
        query = query.filter(Condition::all().add(users::Column::UnitId.is_in(ids.to_vec())));
    }
    Ok(query.order_by_asc(users::Column::UnitId).order_by_asc(users::Column::Username).all(db).await?)
}
