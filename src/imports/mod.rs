//! Bringing 登记表 files in (CSV, XLSX, JSON): the staff import page and API, and the one
//! decision behind both. An applicant unit's file declares its own projects (`projects::import`
//! stores them); a higher unit declares nothing itself, so its file lists projects coming up
//! from below, each received through the gate as a recommendation (`recommendations::receive`).
//! A file imports whole or not at all.
pub mod api;
pub mod pages;

use crate::access::{Action, Actor, policy};
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, AppResult, FieldError};
use crate::projects::import::{self, ImportReport};
use crate::projects::{ProjectDraft, staff_service};
use crate::recommendations::receive;
use chrono::{DateTime, Utc};
use entity::projects;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Checks parsed drafts before they are stored: a project that has gone up to another unit
/// can no longer be changed by re-importing it.
///
/// # Errors
/// `Forbidden` for a role that may not edit; validation naming each project held elsewhere.
pub async fn check_import(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_id: i32,
    drafts: &[ProjectDraft],
) -> AppResult<()> {
    policy::require_role(actor, Action::EditProject)?;
    staff_service::campaign(db, campaign_id).await?;
    // A unit with units below it declares nothing: its file lists projects coming up from
    // below, and the gate says for each what it lacks.
    if receive::is_higher_unit(db, actor.unit_id).await? {
        return receive::check(db, campaign_id, actor.unit_id, drafts).await.map(|_| ());
    }
    let keys: Vec<String> = drafts.iter().map(|d| d.import_key.clone()).collect();
    let existing = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign_id))
        .filter(projects::Column::ImportKey.is_in(keys))
        .all(db)
        .await?;
    let errors: Vec<FieldError> = existing
        .iter()
        .filter(|p| p.applicant_unit_id != actor.unit_id || p.holder_unit_id != actor.unit_id)
        .map(|p| {
            FieldError::new(
                "import_key",
                format!("“{}”（{}）已推荐到上级单位或属于其他单位，不能通过导入修改", p.import_key, p.name),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Stores an import for the actor's unit, all or nothing.
///
/// # Errors
/// As [`check_import`]; database failure.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_id: i32,
    drafts: Vec<ProjectDraft>,
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    check_import(db, actor, campaign_id, &drafts).await?;
    let count = drafts.len();
    let report = store(db, campaign_id, actor.unit_id, drafts, now).await?;
    let entry = AuditEntry {
        detail: Some(format!("{count} 项：新增 {}，更新 {}", report.created, report.updated)),
        ..actor.audit("project.import", "campaign", Some(campaign_id.to_string()))
    };
    audit::record(db, entry, now).await?;
    Ok(report)
}

/// Stores a file's drafts for `unit_id`, all or nothing: declared by an applicant unit, or
/// received from below by a higher unit (through the gate). The command line calls this
/// directly; staff go through [`import`], which checks their rights first.
///
/// # Errors
/// `Validation` naming every project that may not be stored; database failure.
pub async fn store(
    db: &DatabaseConnection,
    campaign_id: i32,
    unit_id: i32,
    drafts: Vec<ProjectDraft>,
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    if receive::is_higher_unit(db, unit_id).await? {
        receive::import(db, campaign_id, unit_id, &drafts, now).await
    } else {
        import::store(db, campaign_id, unit_id, drafts, now).await
    }
}
