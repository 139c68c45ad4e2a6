//! What the ledger covers of an issued report: its code, notice, revision, date, the SHA-256 of
//! its content and every project's outcome. The same function builds the JSON when the report
//! is issued and when `gongshi verify` recomputes it from the rows, so editing the report's
//! content (its hash would no longer match) or an outcome the gate reads breaks the chain.
//! `superseded_by` is deliberately left out: it is set later, by design.
use crate::error::AppResult;
use chrono::SecondsFormat;
use entity::{report_outcomes, result_reports};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

/// The entity type of report entries in the ledger.
pub const REPORT: &str = "result_report";

/// The canonical content behind a `report.issue` entry, rebuilt from the rows; `None` when the
/// report is gone.
///
/// # Errors
/// Database failure.
pub async fn content<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<Option<Value>> {
    let Some(r) = result_reports::Entity::find_by_id(report_id).one(db).await? else { return Ok(None) };
    let outcomes: Vec<Value> = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ReportId.eq(report_id))
        .order_by_asc(report_outcomes::Column::ProjectId)
        .all(db)
        .await?
        .into_iter()
        .map(|o| json!({ "project_id": o.project_id, "level": o.level, "outcome": o.outcome }))
        .collect();
    // The stored text is hashed as is: a changed byte of the report changes this entry.
    let content_sha256 = crate::ledger::sha256_hex(r.content.as_bytes());
    Ok(Some(json!({
        "code": r.code,
        "notice_id": r.notice_id,
        "revision_id": r.revision_id,
        "issued_on": r.issued_on.to_string(),
        "issued_at": r.issued_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "issued_by": r.issued_by,
        "sha256": r.sha256,
        "content_sha256": content_sha256,
        "outcomes": outcomes,
    })))
}
