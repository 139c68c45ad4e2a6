//! Recommending a project to the next unit up (推荐): the project must be held by the
//! recommending unit and cleared by the gate (a clean result on that unit's own report); the
//! row records the report it rests on, and the project is then held by the unit above. A unit
//! recommending to the province beyond the campaign's limit (原则上不超过5项), or beyond a quota's
//! maximum, must record a reason, which every list and the summary table show.
pub mod ledger;
pub mod notify;
pub mod package;
pub mod receive;
pub mod service;
pub mod staff_api;
pub mod staff_pages;
pub mod status;
pub mod withdraw;

use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::campaigns::CampaignSettings;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::Postbox;
use crate::notices::gate;
use chrono::{DateTime, Utc};
use entity::{campaign_quotas, campaigns, projects, recommendations, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

pub const MAX_REASON_CHARS: usize = 1000;

/// How many projects a unit may send to the unit above before a reason is needed, and how many
/// it has sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub limit: usize,
    pub used: usize,
}

impl Limit {
    #[must_use]
    pub fn is_reached(self) -> bool {
        self.used >= self.limit
    }
}

/// The campaign by code, or the newest one.
///
/// # Errors
/// `NotFound` when there is no such campaign (or none at all); database failure.
pub async fn campaign<C: ConnectionTrait>(db: &C, code: Option<&str>) -> AppResult<campaigns::Model> {
    let query = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => campaigns::Entity::find().filter(campaigns::Column::Code.eq(code)),
        None => campaigns::Entity::find().order_by_desc(campaigns::Column::Year).order_by_desc(campaigns::Column::Id),
    };
    query.one(db).await?.ok_or(AppError::NotFound)
}

/// The limit on `from` → `to` in a campaign: the campaign's recommend limit toward the root
/// unit (the province), and a quota's maximum where one is set; the stricter applies.
///
/// # Errors
/// Database failure.
pub async fn limit<C: ConnectionTrait>(
    db: &C,
    campaign: &campaigns::Model,
    from: &units::Model,
    to: &units::Model,
) -> AppResult<Option<Limit>> {
    // A negative limit in the row counts as the default one.
    let limit_of = |n: i32| usize::try_from(n).ok();
    let mut limit = (to.parent_id.is_none()).then(|| {
        limit_of(campaign.recommend_limit).or(limit_of(CampaignSettings::DEFAULT.recommend_limit)).unwrap_or_default()
    });
    let quota = campaign_quotas::Entity::find()
        .filter(campaign_quotas::Column::CampaignId.eq(campaign.id))
        .filter(campaign_quotas::Column::UnitId.eq(from.id))
        .filter(campaign_quotas::Column::TargetUnitId.eq(to.id))
        .one(db)
        .await?;
    if let Some(max) = quota.and_then(|q| q.max_projects).and_then(|m| usize::try_from(m).ok()) {
        limit = Some(limit.map_or(max, |l| l.min(max)));
    }
    let Some(limit) = limit else { return Ok(None) };
    let used = sent(db, campaign.id, from.id, to.id).await?.len();
    Ok(Some(Limit { limit, used }))
}

