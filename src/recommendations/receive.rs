//! The import into a higher unit. A unit with units below it declares no projects of its own:
//! a file it imports lists projects coming up from below, and each must be a project declared
//! below it, held by a unit directly beneath it and cleared by the gate — exactly as if that
//! unit had recommended it. The whole file is received or none of it, and every refusal names
//! the project and what is missing. The projects' 登记表 data stay as their applicant declared
//! and noticed them; the file only says which projects arrive.
use crate::audit::Who;
use crate::error::{AppError, AppResult, FieldError};
use crate::projects::ProjectDraft;
use crate::projects::import::ImportReport;
use chrono::{DateTime, Utc};
use entity::{projects, units};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;

/// Whether `unit_id` has units below it.
///
/// # Errors
/// Database failure.
pub async fn is_higher_unit<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<bool> {
    Ok(units::Entity::find().filter(units::Column::ParentId.eq(unit_id)).count(db).await? > 0)
}

/// Receives the projects a file lists into `unit_id`, through the gate.
///
/// # Errors
/// `Validation` listing every project that may not come up (nothing is received then);
/// database failure.
pub async fn import(
    db: &DatabaseConnection,
    campaign_id: i32,
    unit_id: i32,
    drafts: &[ProjectDraft],
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    let txn = crate::db::begin_write(db).await?;
    let report = receive_in(&txn, campaign_id, unit_id, drafts, now).await?;
    txn.commit().await?;
    Ok(report)
}

/// What [`import`] would answer, without receiving anything (the import preview).
///
/// # Errors
/// As [`import`].
pub async fn check(
    db: &DatabaseConnection,
    campaign_id: i32,
    unit_id: i32,
    drafts: &[ProjectDraft],
) -> AppResult<ImportReport> {
    let txn = crate::db::begin_write(db).await?;
    // Nothing is kept (the transaction is rolled back), so no instant is recorded either.
    let report = receive_in(&txn, campaign_id, unit_id, drafts, DateTime::UNIX_EPOCH).await;
    txn.rollback().await?;
    report
}

async fn receive_in<C: ConnectionTrait>(
    txn: &C,
    campaign_id: i32,
    unit_id: i32,
    drafts: &[ProjectDraft],
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    let all: HashMap<i32, units::Model> =
        units::Entity::find().all(txn).await?.into_iter().map(|u| (u.id, u)).collect();
    let here = all.get(&unit_id).ok_or(AppError::NotFound)?;
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    for d in drafts {
        let found = projects::Entity::find()
            .filter(projects::Column::CampaignId.eq(campaign_id))
            .filter(projects::Column::ImportKey.eq(d.import_key.clone()))
            .one(txn)
            .await?
            .filter(|p| is_below(&all, p.applicant_unit_id, unit_id));
        let Some(project) = found else {
            errors.push(FieldError::new(
                "项目名称",
                format!(
                    "项目《{}》（申报编号“{}”）不是{}下级单位申报的项目：推荐单位不能直接导入项目，须由申报单位导入，经申报单位公示无异议或异议不成立后逐级推荐",
                    d.name, d.import_key, here.name
                ),
            ));
            continue;
        };
        if project.holder_unit_id == unit_id {
            // Already here (an earlier import or recommendation): re-importing changes nothing.
            report.received += 1;
            report.project_ids.push(project.id);
            continue;
        }
        let holder = all.get(&project.holder_unit_id);
        if holder.and_then(|h| h.parent_id) != Some(unit_id) {
            let at = holder.map_or("其他单位", |h| h.name.as_str());
            errors.push(FieldError::new(
                "项目名称",
                format!("项目《{}》目前在{at}，须先由{at}逐级推荐，才能进入{}", project.name, here.name),
            ));
            continue;
        }
        match super::recommend_in(
            txn,
            project.id,
            project.holder_unit_id,
            d.over_limit_reason.as_deref(),
            &Who::default(),
            now,
        )
        .await
        {
            Ok(_) => {
                report.received += 1;
                report.project_ids.push(project.id);
            }
            Err(AppError::Validation(mut list)) => errors.append(&mut list),
            Err(AppError::Conflict { message, .. }) => errors.push(FieldError::new("项目名称", message)),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() { Ok(report) } else { Err(AppError::Validation(errors)) }
}

fn is_below(all: &HashMap<i32, units::Model>, unit: i32, ancestor: i32) -> bool {
    let mut current = all.get(&unit).and_then(|u| u.parent_id);
    // The tree is shallow; the bound only guards against a cycle in bad data.
    for _ in 0..32 {
        match current {
            Some(id) if id == ancestor => return true,
            Some(id) => current = all.get(&id).and_then(|u| u.parent_id),
            None => return false,
        }
    }
    false
}
