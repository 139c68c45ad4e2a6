//! The public content of notices as the ledger covers it. The same function builds the JSON
//! when a revision is published or a notice withdrawn and when `gongshi verify` recomputes it
//! from the rows, so the two can only disagree if a row was changed.
use super::NoticeState;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{notice_items, notice_revisions, notices};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

/// Entity types this module answers for.
pub const REVISION: &str = "notice_revision";
pub const NOTICE: &str = "notice";

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The canonical content behind a ledger entry of `entity_type` (`notice_revision` for
/// publications and corrections, `notice` for withdrawals), rebuilt from the rows; `None`
/// when the row is gone (or, for a revision, was never published; for a notice, was never
/// withdrawn), which `verify` reports as a break.
///
/// # Errors
/// An entity type this module does not cover; database failure.
pub async fn ledger_content<C: ConnectionTrait>(db: &C, entity_type: &str, entity_id: i32) -> AppResult<Option<Value>> {
    match entity_type {
        REVISION => revision_content(db, entity_id).await,
        NOTICE => withdrawal_content(db, entity_id).await,
        other => Err(AppError::internal(format!("notices::ledger does not cover entity type {other}"))),
    }
}

/// A published revision: the notice it belongs to, its text, period, channels, correction
/// note and every item's public snapshot.
///
/// # Errors
/// Database failure.
pub async fn revision_content<C: ConnectionTrait>(db: &C, revision_id: i32) -> AppResult<Option<Value>> {
    let Some(rev) = notice_revisions::Entity::find_by_id(revision_id).one(db).await? else { return Ok(None) };
    let Some(published_at) = rev.published_at else { return Ok(None) };
    let Some(notice) = notices::Entity::find_by_id(rev.notice_id).one(db).await? else { return Ok(None) };
    let items = notice_items::Entity::find()
        .filter(notice_items::Column::RevisionId.eq(rev.id))
        .order_by_asc(notice_items::Column::Position)
        .all(db)
        .await?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|i| {
            // A snapshot that no longer parses is itself a change the hash must expose.
            let snapshot = serde_json::from_str::<Value>(&i.snapshot).unwrap_or(Value::String(i.snapshot));
            json!({ "project_id": i.project_id, "position": i.position, "grade": i.grade, "snapshot": snapshot })
        })
        .collect();
    Ok(Some(json!({
        "notice_id": notice.id,
        "campaign_id": notice.campaign_id,
        "unit_id": notice.unit_id,
        "level": notice.level,
        "doc_number": notice.doc_number,
        "revision_id": rev.id,
        "revision_no": rev.revision_no,
        "title": rev.title,
        "body_md": rev.body_md,
        "starts_on": rev.starts_on.to_string(),
        "opens_at": ts(rev.opens_at),
        "closes_at": ts(rev.closes_at),
        "board_location": rev.board_location,
        "media": rev.media,
        "web": rev.web,
        "correction_note": rev.correction_note,
        "restarts_period": rev.restarts_period,
        "published_at": ts(published_at),
        "items": items,
    })))
}

/// A withdrawal: which notice, when, and the public reason.
///
/// # Errors
/// Database failure.
pub async fn withdrawal_content<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<Option<Value>> {
    let Some(notice) = notices::Entity::find_by_id(notice_id).one(db).await? else { return Ok(None) };
    if NoticeState::try_from(&notice)? != NoticeState::Withdrawn {
        return Ok(None);
    }
    let Some(at) = notice.withdrawn_at else { return Ok(None) };
    Ok(Some(json!({
        "notice_id": notice.id,
        "state": notice.state,
        "withdrawn_at": ts(at),
        "withdraw_reason": notice.withdraw_reason,
    })))
}
