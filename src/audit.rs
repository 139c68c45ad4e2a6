//! The staff audit log: who did what, when, from where. Written in the same transaction as the
//! action it records.
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

/// One staff action.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub user_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// # Errors
/// Database failure.
pub async fn record<C: ConnectionTrait>(db: &C, entry: AuditEntry<'_>, now: DateTime<Utc>) -> AppResult<()> {
    let row = audit_log::ActiveModel {
        at: Set(now),
        user_id: Set(entry.user_id),
        unit_id: Set(entry.unit_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        detail: Set(entry.detail),
        ip: Set(entry.ip),
        ..Default::default()
    };
    audit_log::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}
