//! Personal API tokens. The token is shown once at creation; the database keeps only its
//! SHA-256, so a leaked database does not leak working tokens. A revoked token stops at once,
//! and every token expires (90 days unless its owner chose otherwise). A token never outlives
//! the sign-in that stood behind it: changing the password, an admin's reset, ending the other
//! sessions and deactivating the account revoke all of the user's tokens
//! ([`revoke_all_for_user`]).
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::{api_tokens, calendar_keys, users};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

/// Every token starts with this, so secret scanners and people recognise it.
pub const TOKEN_PREFIX: &str = "gst_";
pub const MAX_NAME_CHARS: usize = 60;
/// A token's `name` is what it is for.
const LABELS: &[(&str, &str)] = &[("name", "令牌用途")];
/// How long a token works unless its owner chooses otherwise.
pub const DEFAULT_LIFETIME_DAYS: u16 = 90;
/// The longest lifetime one may choose.
pub const MAX_LIFETIME_DAYS: u16 = 365;

/// A token just made: `secret` is the only copy there will ever be.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: i32,
    pub secret: String,
    pub prefix: String,
    pub expires_at: DateTime<Utc>,
}

/// When a token stops working. A token made before expiry existed has none stored and
/// expires the default lifetime after it was made.
#[must_use]
pub fn expires_at(token: &api_tokens::Model) -> DateTime<Utc> {
    token.expires_at.unwrap_or_else(|| token.created_at + Duration::days(i64::from(DEFAULT_LIFETIME_DAYS)))
}

#[must_use]
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn generate() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Creates a token for `user_id` named `name` (what it is for, e.g. "市总工会数据同步") that
/// works for the default lifetime.
///
/// # Errors
/// A validation error for an empty or overlong name; database failure.
pub async fn create<C: ConnectionTrait>(db: &C, user_id: i32, name: &str, now: DateTime<Utc>) -> AppResult<NewToken> {
    create_for_days(db, user_id, name, DEFAULT_LIFETIME_DAYS, now).await
}

/// As [`create`], working for `days` days (1 to [`MAX_LIFETIME_DAYS`]).
///
/// # Errors
/// A validation error for an empty or overlong name or a lifetime out of range; database
/// failure.
pub async fn create_for_days<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    name: &str,
    days: u16,
    now: DateTime<Utc>,
) -> AppResult<NewToken> {
    if !(1..=MAX_LIFETIME_DAYS).contains(&days) {
        return Err(AppError::invalid("valid_days", format!("有效期应为1至{MAX_LIFETIME_DAYS}天")));
    }
    // Counted as sent, spaces included: the document's maxLength.
    let too_long = name.chars().count() > MAX_NAME_CHARS;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "请填写令牌用途").relabelled(LABELS));
    }
    if too_long {
        return Err(AppError::invalid("name", format!("不能超过{MAX_NAME_CHARS}个字")).relabelled(LABELS));
    }
    let secret = generate();
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
    let expires_at = now + Duration::days(i64::from(days));
    let row = api_tokens::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash(&secret)),
        prefix: Set(prefix.clone()),
        created_at: Set(now),
        expires_at: Set(Some(expires_at)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewToken { id: row.id, secret, prefix, expires_at })
}

/// The active user a presented token belongs to, or `None` for an unknown, revoked, expired
/// or deactivated one. Marks the token used (at most once a minute, to spare the writer).
///
/// # Errors
/// Database failure.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    presented: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(api_tokens::Model, users::Model)>> {
    if !presented.starts_with(TOKEN_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let Some(token) = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash(presented)))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if now >= expires_at(&token) {
        return Ok(None);
    }
    let Some(user) = users::Entity::find_by_id(token.user_id).one(db).await?.filter(|u| u.is_active) else {
        return Ok(None);
    };
    if token.last_used_at.is_none_or(|at| now - at > Duration::minutes(1)) {
        let mut row: api_tokens::ActiveModel = token.clone().into();
        row.last_used_at = Set(Some(now));
        row.update(db).await?;
    }
    Ok(Some((token, user)))
}

/// A user's tokens, newest first, revoked ones included (they show when they were revoked).
///
/// # Errors
/// Database failure.
pub async fn list_for_user<C: ConnectionTrait>(db: &C, user_id: i32) -> AppResult<Vec<api_tokens::Model>> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await?)
}

/// One token.
///
/// # Errors
/// `NotFound` when it does not exist; database failure.
pub async fn find<C: ConnectionTrait>(db: &C, token_id: i32) -> AppResult<api_tokens::Model> {
    api_tokens::Entity::find_by_id(token_id).one(db).await?.ok_or(AppError::NotFound)
}

/// Revokes a token; revoking twice keeps the first time.
///
/// # Errors
/// `NotFound` when it does not exist; database failure.
pub async fn revoke<C: ConnectionTrait>(db: &C, token_id: i32, now: DateTime<Utc>) -> AppResult<api_tokens::Model> {
    let token = find(db, token_id).await?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut row: api_tokens::ActiveModel = token.into();
    row.revoked_at = Set(Some(now));
    Ok(row.update(db).await?)
}

/// Revokes every token of the user still in force, at `now`; returns how many. Called wherever
/// the user's sessions end, in the same transaction.
///
/// # Errors
/// Database failure.
pub async fn revoke_all_for_user<C: ConnectionTrait>(db: &C, user_id: i32, now: DateTime<Utc>) -> AppResult<u64> {
    // The private calendar address (calendar::staff) goes with them.
    calendar_keys::Entity::delete_by_id(user_id).exec(db).await?;
    let done = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let a = generate();
        let b = generate();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 48);
        assert_ne!(a, b);
        assert_eq!(hash(&a).len(), 64);
    }
}
