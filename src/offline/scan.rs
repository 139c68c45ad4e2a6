//! Scans of offline notices and paper reports: recognised by their content (PDF, JPEG or PNG,
//! as objection evidence is), capped in size, kept in the database beside the record and read
//! only by staff.
use crate::error::{AppError, AppResult};
use crate::objections::attachments::{Kind, sniff};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::offline_scans;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

/// The largest scan accepted.
/// Kept under the JSON body limit once base64-encoded, so the API and the page take the same.
pub const MAX_SCAN_BYTES: usize = 1024 * 1024;

/// A checked scan, not yet stored.
pub struct Scan {
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// Checks the bytes of an uploaded scan. `field` names the form or JSON field.
///
/// # Errors
/// `Validation` on `field` when empty, too large, or not a PDF, JPEG or PNG.
pub fn check(field: &str, bytes: Vec<u8>) -> AppResult<Scan> {
    if bytes.is_empty() {
        return Err(AppError::invalid(field, "请上传扫描件或照片（PDF、JPEG或PNG）"));
    }
    if bytes.len() > MAX_SCAN_BYTES {
        return Err(AppError::invalid(field, format!("扫描件不能超过{}MB", MAX_SCAN_BYTES / 1024 / 1024)));
    }
    match sniff(&bytes) {
        Some(kind @ (Kind::Pdf | Kind::Jpeg | Kind::Png)) => Ok(Scan { kind, bytes }),
        _ => Err(AppError::invalid(field, "扫描件只能是PDF、JPEG或PNG文件（按文件内容识别）")),
    }
}

/// Decodes a scan sent as base64 in JSON, then checks it.
///
/// # Errors
/// As [`check`]; `Validation` for text that is not base64.
pub fn from_base64(field: &str, text: &str) -> AppResult<Scan> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() > MAX_SCAN_BYTES / 3 * 4 + 8 {
        return Err(AppError::invalid(field, format!("扫描件不能超过{}MB", MAX_SCAN_BYTES / 1024 / 1024)));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| AppError::invalid(field, "扫描件应为base64编码的文件内容"))?;
    check(field, bytes)
}

/// A stored scan, for staff who may see the unit's notices.
///
/// # Errors
/// `NotFound` for an unknown scan or one the actor may not see; database failure.
pub async fn find_as(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::access::Actor,
    scan_id: i32,
) -> AppResult<offline_scans::Model> {
    use sea_orm::EntityTrait as _;
    let scan = offline_scans::Entity::find_by_id(scan_id).one(db).await?.ok_or(AppError::NotFound)?;
    crate::access::policy::require(db, actor, crate::access::Action::ViewNotice, scan.unit_id).await?;
    Ok(scan)
}

/// Stores the scan for `unit_id`; `kind` is `notice` or `report`.
///
/// # Errors
/// Database failure.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    scan: Scan,
    unit_id: i32,
    kind: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<offline_scans::Model> {
    let size = i32::try_from(scan.bytes.len()).map_err(AppError::internal)?;
    Ok(offline_scans::ActiveModel {
        unit_id: Set(unit_id),
        kind: Set(kind.to_owned()),
        media_type: Set(scan.kind.content_type().to_owned()),
        size: Set(size),
        sha256: Set(crate::ledger::sha256_hex(&scan.bytes)),
        bytes: Set(scan.bytes),
        uploaded_by: Set(by),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
