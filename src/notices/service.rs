//! Reading notices: the revision the public sees now, any published revision, drafts for
//! staff, and the items of a revision. Functions take any connection so callers choose the
//! transaction.
use super::content::Snapshot;
use super::{Level, NoticeState, Period, visibility};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{campaigns, notice_items, notice_revisions, notices, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// One project on one revision, with its public fields as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i32,
    pub project_id: i32,
    /// 排序: 1, 2, 3 …
    pub position: i32,
    pub snapshot: Snapshot,
}

/// A notice with one of its published revisions.
#[derive(Debug, Clone)]
pub struct PublishedNotice {
    pub notice: notices::Model,
    pub revision: notice_revisions::Model,
    pub period: Period,
    level: Level,
    state: NoticeState,
}

impl PublishedNotice {
    /// # Errors
    /// `Internal` when the notice row holds a level or state this version does not know.
    pub fn new(notice: notices::Model, revision: notice_revisions::Model) -> AppResult<Self> {
        let (level, state) = (Level::try_from(&notice)?, NoticeState::try_from(&notice)?);
        Ok(Self { period: Period::of_revision(&revision), notice, revision, level, state })
    }

    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }

    #[must_use]
    pub fn state(&self) -> NoticeState {
        self.state
    }

    #[must_use]
    pub fn is_withdrawn(&self) -> bool {
        self.state() == NoticeState::Withdrawn
    }

    /// True while the notice takes objections in time: published, not withdrawn, and
    /// `at` inside the current revision's period.
    #[must_use]
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        !self.is_withdrawn() && self.period.is_open(at)
    }
}

/// The published revisions of a notice, oldest first.
///
/// # Errors
/// Database failure.
pub async fn published_revisions<C: ConnectionTrait>(
    db: &C,
    notice_id: i32,
) -> AppResult<Vec<notice_revisions::Model>> {
    Ok(notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(notice_id))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_asc(notice_revisions::Column::RevisionNo)
        .all(db)
        .await?)
}

/// The notice as the public sees it at `now`: `None` when it does not exist, is a draft, or
/// is scheduled and has not opened yet. Objections use this for the period and the state.
///
/// # Errors
/// Database failure.
pub async fn current_public<C: ConnectionTrait>(
    db: &C,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<PublishedNotice>> {
    let Some(notice) = notices::Entity::find_by_id(notice_id).one(db).await? else { return Ok(None) };
    if NoticeState::try_from(&notice)? == NoticeState::Draft {
        return Ok(None);
    }
    let revisions = published_revisions(db, notice_id).await?;
    visibility::current_at(&revisions, now).cloned().map(|revision| PublishedNotice::new(notice, revision)).transpose()
}

/// The latest published revision whether or not the public sees it yet (for staff, and for
/// rules that look at what was published rather than what is shown).
///
/// # Errors
/// Database failure.
pub async fn latest_published<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<Option<PublishedNotice>> {
    let Some(notice) = notices::Entity::find_by_id(notice_id).one(db).await? else { return Ok(None) };
    let revision = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(notice_id))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_desc(notice_revisions::Column::RevisionNo)
        .one(db)
        .await?;
    revision.map(|revision| PublishedNotice::new(notice, revision)).transpose()
}

/// The unpublished revision being prepared, if any.
///
/// # Errors
/// Database failure.
pub async fn draft_revision<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<Option<notice_revisions::Model>> {
    Ok(notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(notice_id))
        .filter(notice_revisions::Column::PublishedAt.is_null())
        .order_by_desc(notice_revisions::Column::RevisionNo)
        .one(db)
        .await?)
}

/// The items of a revision, in order.
///
/// # Errors
/// Database failure, or a stored snapshot that no longer parses (internal).
pub async fn items<C: ConnectionTrait>(db: &C, revision_id: i32) -> AppResult<Vec<Item>> {
    let rows = notice_items::Entity::find()
        .filter(notice_items::Column::RevisionId.eq(revision_id))
        .order_by_asc(notice_items::Column::Position)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let snapshot = Snapshot::from_json(&row.snapshot)
                .map_err(|e| AppError::internal(format!("notice item {} snapshot: {e}", row.id)))?;
            Ok(Item { id: row.id, project_id: row.project_id, position: row.position, snapshot })
        })
        .collect()
}

/// A notice row, or `NotFound`.
///
/// # Errors
/// `NotFound` or database failure.
pub async fn notice<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<notices::Model> {
    notices::Entity::find_by_id(notice_id).one(db).await?.ok_or(AppError::NotFound)
}

/// A revision row, or `NotFound`.
///
/// # Errors
/// `NotFound` or database failure.
pub async fn revision<C: ConnectionTrait>(db: &C, revision_id: i32) -> AppResult<notice_revisions::Model> {
    notice_revisions::Entity::find_by_id(revision_id).one(db).await?.ok_or(AppError::NotFound)
}

/// The publishing unit of a notice.
///
/// # Errors
/// `NotFound` or database failure.
pub async fn unit<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<units::Model> {
    units::Entity::find_by_id(unit_id).one(db).await?.ok_or(AppError::NotFound)
}

/// A campaign row, or `NotFound`.
///
/// # Errors
/// `NotFound` or database failure.
pub async fn campaign<C: ConnectionTrait>(db: &C, campaign_id: i32) -> AppResult<campaigns::Model> {
    campaigns::Entity::find_by_id(campaign_id).one(db).await?.ok_or(AppError::NotFound)
}

/// A unit's published (not withdrawn) notices, newest first, each with the title of its latest
/// published revision: two queries, whatever the number of notices.
///
/// # Errors
/// Database failure.
pub async fn published_titles_of_unit<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<Vec<(i32, String)>> {
    let with_revisions = notices::Entity::find()
        .filter(notices::Column::UnitId.eq(unit_id))
        .filter(notices::Column::State.eq(NoticeState::Published.code()))
        .order_by_desc(notices::Column::Id)
        .find_with_related(notice_revisions::Entity)
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .all(db)
        .await?;
    Ok(with_revisions
        .into_iter()
        .filter_map(|(notice, revisions)| {
            let latest = revisions.into_iter().max_by_key(|r| r.revision_no)?;
            Some((notice.id, latest.title))
        })
        .collect())
}
