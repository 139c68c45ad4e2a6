//! The staff side's notice operations, each checking the access policy before anything else,
//! so the admin pages and the admin API share one set of rules: a unit's staff see its notices
//! and those of the units below; only the unit's own admins generate, edit, publish, correct
//! and withdraw them.
use super::consistency::{self, Difference};
use super::generate::{self, DraftEdit, GenerateRequest, Generated};
use super::public_read::ReportRef;
use super::publish::{self, PublishRequest, Published};
use super::{Level, NoticeState, Period, service};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{campaigns, notice_items, notice_revisions, notices, projects, units};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The audit identity of an actor.
#[must_use]
pub fn who(actor: &Actor) -> Who {
    Who { user_id: Some(actor.user_id), ip: actor.ip.clone() }
}

/// A notice as staff see it: the row, its unit and campaign, the published revisions, the
/// draft if any, and what the public sees now.
#[derive(Debug, Clone)]
pub struct StaffNotice {
    pub notice: notices::Model,
    pub unit: units::Model,
    pub campaign: campaigns::Model,
    pub published: Vec<notice_revisions::Model>,
    pub draft: Option<notice_revisions::Model>,
    pub reports: Vec<ReportRef>,
    /// The actor may generate, edit, publish, correct and withdraw it.
    pub can_manage: bool,
    level: Level,
    state: NoticeState,
}

impl StaffNotice {
    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }

    #[must_use]
    pub fn state(&self) -> NoticeState {
        self.state
    }

    /// The latest published revision, else the draft: what a list shows.
    #[must_use]
    pub fn headline(&self) -> Option<&notice_revisions::Model> {
        self.published.last().or(self.draft.as_ref())
    }
}

async fn load(db: &DatabaseConnection, actor: &Actor, notice: notices::Model) -> AppResult<StaffNotice> {
    let can_manage = policy::require(db, actor, Action::ManageNotice, notice.unit_id).await.is_ok();
    let published = service::published_revisions(db, notice.id).await?;
    let draft = service::draft_revision(db, notice.id).await?;
    let unit = service::unit(db, notice.unit_id).await?;
    let campaign = service::campaign(db, notice.campaign_id).await?;
    let reports = super::public_read::notice_state(db, notice.id).await?.map(|s| s.reports).unwrap_or_default();
    let (level, state) = (Level::try_from(&notice)?, NoticeState::try_from(&notice)?);
    Ok(StaffNotice { notice, unit, campaign, published, draft, reports, can_manage, level, state })
}

/// One notice the actor may see.
///
/// # Errors
/// `NotFound` when missing or out of the actor's sight.
pub async fn find(db: &DatabaseConnection, actor: &Actor, notice_id: i32) -> AppResult<StaffNotice> {
    let notice = service::notice(db, notice_id).await?;
    policy::require(db, actor, Action::ViewNotice, notice.unit_id).await?;
    load(db, actor, notice).await
}

/// Every notice the actor may see, newest first.
///
/// # Errors
/// Database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<StaffNotice>> {
    let scope = policy::scope(db, actor, Action::ViewNotice).await?;
    let rows = notices::Entity::find()
        .filter(scope.condition(notices::Column::UnitId))
        .order_by_desc(notices::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        out.push(load(db, actor, n).await?);
    }
    Ok(out)
}

/// A project the actor could list on a notice of `level`, with whether the gate lets it in.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: i32,
    pub name: String,
    pub applicant: String,
    pub grade: Option<&'static str>,
    pub allowed: bool,
    pub refusal: Option<String>,
    /// Its place on the draft being edited, if listed.
    pub order: Option<i32>,
}

/// Projects the actor's unit may put on a notice of `level` in `campaign_id`: for level 1 its
/// own declared projects; above, the projects of units below it that were on a published
/// notice of the level below (public already, so listing them leaks nothing).
///
/// # Errors
/// Database failure.
pub async fn candidates(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_id: i32,
    level: Level,
) -> AppResult<Vec<Candidate>> {
    let ids = candidate_ids(db, actor, campaign_id, level).await?;
    let rows = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids))
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?;
    let unit_names: HashMap<i32, String> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let gate = crate::notices::gate::check_can_enter(db, p.id, level, actor.unit_id).await;
        let refusal = match gate {
            Ok(()) => None,
            Err(AppError::Validation(list)) => Some(list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；")),
            Err(other) => return Err(other),
        };
        out.push(Candidate {
            id: p.id,
            name: p.name.clone(),
            applicant: unit_names.get(&p.applicant_unit_id).cloned().unwrap_or_default(),
            grade: p
                .proposed_grade
                .as_deref()
                .and_then(crate::projects::Grade::parse)
                .map(crate::projects::Grade::label),
            allowed: refusal.is_none(),
            refusal,
            order: None,
        });
    }
    Ok(out)
}

