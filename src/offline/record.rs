//! Recording a notice a unit posted offline (张榜、媒体): the same entry rules as an online
//! notice (the gate, the level's content, the campaign's five-day period), but the period may
//! lie in the past, since the notice was posted before it is recorded. It is stored as a
//! published notice marked `offline`, waiting for the receiving unit's decision.
use super::{OFFLINE, Review, required_text, scan};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::china_time::{date_zh, day_of};
use crate::error::{AppError, AppResult};
use crate::notices::generate::{MAX_TITLE_CHARS, build_items, insert_items, stamp};
use crate::notices::{Level, PeriodRules, service};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{notice_revisions, notices};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

/// What staff enter for an offline notice.
pub struct RecordRequest {
    pub campaign_id: i32,
    pub level: i32,
    pub title: String,
    /// 单位公示栏, 《甘肃工人报》…
    pub posted_where: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// In the order the posted notice listed them.
    pub project_ids: Vec<i32>,
    pub scan: scan::Scan,
}

/// Whether the actor may record offline notices for its unit: asked before the input is read,
/// so a refusal says nothing about the input.
///
/// # Errors
/// `Forbidden` for a role that may not manage notices; database failure.
pub async fn allowed(db: &DatabaseConnection, actor: &Actor) -> AppResult<()> {
    policy::require(db, actor, Action::ManageNotice, actor.unit_id).await
}

/// Records the offline notice of the actor's unit.
///
/// # Errors
/// `Forbidden` for a role that may not manage notices; `Validation` per field (title, place,
/// a period that is not the campaign's five calendar days or starts after today, projects the
/// gate refuses); `NotFound` for an unknown campaign.
pub async fn record_as(
    db: &DatabaseConnection,
    actor: &Actor,
    req: RecordRequest,
    now: DateTime<Utc>,
) -> AppResult<notices::Model> {
    allowed(db, actor).await?;
    let now = stamp(now);
    let level = Level::from_number(req.level).ok_or_else(|| AppError::invalid("level", "公示层级应为1、2或3"))?;
    let title = required_text("title", "公示标题", &req.title)?;
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::invalid("title", format!("标题不能超过{MAX_TITLE_CHARS}个字")));
    }
    let posted_where = required_text("posted_where", "张贴或刊登的地点（如单位公示栏、报刊名称）", &req.posted_where)?;
    let txn = crate::db::begin_write(db).await?;
    let campaign = service::campaign(&txn, req.campaign_id).await?;
    let rules = PeriodRules::of(&campaign);
    let period = rules.period(req.starts_on);
    check_dates(req.starts_on, req.ends_on, period.ends_on(), rules.notice_days, now)?;
    let items = build_items(&txn, campaign.id, actor.unit_id, level, &req.project_ids, now).await?;
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    let stored = scan::store(&txn, req.scan, actor.unit_id, "notice", who.user_id, now).await?;
    let notice = notices::ActiveModel {
        campaign_id: Set(campaign.id),
        unit_id: Set(actor.unit_id),
        level: Set(level.number()),
        state: Set(crate::notices::NoticeState::Published.code().to_owned()),
        created_by: Set(who.user_id),
        created_at: Set(now),
        channel: Set(OFFLINE.to_owned()),
        posted_where: Set(Some(posted_where.clone())),
        offline_scan_id: Set(Some(stored.id)),
        offline_review: Set(Some(Review::Pending.code().to_owned())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let revision = notice_revisions::ActiveModel {
        notice_id: Set(notice.id),
        revision_no: Set(1),
        title: Set(title),
        body_md: Set(format!("本公示已于{}在{posted_where}线下公示（张榜或媒体），此处为登记。", period.range_text())),
        starts_on: Set(period.starts_on),
        opens_at: Set(period.opens_at),
        closes_at: Set(period.closes_at),
        board_location: Set(Some(posted_where)),
        web: Set(false),
        restarts_period: Set(false),
        published_at: Set(Some(now)),
        published_by: Set(who.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_items(&txn, revision.id, &items).await?;
    crate::notices::publish::seal_revision(&txn, revision.id, "notice.offline.record", now).await?;
    let detail = Some(format!("登记线下{}（{}），{}个项目", level.label(), period.range_text(), items.len()));
    who.record(&txn, "notice.offline.record", "notice", notice.id, actor.unit_id, detail, now).await?;
    txn.commit().await?;
    Ok(notice)
}

/// The period must be the campaign's (five calendar days from the start) and already begun:
/// a recorded notice was posted before it is recorded.
fn check_dates(
    start: NaiveDate,
    end: NaiveDate,
    expected_end: NaiveDate,
    days: u32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if start > day_of(now) {
        return Err(AppError::invalid("starts_on", "线下公示须已张贴或刊登：开始日期不能晚于今天"));
    }
    if end != expected_end {
        return Err(AppError::invalid(
            "ends_on",
            format!("公示期应为{days}个自然日：自{}起应至{}", date_zh(start), date_zh(expected_end)),
        ));
    }
    Ok(())
}
