//! What the ledger covers of objections: the receipt of each case ("objection.receive") and
//! each event ("objection.event"). The same functions build the content when the entry is
//! appended and when `gongshi verify` rebuilds it from the rows, so they disagree only when a
//! row was changed. Identity is never part of it, so erasing identities keeps the chain whole.
//!
//! Only what never changes after the moment it was written is covered: the case's receipt
//! fields (its status moves on, and is checked against its events instead) and each event,
//! together with the refusal reason or conclusion it set, which are final.
use super::Status;
use crate::error::AppResult;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{objection_attachments, objection_events, objections};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const RECEIVE: &str = "objection.receive";
pub const EVENT: &str = "objection.event";
/// Entity types of the entries above.
pub const OBJECTION: &str = "objection";
pub const OBJECTION_EVENT: &str = "objection_event";

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Drops sub-microsecond precision, which neither database keeps: a timestamp is hashed as
/// it will be read back.
#[must_use]
pub fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// The receipt of a case: where, what, when, by which channel, with which evidence.
#[must_use]
pub fn receipt_content(o: &objections::Model, attachments: &[objection_attachments::Model]) -> Value {
    let files: Vec<Value> = attachments
        .iter()
        .map(|a| json!({ "file_name": a.file_name, "content_type": a.content_type, "size_bytes": a.size_bytes, "sha256": a.sha256, "storage_key": a.storage_key }))
        .collect();
    json!({
        "objection_id": o.id,
        "notice_id": o.notice_id,
        "project_id": o.project_id,
        "receipt_code": o.receipt_code,
        "lookup_key_hash": o.lookup_key_hash,
        "channel": o.channel,
        "objector_kind": o.objector_kind,
        "category": o.category,
        "content": o.content,
        "received_at": ts(o.received_at),
        "claimed_at": o.claimed_at.map(ts),
        "registered_at": ts(o.registered_at),
        "registered_by": o.registered_by,
        "in_time": o.in_time,
        "idempotency_key": o.idempotency_key,
        "signature": o.signature,
        "attachments": files,
    })
}

/// One event, with what it settled for good: the refusal reason when it refused, the
/// conclusion when it closed the case (what the objector was told and, when staff wrote one,
/// the public handling summary).
#[must_use]
pub fn event_content(e: &objection_events::Model, o: &objections::Model) -> Value {
    let to = Status::parse(&e.to_status);
    let refusal_reason = (to == Some(Status::Refused)).then(|| o.refusal_reason.clone()).flatten();
    let conclusion = to.filter(|s| s.is_closed()).map(|_| {
        let mut c = json!({ "summary": o.conclusion_summary, "at": o.concluded_at.map(ts) });
        // Only when there is one, so a case concluded before public summaries existed hashes as
        // it did then.
        if let Some(public) = &o.public_summary {
            c["public_summary"] = json!(public);
        }
        c
    });
    json!({
        "event_id": e.id,
        "objection_id": e.objection_id,
        "receipt_code": o.receipt_code,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "actor_user_id": e.actor_user_id,
        "at": ts(e.at),
        "internal_note": e.internal_note,
        "public_note": e.public_note,
        "refusal_reason": refusal_reason,
        "conclusion": conclusion,
    })
}

/// The content behind an entry of `entity_type`, rebuilt from the rows; `None` when the row
/// is gone. Returns `Ok(None)` as well for an entity type this module does not cover; the
/// caller asks [`covers`] first.
///
/// # Errors
/// Database failure.
pub async fn ledger_content<C: ConnectionTrait>(db: &C, entity_type: &str, entity_id: i32) -> AppResult<Option<Value>> {
    match entity_type {
        OBJECTION => {
            let Some(o) = objections::Entity::find_by_id(entity_id).one(db).await? else { return Ok(None) };
            let files = attachments_of(db, o.id).await?;
            Ok(Some(receipt_content(&o, &files)))
        }
        OBJECTION_EVENT => {
            let Some(e) = objection_events::Entity::find_by_id(entity_id).one(db).await? else { return Ok(None) };
            let Some(o) = objections::Entity::find_by_id(e.objection_id).one(db).await? else { return Ok(None) };
            Ok(Some(event_content(&e, &o)))
        }
        _ => Ok(None),
    }
}

/// Whether this module answers for `entity_type`.
#[must_use]
pub fn covers(entity_type: &str) -> bool {
    matches!(entity_type, OBJECTION | OBJECTION_EVENT)
}

/// A case's evidence files in upload order.
///
/// # Errors
/// Database failure.
pub async fn attachments_of<C: ConnectionTrait>(
    db: &C,
    objection_id: i32,
) -> AppResult<Vec<objection_attachments::Model>> {
    Ok(objection_attachments::Entity::find()
        .filter(objection_attachments::Column::ObjectionId.eq(objection_id))
        .order_by_asc(objection_attachments::Column::Id)
        .all(db)
        .await?)
}