async fn candidate_ids(db: &DatabaseConnection, actor: &Actor, campaign_id: i32, level: Level) -> AppResult<Vec<i32>> {
    let own: Vec<i32> = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign_id))
        .filter(policy::project_condition(actor, Action::ViewProject))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| level != Level::Applicant || p.applicant_unit_id == actor.unit_id)
        .map(|p| p.id)
        .collect();
    if level.below().is_none() {
        return Ok(own);
    }
    let subtree = policy::scope(db, actor, Action::ViewNotice).await?;
    let lower = notices::Entity::find()
        .filter(notices::Column::CampaignId.eq(campaign_id))
        .filter(notices::Column::Level.lte(level.number()))
        .filter(notices::Column::State.ne(NoticeState::Draft.code()))
        .filter(subtree.condition(notices::Column::UnitId))
        .all(db)
        .await?;
    let lower_ids: Vec<i32> = lower.iter().map(|n| n.id).collect();
    let revisions: Vec<i32> = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.is_in(lower_ids))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let noticed =
        notice_items::Entity::find().filter(notice_items::Column::RevisionId.is_in(revisions)).all(db).await?;
    let mut ids: HashSet<i32> = own.into_iter().collect();
    ids.extend(noticed.into_iter().map(|i| i.project_id));
    Ok(ids.into_iter().collect())
}

/// Generates a draft for the actor's own unit.
///
/// # Errors
/// `Forbidden` for a role that may not manage notices; `NotFound` for a project the actor
/// could not list; the gate's and the level's refusals.
pub async fn generate(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_id: i32,
    level: Level,
    project_ids: Vec<i32>,
    starts_on: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<Generated> {
    policy::require_role(actor, Action::ManageNotice)?;
    service::campaign(db, campaign_id).await.map_err(|_| AppError::invalid("campaign_id", "请选择征集活动"))?;
    let listable: HashSet<i32> = candidate_ids(db, actor, campaign_id, level).await?.into_iter().collect();
    if project_ids.iter().any(|id| !listable.contains(id)) {
        // Whatever exists elsewhere stays unconfirmed.
        let visible = projects::Entity::find()
            .filter(projects::Column::Id.is_in(project_ids.clone()))
            .filter(policy::project_condition(actor, Action::ViewProject))
            .all(db)
            .await?;
        if project_ids.iter().any(|id| !listable.contains(id) && !visible.iter().any(|p| p.id == *id)) {
            return Err(AppError::NotFound);
        }
    }
    let req = GenerateRequest {
        campaign_id,
        unit_id: actor.unit_id,
        level,
        project_ids,
        starts_on,
        created_by: Some(actor.user_id),
    };
    let generated = generate::generate_with(db, &req, &who(actor), now).await?;
    Ok(generated)
}

/// Checks that the actor manages the notice; returns it.
async fn managed(db: &DatabaseConnection, actor: &Actor, notice_id: i32) -> AppResult<notices::Model> {
    let notice = service::notice(db, notice_id).await?;
    policy::require(db, actor, Action::ManageNotice, notice.unit_id).await?;
    Ok(notice)
}

/// # Errors
/// As [`generate::update_draft`], after the policy.
pub async fn update_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    edit: DraftEdit,
    now: DateTime<Utc>,
) -> AppResult<Vec<String>> {
    managed(db, actor, notice_id).await?;
    generate::update_draft(db, notice_id, edit, &who(actor), now).await
}

/// # Errors
/// As [`publish::publish`], after the policy.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    note: Option<String>,
    confirmed: Vec<String>,
    now: DateTime<Utc>,
) -> AppResult<Published> {
    managed(db, actor, notice_id).await?;
    let req = PublishRequest { note, by: Some(actor.user_id), ip: actor.ip.clone(), confirmed };
    publish::publish(db, notice_id, &req, now).await
}

/// # Errors
/// As [`generate::start_correction`], after the policy.
pub async fn start_correction(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    managed(db, actor, notice_id).await?;
    generate::start_correction(db, notice_id, &who(actor), now).await
}

/// # Errors
/// As [`generate::discard_draft`], after the policy.
pub async fn discard_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    managed(db, actor, notice_id).await?;
    generate::discard_draft(db, notice_id, &who(actor), now).await?;
    Ok(())
}

/// # Errors
/// As [`publish::withdraw`], after the policy.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    managed(db, actor, notice_id).await?;
    publish::withdraw_with(db, notice_id, reason, &who(actor), now).await
}

/// Differences of the draft's items against the records and other levels.
///
/// # Errors
/// Database failure.
pub async fn draft_differences(db: &DatabaseConnection, n: &StaffNotice) -> AppResult<Vec<Difference>> {
    let Some(draft) = &n.draft else { return Ok(Vec::new()) };
    let items = service::items(db, draft.id).await?;
    consistency::differences(db, &n.notice, &items).await
}

/// Personal data in the draft's public fields, as publishing would find it (the note aside).
///
/// # Errors
/// Database failure.
pub async fn draft_findings(db: &DatabaseConnection, n: &StaffNotice) -> AppResult<Vec<crate::personal_data::Finding>> {
    let Some(draft) = &n.draft else { return Ok(Vec::new()) };
    let items = service::items(db, draft.id).await?;
    Ok(publish::findings(&n.notice, &n.unit, draft, &items, None))
}

/// The period a revision states, for display.
#[must_use]
pub fn period_of(rev: &notice_revisions::Model) -> Period {
    Period::of_revision(rev)
}