/// The recommendations `from` → `to` of a campaign's projects, oldest first.
///
/// # Errors
/// Database failure.
pub async fn sent<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    from: i32,
    to: i32,
) -> AppResult<Vec<recommendations::Model>> {
    let rows = recommendations::Entity::find()
        .filter(recommendations::Column::FromUnitId.eq(from))
        .filter(recommendations::Column::ToUnitId.eq(to))
        .order_by_asc(recommendations::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = projects::Entity::find()
        .filter(projects::Column::Id.is_in(rows.iter().map(|r| r.project_id)))
        .filter(projects::Column::CampaignId.eq(campaign_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(rows.into_iter().filter(|r| ids.contains(&r.project_id)).collect())
}

/// Recommends a project the actor's unit holds to the unit above (the staff pages and API).
///
/// # Errors
/// As [`recommend`]; `Forbidden` / `NotFound` from the access policy.
pub async fn recommend_as(
    db: &DatabaseConnection,
    postbox: &Postbox,
    actor: &Actor,
    project_id: i32,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<recommendations::Model> {
    let project = policy::require_project(db, actor, Action::Recommend, project_id).await?;
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    recommend(db, postbox, project.id, project.holder_unit_id, reason, &who, now).await
}

/// Recommends `project_id` from `from_unit_id` to the unit directly above it, and tells the
/// unit above (`notify`).
///
/// # Errors
/// `Validation` naming the project and what is missing (the gate), or a missing over-limit
/// reason; `Conflict` when already recommended; database failure.
pub async fn recommend(
    db: &DatabaseConnection,
    postbox: &Postbox,
    project_id: i32,
    from_unit_id: i32,
    reason: Option<&str>,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<recommendations::Model> {
    let txn = crate::db::begin_write(db).await?;
    let row = recommend_in(&txn, project_id, from_unit_id, reason, who, now).await?;
    notify::recommended(&txn, postbox, &row, now).await?;
    txn.commit().await?;
    postbox.wake();
    Ok(row)
}

/// [`recommend`] inside the caller's transaction (the import receives many at once).
///
/// # Errors
/// As [`recommend`].
pub async fn recommend_in<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    from_unit_id: i32,
    reason: Option<&str>,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<recommendations::Model> {
    let project = projects::Entity::find_by_id(project_id).one(db).await?.ok_or(AppError::NotFound)?;
    let from = units::Entity::find_by_id(from_unit_id).one(db).await?.ok_or(AppError::NotFound)?;
    let Some(to_id) = from.parent_id else {
        return Err(AppError::invalid("project_id", format!("{}是最上级单位，没有可推荐的上级", from.name)));
    };
    let to = units::Entity::find_by_id(to_id).one(db).await?.ok_or(AppError::NotFound)?;
    let done = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(project.id))
        .filter(recommendations::Column::FromUnitId.eq(from.id))
        .filter(recommendations::Column::ToUnitId.eq(to.id))
        .one(db)
        .await?;
    if done.is_some() {
        return Err(AppError::conflict(format!("项目《{}》已由{}推荐至{}", project.name, from.name, to.name)));
    }
    let clearance = gate::check_can_recommend(db, project.id, from.id, to.id).await?;
    let campaign = campaigns::Entity::find_by_id(project.campaign_id).one(db).await?.ok_or(AppError::NotFound)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let over = limit(db, &campaign, &from, &to).await?.filter(|l| l.is_reached());
    let reason = match (over, reason) {
        (Some(l), None) => {
            return Err(AppError::Validation(vec![FieldError::new(
                "over_limit_reason",
                format!(
                    "{}已向{}推荐{}项，原则上不超过{}项；推荐项目《{}》须填写超额推荐理由",
                    from.name, to.name, l.used, l.limit, project.name
                ),
            )]));
        }
        (Some(_), Some(r)) if r.chars().count() > MAX_REASON_CHARS => {
            return Err(AppError::invalid("over_limit_reason", format!("超额推荐理由不能超过{MAX_REASON_CHARS}个字")));
        }
        (Some(_), Some(r)) => Some(r.to_owned()),
        // Within the limit no reason is needed, and none is recorded.
        (None, _) => None,
    };
    let row = recommendations::ActiveModel {
        project_id: Set(project.id),
        from_unit_id: Set(from.id),
        to_unit_id: Set(to.id),
        level: Set(clearance.level.number()),
        report_id: Set(Some(clearance.report_id)),
        over_limit_reason: Set(reason.clone()),
        created_by: Set(who.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let entry = ledger::recommendation_content(&row);
    crate::ledger::append(db, "recommendation.make", ledger::RECOMMENDATION, row.id, &entry, now).await?;
    let name = project.name.clone();
    let mut p: projects::ActiveModel = project.into();
    p.holder_unit_id = Set(to.id);
    p.updated_at = Set(now);
    p.update(db).await?;
    let detail = match &reason {
        Some(r) => format!("《{name}》推荐至{}（超额推荐理由：{r}）", to.name),
        None => format!("《{name}》推荐至{}", to.name),
    };
    who.record(db, "project.recommend", "project", project_id, from.id, Some(detail), now).await?;
    Ok(row)
}
