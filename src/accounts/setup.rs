//! The first account of a new install. There is no default password: either `gongshi user add`
//! on the server, or a one-time link printed at the first start while no account exists. The
//! link creates the province unit (if the tree is still empty) and its first admin, then dies —
//! used once, expired after a day, and dead anyway as soon as any account exists.
use super::service::{self, NewUser};
use crate::access::Role;
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::{setup_tokens, units, users};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

pub const LINK_LIFETIME: Duration = Duration::hours(24);

/// Makes a setup token when the database has no account; returns the secret for the link.
///
/// # Errors
/// Database failure.
pub async fn issue_if_no_users(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Option<String>> {
    if service::count(db).await? > 0 {
        return Ok(None);
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    setup_tokens::ActiveModel {
        token_hash: Set(crate::access::tokens::hash(&secret)),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(secret))
}

/// The token behind a link, if the link still works.
///
/// # Errors
/// `NotFound` for an unknown, used or expired link, or once any account exists.
pub async fn find_valid<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    now: DateTime<Utc>,
) -> AppResult<setup_tokens::Model> {
    if service::count(db).await? > 0 {
        return Err(AppError::NotFound);
    }
    setup_tokens::Entity::find()
        .filter(setup_tokens::Column::TokenHash.eq(crate::access::tokens::hash(secret)))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .one(db)
        .await?
        .filter(|t| t.expires_at > now)
        .ok_or(AppError::NotFound)
}

/// The root unit of kind `province`, if the tree has one.
///
/// # Errors
/// Database failure.
pub async fn province<C: ConnectionTrait>(db: &C) -> AppResult<Option<units::Model>> {
    Ok(units::Entity::find()
        .filter(units::Column::ParentId.is_null())
        .filter(units::Column::Kind.eq("province"))
        .one(db)
        .await?)
}

/// What the setup form asks.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    /// Only used when the tree is empty.
    pub unit_name: String,
    pub unit_code: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// Creates the province unit when needed and its first admin, and uses up the link, in one
/// transaction so two people opening the link at once cannot both succeed.
///
/// # Errors
/// `NotFound` when the link no longer works; validation; database failure.
pub async fn complete(
    db: &DatabaseConnection,
    secret: &str,
    form: &FirstAdmin,
    cheap: bool,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    let txn = crate::db::begin_write(db).await?;
    let token = find_valid(&txn, secret, now).await?;
    let unit = match province(&txn).await? {
        Some(unit) => unit,
        None => create_province(&txn, &form.unit_name, &form.unit_code, now).await?,
    };
    let new = NewUser {
        unit_id: unit.id,
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: Role::Admin,
        password: form.password.clone(),
    };
    let user = service::create(&txn, &new, cheap, now).await?;
    let mut spent: setup_tokens::ActiveModel = token.into();
    spent.used_at = Set(Some(now));
    spent.update(&txn).await?;
    let entry = AuditEntry {
        user_id: Some(user.id),
        unit_id: Some(unit.id),
        action: "setup.first_admin",
        target_type: "user",
        target_id: Some(user.id.to_string()),
        detail: None,
        ip,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(user)
}

/// Creates the root unit of the tree.
///
/// # Errors
/// Validation for an empty name or a bad code; database failure.
pub async fn create_province<C: ConnectionTrait>(
    db: &C,
    name: &str,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<units::Model> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "不能为空").relabelled(crate::units::FIELD_LABELS));
    }
    let code = crate::units::parse_code(code)?;
    Ok(units::ActiveModel {
        parent_id: Set(None),
        kind: Set("province".into()),
        name: Set(name.to_owned()),
        code: Set(code),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
