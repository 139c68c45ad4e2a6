//! Building drafts: a new notice from a unit, a level and a set of projects (the admin UI, the
//! admin API and the CLI all call [`generate`]), editing a draft before it is published, and
//! opening a correction draft on a published notice.
use super::content::{Snapshot, snapshot};
use super::period::{check_start, default_start};
use super::{Level, NoticeState, PeriodRules, consistency, service, text};
use crate::audit::Who;
use crate::error::{AppError, AppResult, FieldError};
use crate::notices::gate;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{notice_items, notice_revisions, notices};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
pub const MAX_PROJECTS: usize = 500;

/// What staff ask for when generating a notice.
#[derive(Debug, Clone)]
pub struct GenerateRequest {
    pub campaign_id: i32,
    pub unit_id: i32,
    pub level: Level,
    /// In the order they will be listed (the recommended order for level 2).
    pub project_ids: Vec<i32>,
    /// Default: tomorrow in China time.
    pub starts_on: Option<NaiveDate>,
    pub created_by: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Generated {
    pub notice_id: i32,
    pub revision_id: i32,
    /// E.g. that a period starting today is not five whole days.
    pub warnings: Vec<String>,
}

/// Stored timestamps keep microseconds; truncate so what is hashed is what is read back.
pub(crate) fn stamp(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Generates a draft notice with the level's content, the default title and standard body.
///
/// # Errors
/// `Validation` listing every project that may not enter (gate, level rules, wrong campaign)
/// or a start day in the past; `NotFound` for an unknown campaign or unit.
pub async fn generate(db: &DatabaseConnection, req: &GenerateRequest, now: DateTime<Utc>) -> AppResult<Generated> {
    generate_with(db, req, &Who::user(req.created_by), now).await
}

/// As [`generate`], recording who did it and from where.
///
/// # Errors
/// As [`generate`].
pub async fn generate_with(
    db: &DatabaseConnection,
    req: &GenerateRequest,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<Generated> {
    let now = stamp(now);
    let txn = crate::db::begin_write(db).await?;
    let campaign = service::campaign(&txn, req.campaign_id).await?;
    if !campaign.is_open {
        return Err(AppError::invalid(
            "campaign_id",
            format!("征集活动《{}》已关闭，不再发布新的公示", campaign.title),
        ));
    }
    let unit = service::unit(&txn, req.unit_id).await?;
    let items = build_items(&txn, req.campaign_id, req.unit_id, req.level, &req.project_ids, now).await?;
    let start = req.starts_on.unwrap_or_else(|| default_start(now));
    let warning = check_start(start, now)?;
    let period = PeriodRules::of(&campaign).period(start);
    let notice = notices::ActiveModel {
        campaign_id: Set(campaign.id),
        unit_id: Set(unit.id),
        level: Set(req.level.number()),
        state: Set(NoticeState::Draft.code().to_owned()),
        created_by: Set(req.created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let revision = notice_revisions::ActiveModel {
        notice_id: Set(notice.id),
        revision_no: Set(1),
        title: Set(text::default_title(&campaign, req.level)),
        body_md: Set(text::default_body(&campaign, &unit, req.level, items.len(), &period)),
        starts_on: Set(period.starts_on),
        opens_at: Set(period.opens_at),
        closes_at: Set(period.closes_at),
        web: Set(true),
        restarts_period: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_items(&txn, revision.id, &items).await?;
    let detail = Some(format!("{}，{}个项目", req.level.label(), items.len()));
    who.record(&txn, "notice.generate", "notice", notice.id, unit.id, detail, now).await?;
    txn.commit().await?;
    Ok(Generated { notice_id: notice.id, revision_id: revision.id, warnings: warning.into_iter().collect() })
}

/// Checks every project against the gate and the level's content rules and builds its
/// snapshot, which may not add or remove completers from the lower-level notice it rests on;
/// all refusals are reported together.
pub(crate) async fn build_items<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    unit_id: i32,
    level: Level,
    project_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<Vec<(i32, Snapshot)>> {
    if project_ids.is_empty() {
        return Err(AppError::invalid("projects", "请至少选择一个项目"));
    }
    if project_ids.len() > MAX_PROJECTS {
        return Err(AppError::invalid("projects", format!("一次公示最多{MAX_PROJECTS}个项目")));
    }
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(project_ids.len());
    for (i, &id) in project_ids.iter().enumerate() {
        if project_ids[..i].contains(&id) {
            errors.push(FieldError::new("projects", format!("项目（编号{id}）重复列出")));
            continue;
        }
        match gate::check_can_enter(db, id, level, unit_id).await {
            Ok(()) => {}
            Err(AppError::Validation(mut list)) => {
                errors.append(&mut list);
                continue;
            }
            Err(other) => return Err(other),
        }
        let record = crate::projects::service::load(db, id).await?;
        if record.project.campaign_id != campaign_id {
            errors.push(FieldError::new("projects", format!("项目《{}》不属于本届征集活动", record.project.name)));
            continue;
        }
        match snapshot(level, &record) {
            Ok(s) => items.push((id, s)),
            Err(e) => errors.push(e),
        }
    }
    let listed: Vec<_> = items.iter().map(|(id, s)| (*id, s)).collect();
    errors.extend(consistency::completer_refusals(db, level, unit_id, &listed, now).await?);
    if errors.is_empty() { Ok(items) } else { Err(AppError::Validation(errors)) }
}

pub(crate) async fn insert_items<C: ConnectionTrait>(
    db: &C,
    revision_id: i32,
    items: &[(i32, Snapshot)],
) -> AppResult<()> {
    let rows = items.iter().enumerate().map(|(i, (project_id, s))| notice_items::ActiveModel {
        revision_id: Set(revision_id),
        project_id: Set(*project_id),
        position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
        grade: Set(s.grade.clone()),
        snapshot: Set(s.to_json()),
        ..Default::default()
    });
    notice_items::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// What staff may change on a draft before publishing.
#[derive(Debug, Clone)]
pub struct DraftEdit {
    pub title: String,
    pub body_md: String,
    pub starts_on: NaiveDate,
    pub doc_number: Option<String>,
    pub board_location: Option<String>,
    pub media: Option<String>,
    pub web: bool,
    /// The projects in their listed order; the snapshots are rebuilt from the records.
    pub project_ids: Vec<i32>,
}

/// Saves changes to the notice's draft revision. Returns warnings (e.g. starting today).
///
/// # Errors
/// `Validation` per field; `Conflict` when there is no draft (it was published meanwhile).
pub async fn update_draft(
    db: &DatabaseConnection,
    notice_id: i32,
    edit: DraftEdit,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<Vec<String>> {
    let now = stamp(now);
    let txn = crate::db::begin_write(db).await?;
    let notice = service::notice(&txn, notice_id).await?;
    let draft = service::draft_revision(&txn, notice_id).await?.ok_or_else(no_draft)?;
    let level = Level::try_from(&notice)?;
    let title = edit.title.trim().to_owned();
    let mut errors = Vec::new();
    if title.is_empty() {
        errors.push(FieldError::new("title", "标题不能为空"));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new("title", format!("标题不能超过{MAX_TITLE_CHARS}个字")));
    }
    if edit.body_md.trim().is_empty() {
        errors.push(FieldError::new("body_md", "正文不能为空"));
    } else if edit.body_md.chars().count() > MAX_BODY_CHARS {
        errors.push(FieldError::new("body_md", format!("正文不能超过{MAX_BODY_CHARS}个字")));
    }
    let warning = match check_start(edit.starts_on, now) {
        Ok(w) => w,
        Err(AppError::Validation(mut list)) => {
            errors.append(&mut list);
            None
        }
        Err(other) => return Err(other),
    };
    let items = match build_items(&txn, notice.campaign_id, notice.unit_id, level, &edit.project_ids, now).await {
        Ok(items) => items,
        Err(AppError::Validation(mut list)) => {
            errors.append(&mut list);
            Vec::new()
        }
        Err(other) => return Err(other),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let campaign = service::campaign(&txn, notice.campaign_id).await?;
    let old_period = super::Period::of_revision(&draft);
    let period = PeriodRules::of(&campaign).period(edit.starts_on);
    let body = text::replace_period(&edit.body_md, &old_period, &period);
    let mut row: notice_revisions::ActiveModel = draft.clone().into();
    row.title = Set(title);
    row.body_md = Set(body);
    row.starts_on = Set(period.starts_on);
    row.opens_at = Set(period.opens_at);
    row.closes_at = Set(period.closes_at);
    row.board_location = Set(tidy(edit.board_location));
    row.media = Set(tidy(edit.media));
    row.web = Set(edit.web);
    row.update(&txn).await?;
    let unit_id = notice.unit_id;
    if notice.state == NoticeState::Draft.code() {
        let mut n: notices::ActiveModel = notice.into();
        n.doc_number = Set(tidy(edit.doc_number));
        n.update(&txn).await?;
    }
    notice_items::Entity::delete_many().filter(notice_items::Column::RevisionId.eq(draft.id)).exec(&txn).await?;
    insert_items(&txn, draft.id, &items).await?;
    who.record(&txn, "notice.draft.update", "notice", notice_id, unit_id, None, now).await?;
    txn.commit().await?;
    Ok(warning.into_iter().collect())
}

fn no_draft() -> AppError {
    AppError::conflict("这则公示没有待发布的草稿")
}

fn tidy(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Opens a correction (更正) draft on a published notice: a copy of the latest published
/// revision, its start day moved to tomorrow in case the correction restarts the period.
/// An existing draft is returned as is.
///
/// # Errors
/// `NotFound`; `Conflict` when the notice is a draft or withdrawn.
pub async fn start_correction(
    db: &DatabaseConnection,
    notice_id: i32,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let now = stamp(now);
    let txn = crate::db::begin_write(db).await?;
    let notice = service::notice(&txn, notice_id).await?;
    match NoticeState::try_from(&notice)? {
        NoticeState::Published => {}
        NoticeState::Draft => return Err(AppError::conflict("公示尚未发布，直接修改草稿即可")),
        NoticeState::Withdrawn => return Err(AppError::conflict("公示已撤销，不能更正")),
    }
    if let Some(draft) = service::draft_revision(&txn, notice_id).await? {
        return Ok(draft.id);
    }
    let latest = service::latest_published(&txn, notice_id).await?.ok_or_else(no_draft)?;
    let campaign = service::campaign(&txn, notice.campaign_id).await?;
    let period = PeriodRules::of(&campaign).period(default_start(now));
    let prev = latest.revision;
    let revision = notice_revisions::ActiveModel {
        notice_id: Set(notice_id),
        revision_no: Set(prev.revision_no + 1),
        title: Set(prev.title.clone()),
        body_md: Set(text::replace_period(&prev.body_md, &latest.period, &period)),
        starts_on: Set(period.starts_on),
        opens_at: Set(period.opens_at),
        closes_at: Set(period.closes_at),
        board_location: Set(prev.board_location.clone()),
        media: Set(prev.media.clone()),
        web: Set(prev.web),
        restarts_period: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let items: Vec<(i32, Snapshot)> =
        service::items(&txn, prev.id).await?.into_iter().map(|i| (i.project_id, i.snapshot)).collect();
    insert_items(&txn, revision.id, &items).await?;
    who.record(&txn, "notice.correction.start", "notice", notice_id, notice.unit_id, None, now).await?;
    txn.commit().await?;
    Ok(revision.id)
}

/// Throws away an unpublished draft: a never-published notice disappears entirely, a
/// correction draft leaves the published notice as it was.
///
/// # Errors
/// `Conflict` when there is no draft.
pub async fn discard_draft(db: &DatabaseConnection, notice_id: i32, who: &Who, now: DateTime<Utc>) -> AppResult<()> {
    let now = stamp(now);
    let txn = crate::db::begin_write(db).await?;
    let notice = service::notice(&txn, notice_id).await?;
    let draft = service::draft_revision(&txn, notice_id).await?.ok_or_else(no_draft)?;
    notice_revisions::Entity::delete_by_id(draft.id).exec(&txn).await?;
    if NoticeState::try_from(&notice)? == NoticeState::Draft {
        notices::Entity::delete_by_id(notice.id).exec(&txn).await?;
    }
    who.record(&txn, "notice.draft.discard", "notice", notice_id, notice.unit_id, None, now).await?;
    txn.commit().await?;
    Ok(())
}
