//! Everything the public side needs about notices, loaded in a few queries: one notice with
//! its published revisions, unit, campaign and live result reports ([`PublicState`]), and
//! the list of all public notices for the home, unit and campaign pages, feeds and the API.
//! Which revision is shown is decided per call from `now` (see `visibility`).
use super::{Level, NoticeState as Lifecycle, Period, Status, service, visibility};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{campaign_deadlines, campaigns, notice_revisions, notices, result_reports, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// A live (not superseded) result report on a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRef {
    pub code: String,
    pub issued_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
}

/// A recommendation to the notice's unit of a project it lists, withdrawn (撤回推荐): the
/// recommendation was public on the notice, so its withdrawal is too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawnRecommendation {
    pub project_id: i32,
    pub project_name: String,
    pub from_unit_name: String,
    pub withdrawn_at: DateTime<Utc>,
    pub reason: String,
}

/// One non-draft notice with what its public pages show, whatever the instant.
#[derive(Debug, Clone)]
pub struct PublicState {
    pub notice: notices::Model,
    pub unit: units::Model,
    pub campaign: campaigns::Model,
    /// Published revisions, oldest first.
    pub revisions: Vec<notice_revisions::Model>,
    pub reports: Vec<ReportRef>,
    /// Filled for the notice's own pages (levels 2 and 3), empty in lists.
    pub withdrawn_recommendations: Vec<WithdrawnRecommendation>,
    level: Level,
    lifecycle: Lifecycle,
}

impl PublicState {
    /// # Errors
    /// `Internal` when the notice row holds a level or state this version does not know.
    pub fn new(
        notice: notices::Model,
        unit: units::Model,
        campaign: campaigns::Model,
        revisions: Vec<notice_revisions::Model>,
        reports: Vec<ReportRef>,
    ) -> AppResult<Self> {
        let (level, lifecycle) = (Level::try_from(&notice)?, Lifecycle::try_from(&notice)?);
        Ok(Self { notice, unit, campaign, revisions, reports, withdrawn_recommendations: Vec::new(), level, lifecycle })
    }

    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }

    #[must_use]
    pub fn is_withdrawn(&self) -> bool {
        self.lifecycle == Lifecycle::Withdrawn
    }

    /// The revision the public sees at `now`; `None` before the notice opens.
    #[must_use]
    pub fn current(&self, now: DateTime<Utc>) -> Option<&notice_revisions::Model> {
        visibility::current_at(&self.revisions, now)
    }

    /// Revisions the public may read at `now`.
    #[must_use]
    pub fn public_revisions(&self, now: DateTime<Utc>) -> Vec<&notice_revisions::Model> {
        visibility::public_at(&self.revisions, now)
    }

    /// When the public first saw the revision (its feed date).
    #[must_use]
    pub fn public_from(&self, rev: &notice_revisions::Model) -> Option<DateTime<Utc>> {
        visibility::public_from(self.revisions.first()?, rev)
    }

    /// Status at `now` for the public: 已撤销 overrides the period.
    #[must_use]
    pub fn status_label(&self, now: DateTime<Utc>) -> &'static str {
        match (self.is_withdrawn(), self.current(now)) {
            (true, _) => "已撤销",
            (false, Some(rev)) => Period::of_revision(rev).status(now).label(),
            (false, None) => Status::Scheduled.label(),
        }
    }

    /// The latest instant at or before `now` when what the public sees changed: a revision
    /// appearing, the period opening or closing, a withdrawal, a result report.
    #[must_use]
    pub fn changed_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let current = self.current(now)?;
        let period = Period::of_revision(current);
        let mut instants: Vec<DateTime<Utc>> =
            self.public_revisions(now).iter().filter_map(|r| self.public_from(r)).collect();
        instants.extend([period.opens_at, period.closes_at]);
        instants.extend(self.notice.withdrawn_at);
        instants.extend(self.reports.iter().map(|r| r.issued_at));
        instants.into_iter().filter(|t| *t <= now).max()
    }

    /// The first instant after `now` at which what the public sees of the notice changes by
    /// the clock alone: a revision appearing, a period opening or closing, a withdrawal or a
    /// result report dated ahead. The end of time when nothing is due.
    #[must_use]
    pub fn next_change_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let revisions = self.revisions.iter().flat_map(|r| {
            let period = Period::of_revision(r);
            [self.public_from(r), Some(period.opens_at), Some(period.closes_at)]
        });
        let withdrawals = self.withdrawn_recommendations.iter().map(|w| Some(w.withdrawn_at));
        revisions
            .chain([self.notice.withdrawn_at])
            .chain(self.reports.iter().map(|r| Some(r.issued_at)))
            .chain(withdrawals)
            .flatten()
            .filter(|t| *t > now)
            .min()
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The public state of one notice; `None` when it does not exist or is still a draft.
///
/// # Errors
/// Database failure.
pub async fn notice_state<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<Option<PublicState>> {
    let Some(notice) = notices::Entity::find_by_id(notice_id).one(db).await? else { return Ok(None) };
    if Lifecycle::try_from(&notice)? == Lifecycle::Draft {
        return Ok(None);
    }
    let revisions = service::published_revisions(db, notice_id).await?;
    let unit = service::unit(db, notice.unit_id).await?;
    let campaign = service::campaign(db, notice.campaign_id).await?;
    let reports = live_reports(db, &[notice_id]).await?.remove(&notice_id).unwrap_or_default();
    let mut state = PublicState::new(notice, unit, campaign, revisions, reports)?;
    if state.level() != Level::Applicant {
        state.withdrawn_recommendations = withdrawn_recommendations(db, &state).await?;
    }
    Ok(Some(state))
}

