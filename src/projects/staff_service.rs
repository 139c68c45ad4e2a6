//! Projects as staff work on them: every function checks [`policy`] first, so the admin pages
//! and the admin API share one decision, and every change lands in the audit log.
use super::service::{self, ProjectRecord};
use super::{Grade, ProjectDraft};
use crate::access::{Action, Actor, policy};
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{campaigns, project_completers, projects, units};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// One line of the project list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectRow {
    pub id: i32,
    pub campaign_id: i32,
    pub import_key: String,
    pub name: String,
    pub applicant_unit: String,
    pub holder_unit: String,
    pub completers: Vec<String>,
    pub proposed_grade: Option<String>,
    pub grade_label: Option<&'static str>,
    pub updated_at: DateTime<Utc>,
}

/// # Errors
/// Database failure.
pub async fn campaigns(db: &DatabaseConnection) -> AppResult<Vec<campaigns::Model>> {
    Ok(campaigns::Entity::find()
        .order_by_desc(campaigns::Column::Year)
        .order_by_desc(campaigns::Column::Id)
        .all(db)
        .await?)
}

/// The projects the actor may see, newest first, optionally of one campaign.
///
/// # Errors
/// Database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor, campaign_id: Option<i32>) -> AppResult<Vec<ProjectRow>> {
    let mut query = projects::Entity::find().filter(policy::project_condition(actor, Action::ViewProject));
    if let Some(c) = campaign_id {
        query = query.filter(projects::Column::CampaignId.eq(c));
    }
    let rows = query.order_by_desc(projects::Column::UpdatedAt).order_by_desc(projects::Column::Id).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut names: HashMap<i32, Vec<String>> = HashMap::new();
    for c in project_completers::Entity::find()
        .filter(project_completers::Column::ProjectId.is_in(ids))
        .order_by_asc(project_completers::Column::Position)
        .all(db)
        .await?
    {
        names.entry(c.project_id).or_default().push(c.name);
    }
    let unit_names: HashMap<i32, String> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    Ok(rows
        .into_iter()
        .map(|p| ProjectRow {
            grade_label: p.proposed_grade.as_deref().and_then(Grade::parse).map(Grade::label),
            completers: names.remove(&p.id).unwrap_or_default(),
            applicant_unit: unit_names.get(&p.applicant_unit_id).cloned().unwrap_or_default(),
            holder_unit: unit_names.get(&p.holder_unit_id).cloned().unwrap_or_default(),
            id: p.id,
            campaign_id: p.campaign_id,
            import_key: p.import_key,
            name: p.name,
            proposed_grade: p.proposed_grade,
            updated_at: p.updated_at,
        })
        .collect())
}

/// One project the actor may see, and whether they may edit it. Completers' phone and ID
/// numbers only for the holding unit's admins, and then recorded ([`super::personal`]).
///
/// # Errors
/// `NotFound` for a missing or hidden project; database failure.
pub async fn get(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<(ProjectRecord, bool)> {
    let project = policy::require_project(db, actor, Action::ViewProject, id).await?;
    let relation = policy::project_relation(db, actor, &project).await?;
    let can_edit = policy::decide(actor, Action::EditProject, relation).is_ok();
    let mut record = service::load(db, id).await?;
    super::personal::show_to(db, actor, relation, &mut record, now).await?;
    Ok((record, can_edit))
}

/// A project the actor may edit, with its lists (the form shows the personal data, so the
/// view is recorded as in [`get`]).
///
/// # Errors
/// `NotFound`/`Forbidden` from the policy; database failure.
pub async fn get_for_edit(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<ProjectRecord> {
    let project = policy::require_project(db, actor, Action::EditProject, id).await?;
    let relation = policy::project_relation(db, actor, &project).await?;
    let mut record = service::load(db, id).await?;
    super::personal::show_to(db, actor, relation, &mut record, now).await?;
    Ok(record)
}

fn record_entry<'a>(actor: &Actor, action: &'a str, project: &projects::Model, detail: String) -> AuditEntry<'a> {
    AuditEntry {
        unit_id: Some(project.holder_unit_id),
        detail: Some(detail),
        ..actor.audit(action, "project", Some(project.id.to_string()))
    }
}

/// Replaces a project's 登记表 fields. Its 申报编号 stays.
///
/// # Errors
/// Policy refusal; every validation problem; database failure.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    draft: ProjectDraft,
    now: DateTime<Utc>,
) -> AppResult<ProjectRecord> {
    let project = policy::require_project(db, actor, Action::EditProject, id).await?;
    let mut draft = draft.validate().map_err(AppError::Validation)?;
    draft.import_key.clone_from(&project.import_key);
    let txn = crate::db::begin_write(db).await?;
    service::upsert(&txn, project.campaign_id, project.applicant_unit_id, &draft, now).await?;
    audit::record(&txn, record_entry(actor, "project.update", &project, draft.name.clone()), now).await?;
    txn.commit().await?;
    service::load(db, id).await
}

pub async fn campaign(db: &DatabaseConnection, id: i32) -> AppResult<campaigns::Model> {
    campaigns::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// Declares a new project for the actor's unit.
///
/// # Errors
/// `Forbidden` for a role that may not edit projects; `NotFound` for an unknown campaign;
/// validation; `Taken` for a 申报编号 already in use; database failure.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_id: i32,
    draft: ProjectDraft,
    now: DateTime<Utc>,
) -> AppResult<ProjectRecord> {
    policy::require_role(actor, Action::EditProject)?;
    let campaign = campaign(db, campaign_id).await?;
    let draft = draft.validate().map_err(AppError::Validation)?;
    let txn = crate::db::begin_write(db).await?;
    let taken = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign.id))
        .filter(projects::Column::ImportKey.eq(draft.import_key.clone()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::taken("import_key", format!("“{}”已有项目；修改请用更新", draft.import_key)));
    }
    let (id, _) = service::upsert(&txn, campaign.id, actor.unit_id, &draft, now).await?;
    let project = projects::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    audit::record(&txn, record_entry(actor, "project.create", &project, draft.name.clone()), now).await?;
    txn.commit().await?;
    service::load(db, id).await
}
