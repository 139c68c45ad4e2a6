//! `gongshi import --campaign C --unit U FILE`: one 登记表 file into a unit, the way the staff
//! import page stores it (declared by an applicant unit, received by a higher one).
use crate::error::AppError;
use crate::projects::import::{self, Format, ImportReport};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::path::Path;

/// The CLI's import: campaign and unit by code, the file by path.
///
/// # Errors
/// Unknown campaign or unit, an unreadable file, or every bad row listed.
pub async fn import_file(
    db: &DatabaseConnection,
    campaign_code: &str,
    unit_code: &str,
    path: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<ImportReport> {
    let campaign = crate::campaigns::find_by_code(db, campaign_code).await?;
    let campaign = campaign.ok_or_else(|| anyhow::anyhow!("征集活动 {campaign_code} 不存在"))?;
    let unit = crate::units::service::find_by_code(db, unit_code).await?;
    let unit = unit.ok_or_else(|| anyhow::anyhow!("单位 {unit_code} 不存在"))?;
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", path.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let format = Format::detect(&name, &bytes).ok_or_else(|| anyhow::anyhow!("文件为空"))?;
    let drafts = import::parse(format, &bytes).map_err(|errors| {
        let lines: Vec<_> = errors.into_iter().map(|e| e.message).collect();
        anyhow::anyhow!("导入失败，未导入任何项目：\n{}", lines.join("\n"))
    })?;
    crate::imports::store(db, campaign.id, unit.id, drafts, now).await.map_err(|e| match e {
        AppError::Validation(errors) => super::refusal(AppError::Validation(crate::projects::by_column(errors))),
        other => super::refusal(other),
    })
}
