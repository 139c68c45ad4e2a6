//! Personal API tokens: each staff member creates and revokes their own. A token acts with its
//! owner's role and unit, so it needs no permissions of its own. Tokens are made in a signed-in
//! session only (`/admin/tokens`): a token cannot make more tokens, so one that leaks cannot
//! be turned into others that survive its revocation.
//!
//! `service` lists, makes and revokes them (with the audit entry); `pages` and `api` show them.
use crate::access::tokens;
use chrono::{DateTime, Utc};
use entity::api_tokens;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
pub mod service;

/// A token as its owner sees it later: never the secret, never the hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i32,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// It has expired (and was not revoked before).
    pub expired: bool,
    pub created_zh: String,
    pub last_used_zh: Option<String>,
    pub revoked_zh: Option<String>,
    pub expires_zh: String,
}

impl TokenView {
    pub(crate) fn of(t: api_tokens::Model, now: DateTime<Utc>) -> Self {
        let expires_at = tokens::expires_at(&t);
        Self {
            created_zh: crate::china_time::datetime_zh(t.created_at),
            last_used_zh: t.last_used_at.map(crate::china_time::datetime_zh),
            revoked_zh: t.revoked_at.map(crate::china_time::datetime_zh),
            expires_zh: crate::china_time::datetime_zh(expires_at),
            expired: t.revoked_at.is_none() && now >= expires_at,
            expires_at,
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token, named by what it is for (trimmed; must not be blank).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTokenInput {
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub name: String,
    /// How many days it works (default 90).
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    #[schema(minimum = 1, maximum = 365)]
    pub valid_days: Option<i32>,
}
