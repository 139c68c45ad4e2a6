//! User administration: unit admins manage their own unit's accounts, province admins every
//! unit's. Every change is checked by [`crate::access::policy`] and written to the audit log.
pub mod api;
pub mod pages;
pub mod service;

use crate::access::Role;
use chrono::{DateTime, Utc};
use entity::users;
use serde::{Deserialize, Serialize};

/// A user as staff see them: never the password hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i32,
    pub unit_id: i32,
    pub unit_name: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: &'static str,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// 2025年3月10日 14:05:09, China time.
    pub last_login_zh: Option<String>,
}

impl UserView {
    #[must_use]
    pub fn new(user: users::Model, unit_name: String) -> Self {
        Self {
            role_label: Role::parse(&user.role).map_or("未知", Role::label),
            id: user.id,
            unit_id: user.unit_id,
            unit_name,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            is_active: user.is_active,
            created_at: user.created_at,
            last_login_at: user.last_login_at,
            last_login_zh: user.last_login_at.map(crate::china_time::datetime_zh),
        }
    }
}

/// A new user as typed. A username in use answers 409.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewUserInput {
    /// A unit the caller manages
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub unit_id: i32,
    /// Stored in lower case, e.g. `wangyj`
    #[serde(default)]
    #[schema(required, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")]
    pub username: String,
    /// Trimmed; must not be blank
    #[serde(default)]
    #[schema(required, min_length = 1, max_length = 40, pattern = r"\S")]
    pub display_name: String,
    #[serde(default)]
    #[schema(required, value_type = Role)]
    pub role: String,
    /// At least 4 different characters, and not containing the username
    #[serde(default)]
    #[schema(required, min_length = 10, max_length = 128)]
    pub password: String,
}

/// What an admin may change about a user. Nobody changes their own role or deactivates
/// themselves (409).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct UserUpdateInput {
    #[schema(min_length = 1, max_length = 40, pattern = r"\S")]
    pub display_name: String,
    #[schema(value_type = Role)]
    pub role: String,
    pub is_active: bool,
}

/// A password set by an admin: at least 4 different characters, not containing the username.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PasswordResetInput {
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}
