//! Erasing objectors' identities once the campaign's retention period has passed
//! (`gongshi objections erase-expired`). The case itself stays: its content, events and
//! ledger entries never held the identity, so the chain still verifies afterwards.
//!
//! The period runs from the case's conclusion: while a case is open its handler may still
//! need to reach the objector.
use super::Status;
use crate::audit::{self, AuditEntry};
use crate::campaigns::CampaignSettings;
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use entity::{campaigns, notices, objections, objector_identities};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Erases every identity whose retention has run out; returns how many.
///
/// # Errors
/// Database failure (nothing is erased then).
pub async fn erase_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let closed: Vec<&str> = Status::ALL.iter().filter(|s| s.is_closed()).map(|s| s.code()).collect();
    let txn = crate::db::begin_write(db).await?;
    let pending: Vec<i32> = objector_identities::Entity::find()
        .filter(objector_identities::Column::ErasedAt.is_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| i.objection_id)
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let cases = objections::Entity::find()
        .filter(objections::Column::Id.is_in(pending))
        .filter(objections::Column::Status.is_in(closed))
        .filter(objections::Column::ConcludedAt.is_not_null())
        .all(&txn)
        .await?;
    let retention = retention_by_notice(&txn).await?;
    let mut erased = 0;
    for case in cases {
        let days = retention.get(&case.notice_id).copied().unwrap_or(CampaignSettings::DEFAULT.retention_days);
        let Some(concluded) = case.concluded_at else { continue };
        if concluded + Duration::days(i64::from(days.max(0))) > now {
            continue;
        }
        erase(&txn, case.id, now).await?;
        erased += 1;
    }
    txn.commit().await?;
    Ok(erased)
}

async fn retention_by_notice<C: sea_orm::ConnectionTrait>(db: &C) -> AppResult<HashMap<i32, i32>> {
    let days: HashMap<i32, i32> =
        campaigns::Entity::find().all(db).await?.into_iter().map(|c| (c.id, c.retention_days)).collect();
    Ok(notices::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, days.get(&n.campaign_id).copied().unwrap_or(CampaignSettings::DEFAULT.retention_days)))
        .collect())
}

async fn erase<C: sea_orm::ConnectionTrait>(db: &C, objection_id: i32, now: DateTime<Utc>) -> AppResult<()> {
    let row = objector_identities::ActiveModel {
        objection_id: Set(objection_id),
        name: Set(None),
        phone: Set(None),
        email: Set(None),
        organization: Set(None),
        contact_person: Set(None),
        erased_at: Set(Some(now)),
        key_id: Set(None),
    };
    objector_identities::Entity::update(row).exec(db).await?;
    let entry = AuditEntry {
        action: "objection.identity.erase",
        target_type: "objection",
        target_id: Some(objection_id.to_string()),
        detail: Some("保存期限届满，异议人身份信息已删除".into()),
        ..Default::default()
    };
    audit::record(db, entry, now).await
}
