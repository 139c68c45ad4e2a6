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

/// Who does a staff action, for the audit log written in the action's transaction. The
/// command line acts as nobody in particular (`Who::default()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Who {
    pub user_id: Option<i32>,
    pub ip: Option<String>,
}

impl Who {
    #[must_use]
    pub fn user(user_id: Option<i32>) -> Self {
        Self { user_id, ip: None }
    }

    /// Records `action` on `target_type`/`target_id` for `unit_id`.
    ///
    /// # Errors
    /// Database failure.
    #[expect(clippy::too_many_arguments, reason = "every argument is one audit column; a builder would only hide that")]
    pub async fn record<C: ConnectionTrait>(
        &self,
        db: &C,
        action: &str,
        target_type: &str,
        target_id: i32,
        unit_id: i32,
        detail: Option<String>,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let entry = AuditEntry {
            user_id: self.user_id,
            unit_id: Some(unit_id),
            action,
            target_type,
            target_id: Some(target_id.to_string()),
            detail,
            ip: self.ip.clone(),
        };
        record(db, entry, now).await
    }
}
