//! Making, listing and revoking a staff member's own tokens, each change in the audit log.
use super::{NewTokenInput, TokenView};
use crate::access::tokens;
use crate::access::{Actor, AuthMethod};
use crate::audit;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// The actor's own tokens.
///
/// # Errors
/// Database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>) -> AppResult<Vec<TokenView>> {
    Ok(tokens::list_for_user(db, actor.user_id).await?.into_iter().map(|t| TokenView::of(t, now)).collect())
}

/// Why a token may not make tokens, for the one who tries.
const TOKEN_MAKES_NO_TOKENS: &str =
    "不能用API令牌生成新令牌：请登录后在“API令牌”页面（/admin/tokens）生成，令牌只显示一次";

/// Makes a token for the actor's signed-in session.
///
/// # Errors
/// `ForbiddenBecause` when the actor is itself a token; validation of name and lifetime;
/// database failure.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewTokenInput,
    now: DateTime<Utc>,
) -> AppResult<tokens::NewToken> {
    if matches!(actor.via, AuthMethod::Token(_)) {
        return Err(AppError::ForbiddenBecause(TOKEN_MAKES_NO_TOKENS.to_owned()));
    }
    // Out of range reads as 0, which the lifetime check refuses with its message.
    let days = input.valid_days.map_or(tokens::DEFAULT_LIFETIME_DAYS, |d| u16::try_from(d).unwrap_or(0));
    let name = input.name.as_str();
    let txn = crate::db::begin_write(db).await?;
    let token = tokens::create_for_days(&txn, actor.user_id, name, days, now).await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("{}，有效期至{}", name.trim(), crate::china_time::datetime_zh(token.expires_at))),
        ..actor.audit("token.create", "api_token", Some(token.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(token)
}

/// Revokes one of the actor's own tokens; another's answers as if it did not exist.
///
/// # Errors
/// `NotFound` for a token of someone else or none; database failure.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, id: i32, now: DateTime<Utc>) -> AppResult<TokenView> {
    let txn = crate::db::begin_write(db).await?;
    let token = tokens::find(&txn, id).await?;
    if token.user_id != actor.user_id {
        return Err(AppError::NotFound);
    }
    let token = tokens::revoke(&txn, id, now).await?;
    audit::record(&txn, actor.audit("token.revoke", "api_token", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(TokenView::of(token, now))
}
