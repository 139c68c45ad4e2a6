//! The signed-in staff member, taken from the session cookie on pages and from
//! `Authorization: Bearer <token>` on the API. Never both: the API ignores cookies, which is why
//! it needs no CSRF token.
//!
//! A handler asks for it by naming it as an argument: `async fn page(actor: Actor, …)`; the
//! extractor that reads the request lives in `web::actor`.
use super::Role;
use crate::audit::AuditEntry;
use crate::error::{AppError, AppResult};
use entity::{units, users};
use sea_orm::EntityTrait;
use serde::Serialize;

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "token_id")]
pub enum AuthMethod {
    Session,
    Token(i32),
}

#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i32,
    pub unit_name: String,
    /// An account of the root unit of kind `province`: sees every unit.
    pub is_province: bool,
    pub via: AuthMethod,
    /// The client address, for the audit log.
    #[serde(skip)]
    pub ip: Option<String>,
}

impl Actor {
    /// A province admin manages units and users across the tree.
    #[must_use]
    pub fn is_province_admin(&self) -> bool {
        self.is_province && self.role == Role::Admin
    }

    /// An audit entry for this actor (who, from where); the caller says what.
    #[must_use]
    pub fn audit<'a>(&self, action: &'a str, target_type: &'a str, target_id: Option<String>) -> AuditEntry<'a> {
        AuditEntry {
            user_id: Some(self.user_id),
            unit_id: Some(self.unit_id),
            action,
            target_type,
            target_id,
            detail: None,
            ip: self.ip.clone(),
        }
    }

    /// Builds the actor for an account that has just proved itself.
    ///
    /// # Errors
    /// Database failure; `Unauthenticated` when the account's role or unit is unusable.
    pub async fn load<C: sea_orm::ConnectionTrait>(
        db: &C,
        user: users::Model,
        via: AuthMethod,
        ip: Option<String>,
    ) -> AppResult<Self> {
        let role = Role::parse(&user.role).ok_or(AppError::Unauthenticated)?;
        let unit = units::Entity::find_by_id(user.unit_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
        Ok(Self {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            role,
            unit_id: unit.id,
            unit_name: unit.name,
            is_province: unit.parent_id.is_none() && unit.kind == "province",
            via,
            ip,
        })
    }
}
