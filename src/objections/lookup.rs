//! What an objector sees of their case with receipt code and key: its state and the notes
//! meant for them, nothing else (no internal notes, no staff names, no identity).
use super::codes::{lookup_key_hash, parse_receipt_code};
use super::{RefusalReason, Status};
use crate::china_time::{datetime_zh, rfc3339_china};
use crate::error::AppResult;
use entity::{objection_events, objections};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// One step of the case, with the note meant for the objector.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = ObjectorStep)]
pub struct PublicStep {
    /// RFC 3339, China time
    pub at: String,
    /// 2025年3月10日 09:30:05
    #[serde(skip)]
    pub at_text: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub note: Option<String>,
}

/// A case as its objector sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = ObjectorCase)]
pub struct PublicCase {
    pub receipt_code: String,
    /// `received` | `accepted` | `refused` | `investigating` | `upheld` | `dismissed` | `withdrawn`
    pub status: &'static str,
    /// 已接收 / 已受理 / 不予受理 / 核查中 / 异议成立 / 异议不成立 / 已撤回
    pub status_label: &'static str,
    /// `late` | `anonymous` | `out_of_scope` | `no_evidence`, when refused
    pub refusal_reason: Option<&'static str>,
    pub received_at: String,
    #[serde(skip)]
    pub received_at_text: String,
    pub timeline: Vec<PublicStep>,
}

/// The case behind a receipt code and key. A wrong key answers exactly like an unknown code.
///
/// # Errors
/// Database failure.
pub async fn find<C: ConnectionTrait>(db: &C, code: &str, key: &str) -> AppResult<Option<PublicCase>> {
    // Hash first, whatever the code: the work done does not depend on whether the code exists.
    let key_hash = lookup_key_hash(key);
    let Some(code) = parse_receipt_code(code) else { return Ok(None) };
    let Some(o) = objections::Entity::find().filter(objections::Column::ReceiptCode.eq(code)).one(db).await? else {
        return Ok(None);
    };
    if !constant_time_eq(o.lookup_key_hash.as_bytes(), key_hash.as_bytes()) {
        return Ok(None);
    }
    let events = objection_events::Entity::find()
        .filter(objection_events::Column::ObjectionId.eq(o.id))
        .order_by_asc(objection_events::Column::At)
        .order_by_asc(objection_events::Column::Id)
        .all(db)
        .await?;
    Ok(Some(public_case(&o, &events)?))
}

fn public_case(o: &objections::Model, events: &[objection_events::Model]) -> AppResult<PublicCase> {
    let status = Status::stored(&o.status)?;
    let timeline = events
        .iter()
        .map(|e| {
            let to = Status::stored(&e.to_status)?;
            Ok(PublicStep {
                at: rfc3339_china(e.at),
                at_text: datetime_zh(e.at),
                status: to.code(),
                status_label: to.label(),
                note: e.public_note.clone(),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(PublicCase {
        receipt_code: o.receipt_code.clone(),
        status: status.code(),
        status_label: status.label(),
        refusal_reason: o.refusal_reason.as_deref().map(RefusalReason::stored).transpose()?.map(RefusalReason::code),
        received_at: rfc3339_china(o.received_at),
        received_at_text: datetime_zh(o.received_at),
        timeline,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