/// Withdrawn recommendations to the notice's unit of projects its published revisions list.
async fn withdrawn_recommendations<C: ConnectionTrait>(
    db: &C,
    state: &PublicState,
) -> AppResult<Vec<WithdrawnRecommendation>> {
    use entity::{notice_items, recommendation_withdrawals as withdrawals};
    let listed: Vec<i32> = notice_items::Entity::find()
        .filter(notice_items::Column::RevisionId.is_in(state.revisions.iter().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.project_id)
        .collect();
    let rows = withdrawals::Entity::find()
        .filter(withdrawals::Column::ToUnitId.eq(state.notice.unit_id))
        .filter(withdrawals::Column::ProjectId.is_in(listed))
        .order_by_asc(withdrawals::Column::Id)
        .find_also_related(entity::projects::Entity)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (w, project) in rows {
        let from = service::unit(db, w.from_unit_id).await?;
        out.push(WithdrawnRecommendation {
            project_id: w.project_id,
            project_name: project.map(|p| p.name).unwrap_or_default(),
            from_unit_name: from.name,
            withdrawn_at: w.withdrawn_at,
            reason: w.reason,
        });
    }
    Ok(out)
}

async fn live_reports<C: ConnectionTrait>(db: &C, notice_ids: &[i32]) -> AppResult<HashMap<i32, Vec<ReportRef>>> {
    let rows = result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.is_in(notice_ids.iter().copied()))
        .filter(result_reports::Column::SupersededBy.is_null())
        .order_by_asc(result_reports::Column::IssuedAt)
        .all(db)
        .await?;
    let mut out: HashMap<i32, Vec<ReportRef>> = HashMap::new();
    for r in rows {
        out.entry(r.notice_id).or_default().push(ReportRef {
            code: r.code,
            issued_on: r.issued_on,
            issued_at: r.issued_at,
        });
    }
    Ok(out)
}

/// Narrowing for lists and feeds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub campaign_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub level: Option<Level>,
}

impl Filter {
    /// True when the filter narrows nothing.
    #[must_use]
    pub fn is_everything(&self) -> bool {
        self.campaign_id.is_none() && self.unit_id.is_none() && self.level.is_none()
    }
}

/// A unit by its code, with its parent, for its public page.
///
/// # Errors
/// Database failure.
pub async fn unit_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> AppResult<Option<(units::Model, Option<units::Model>)>> {
    let Some(unit) = units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await? else {
        return Ok(None);
    };
    let parent = match unit.parent_id {
        Some(id) => units::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(Some((unit, parent)))
}

/// A campaign by its code, with its deadlines in date order and the name of each deadline's
/// receiving unit (one query for the names, not one per deadline).
///
/// # Errors
/// Database failure.
pub async fn campaign_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> AppResult<Option<(campaigns::Model, Vec<(campaign_deadlines::Model, String)>)>> {
    let Some(campaign) = campaigns::Entity::find().filter(campaigns::Column::Code.eq(code)).one(db).await? else {
        return Ok(None);
    };
    let rows = campaign_deadlines::Entity::find()
        .filter(campaign_deadlines::Column::CampaignId.eq(campaign.id))
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = units::Entity::find()
        .filter(units::Column::Id.is_in(rows.iter().map(|d| d.unit_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let deadlines = rows
        .into_iter()
        .map(|d| {
            let name = names.get(&d.unit_id).cloned().unwrap_or_default();
            (d, name)
        })
        .collect();
    Ok(Some((campaign, deadlines)))
}
