//! Reading and writing projects. Functions take any connection, so callers choose the
//! transaction.
use super::{Grade, ProjectDraft, eligibility_label};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{project_completers as completers, project_ip_items as ip_items, project_units as punits, projects};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// A project with its ordered lists. Completers' `phone` and `id_number` are filled only for
/// the admins of the unit holding the project (each such answer is recorded in the audit log);
/// for everyone else they are `null`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectRecordSchema)]
pub struct ProjectRecord {
    pub project: projects::Model,
    /// `{id, project_id, position, name}` in order
    #[schema(value_type = Vec<serde_json::Value>)]
    pub units: Vec<punits::Model>,
    /// `{id, project_id, position, name, work_unit, job_title, contribution, workload, phone, id_number}`;
    /// `phone` and `id_number` are `null` unless the caller is an admin of the holding unit
    #[schema(value_type = Vec<serde_json::Value>)]
    pub completers: Vec<completers::Model>,
    /// `{id, project_id, position, kind, title, reference}`
    #[schema(value_type = Vec<serde_json::Value>)]
    pub ip_items: Vec<ip_items::Model>,
    /// The grade the province proposed after its review (拟评等级: `special`, `first`, `second`,
    /// `third` or `merit`); `null` until it has. The provincial notice reads this, not
    /// `project.proposed_grade` (the applicant's 拟推荐等级).
    #[schema(value_type = Option<String>)]
    pub review_grade: Option<Grade>,
}

impl ProjectRecord {
    #[must_use]
    pub fn unit_names(&self) -> Vec<String> {
        self.units.iter().map(|u| u.name.clone()).collect()
    }

    #[must_use]
    pub fn completer_names(&self) -> Vec<String> {
        self.completers.iter().map(|c| c.name.clone()).collect()
    }

    #[must_use]
    pub fn eligibility_label(&self) -> String {
        eligibility_label(self.project.eligibility)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

/// Creates the project, or replaces the one with the same import key in the same campaign and
/// unit. Re-importing a file therefore never duplicates.
///
/// # Errors
/// Database failure, or the key belongs to another unit's project.
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    unit_id: i32,
    draft: &ProjectDraft,
    now: DateTime<Utc>,
) -> AppResult<(i32, Upserted)> {
    let existing = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign_id))
        .filter(projects::Column::ImportKey.eq(draft.import_key.clone()))
        .one(db)
        .await?;
    let (id, outcome) = match existing {
        Some(p) if p.applicant_unit_id != unit_id => {
            return Err(AppError::invalid("import_key", format!("“{}”已被其他单位的项目使用", draft.import_key)));
        }
        Some(p) => {
            let mut row: projects::ActiveModel = p.into();
            fill(&mut row, draft);
            row.updated_at = Set(now);
            let row = row.update(db).await?;
            delete_children(db, row.id).await?;
            (row.id, Upserted::Updated)
        }
        None => {
            let mut row = projects::ActiveModel {
                campaign_id: Set(campaign_id),
                applicant_unit_id: Set(unit_id),
                holder_unit_id: Set(unit_id),
                import_key: Set(draft.import_key.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            fill(&mut row, draft);
            let row = row.insert(db).await?;
            (row.id, Upserted::Created)
        }
    };
    insert_children(db, id, draft).await?;
    Ok((id, outcome))
}

fn fill(row: &mut projects::ActiveModel, d: &ProjectDraft) {
    row.name = Set(d.name.clone());
    row.key_technology = Set(d.key_technology.clone());
    row.eligibility = Set(d.eligibility);
    row.exclusions_declared = Set(d.exclusions_declared);
    row.proposed_grade = Set(d.proposed_grade.map(|g| g.code().to_owned()));
    row.summary = Set(d.summary.clone().filter(|s| !s.trim().is_empty()));
}

async fn delete_children<C: ConnectionTrait>(db: &C, project_id: i32) -> AppResult<()> {
    punits::Entity::delete_many().filter(punits::Column::ProjectId.eq(project_id)).exec(db).await?;
    completers::Entity::delete_many().filter(completers::Column::ProjectId.eq(project_id)).exec(db).await?;
    ip_items::Entity::delete_many().filter(ip_items::Column::ProjectId.eq(project_id)).exec(db).await?;
    Ok(())
}

fn position(i: usize) -> i32 {
    i32::try_from(i + 1).unwrap_or(i32::MAX)
}

async fn insert_children<C: ConnectionTrait>(db: &C, project_id: i32, d: &ProjectDraft) -> AppResult<()> {
    if !d.completing_units.is_empty() {
        let rows = d.completing_units.iter().enumerate().map(|(i, name)| punits::ActiveModel {
            project_id: Set(project_id),
            position: Set(position(i)),
            name: Set(name.clone()),
            ..Default::default()
        });
        punits::Entity::insert_many(rows).exec(db).await?;
    }
    if !d.completers.is_empty() {
        let rows = d.completers.iter().enumerate().map(|(i, c)| completers::ActiveModel {
            project_id: Set(project_id),
            position: Set(position(i)),
            name: Set(c.name.clone()),
            work_unit: Set(non_empty(c.work_unit.as_ref())),
            job_title: Set(non_empty(c.job_title.as_ref())),
            contribution: Set(non_empty(c.contribution.as_ref())),
            workload: Set(non_empty(c.workload.as_ref())),
            phone: Set(non_empty(c.phone.as_ref())),
            id_number: Set(non_empty(c.id_number.as_ref())),
            ..Default::default()
        });
        completers::Entity::insert_many(rows).exec(db).await?;
    }
    if !d.ip_items.is_empty() {
        let rows = d.ip_items.iter().enumerate().map(|(i, item)| ip_items::ActiveModel {
            project_id: Set(project_id),
            position: Set(position(i)),
            kind: Set(item.kind.code().to_owned()),
            title: Set(item.title.clone()),
            reference: Set(non_empty(item.reference.as_ref())),
            ..Default::default()
        });
        ip_items::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// One project with its lists in order.
///
/// # Errors
/// `NotFound` when there is no such project.
pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<ProjectRecord> {
    let project = projects::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let units = project.find_related(punits::Entity).order_by_asc(punits::Column::Position).all(db).await?;
    let completers =
        project.find_related(completers::Entity).order_by_asc(completers::Column::Position).all(db).await?;
    let ip_items = project.find_related(ip_items::Entity).order_by_asc(ip_items::Column::Position).all(db).await?;
    let review_grade = super::review_grade::current(db, project.id).await?;
    Ok(ProjectRecord { project, units, completers, ip_items, review_grade })
}

/// Every project a unit declared in a campaign, by id.
///
/// # Errors
/// Database failure.
pub async fn list_ids_for_unit<C: ConnectionTrait>(db: &C, campaign_id: i32, unit_id: i32) -> AppResult<Vec<i32>> {
    Ok(projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign_id))
        .filter(projects::Column::ApplicantUnitId.eq(unit_id))
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}
