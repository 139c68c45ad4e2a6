//! The receiving unit's decision on an offline record (the notice with its paper report): the
//! unit above the recording unit, or the province for its own notices, accepts or rejects it
//! with a reason, logged in the audit log. Only an accepted record's report clears for the gate;
//! a rejected one shows its reason to the recording unit, which may upload a new paper report.
use super::{OFFLINE, Review, required_text};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::china_time::rfc3339_china;
use crate::error::{AppError, AppResult};
use crate::notices::{Level, Period, service};
use crate::report_standing::receiver;
use chrono::{DateTime, Utc};
use entity::{notice_revisions, notices, result_reports, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

/// One offline record as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfflineRow {
    pub notice_id: i32,
    /// Always `offline` (线下公示)
    pub channel: &'static str,
    pub unit_name: String,
    pub level: i32,
    pub level_label: &'static str,
    pub title: String,
    /// Where it was posted (单位公示栏, 《甘肃工人报》…)
    pub posted_where: Option<String>,
    /// 2025年3月10日至2025年3月14日
    pub period_text: String,
    pub review: Review,
    pub review_label: &'static str,
    /// The receiving unit's reason for its decision
    pub review_reason: Option<String>,
    /// When it was decided (RFC 3339, China time)
    pub reviewed_at: Option<String>,
    /// The unit that accepts or rejects it
    pub receiver: String,
    /// The photo or scan of the posted notice (staff only: `/admin/offline/scans/{id}`)
    pub notice_scan_id: Option<i32>,
    /// The scan of the latest paper report
    pub report_scan_id: Option<i32>,
    /// The projects the notice listed, in order
    pub projects: Vec<ListedProject>,
    /// The latest paper report's verification code, once uploaded
    pub report_code: Option<String>,
    /// Whether the signed-in staff member may accept or reject it now
    pub can_review: bool,
}

/// A project on an offline notice.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListedProject {
    pub project_id: i32,
    pub name: String,
}

/// The offline records the actor's unit recorded, and those it is to decide on.
///
/// # Errors
/// Database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<OfflineRow>> {
    let below: Vec<i32> = units::Entity::find()
        .filter(units::Column::ParentId.eq(actor.unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let rows = notices::Entity::find()
        .filter(notices::Column::Channel.eq(OFFLINE))
        .filter(notices::Column::UnitId.is_in(below.into_iter().chain([actor.unit_id])))
        .order_by_desc(notices::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        out.push(row(db, actor, n).await?);
    }
    Ok(out)
}

/// One offline record the actor may see.
///
/// # Errors
/// `NotFound` unless it is an offline notice the actor sees; database failure.
pub async fn find(db: &DatabaseConnection, actor: &Actor, notice_id: i32) -> AppResult<OfflineRow> {
    let notice = offline_notice(db, notice_id).await?;
    policy::require(db, actor, Action::ViewNotice, notice.unit_id).await?;
    row(db, actor, notice).await
}

async fn offline_notice<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<notices::Model> {
    notices::Entity::find_by_id(notice_id).one(db).await?.filter(|n| n.channel == OFFLINE).ok_or(AppError::NotFound)
}

async fn row<C: ConnectionTrait>(db: &C, actor: &Actor, n: notices::Model) -> AppResult<OfflineRow> {
    let unit = service::unit(db, n.unit_id).await?;
    let receiver = receiver(db, n.unit_id).await?;
    let revision = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(n.id))
        .order_by_desc(notice_revisions::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.eq(n.id))
        .filter(result_reports::Column::PaperScanId.is_not_null())
        .order_by_desc(result_reports::Column::Id)
        .one(db)
        .await?;
    let projects = service::items(db, revision.id)
        .await?
        .into_iter()
        .map(|i| ListedProject { project_id: i.project_id, name: i.snapshot.name })
        .collect();
    let review = Review::of(&n).unwrap_or(Review::Pending);
    let level = Level::try_from(&n)?;
    Ok(OfflineRow {
        notice_id: n.id,
        channel: OFFLINE,
        unit_name: unit.name,
        level: n.level,
        level_label: level.label(),
        title: revision.title.clone(),
        posted_where: n.posted_where.clone(),
        period_text: Period::of_revision(&revision).range_text(),
        review,
        review_label: review.label(),
        review_reason: n.offline_review_reason.clone(),
        reviewed_at: n.offline_reviewed_at.map(rfc3339_china),
        can_review: may_review(actor, receiver.id) && n.withdrawn_at.is_none(),
        receiver: receiver.name,
        projects,
        notice_scan_id: n.offline_scan_id,
        report_scan_id: report.as_ref().and_then(|r| r.paper_scan_id),
        report_code: report.map(|r| r.code),
    })
}

fn may_review(actor: &Actor, receiver_id: i32) -> bool {
    actor.unit_id == receiver_id && policy::require_role(actor, Action::Recommend).is_ok()
}

/// Accepts (`accept` true) or rejects the offline record `notice_id` with `reason`.
///
/// # Errors
/// `NotFound` for a record the actor cannot see; `Forbidden` unless the actor is an admin of
/// the receiving unit; `Validation` (field `reason`) for a blank or overlong reason;
/// `Conflict` for a withdrawn notice; database failure.
pub async fn decide_as(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    accept: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<OfflineRow> {
    let notice = offline_notice(db, notice_id).await?;
    policy::require(db, actor, Action::ViewNotice, notice.unit_id).await?;
    let receiver = receiver(db, notice.unit_id).await?;
    if !may_review(actor, receiver.id) {
        return Err(AppError::Forbidden);
    }
    let what = if accept { "确认理由" } else { "退回理由" };
    let reason = required_text("reason", what, reason)?;
    if notice.withdrawn_at.is_some() {
        return Err(AppError::conflict("该公示已撤销，不能再确认或退回"));
    }
    let decision = if accept { Review::Accepted } else { Review::Rejected };
    let txn = crate::db::begin_write(db).await?;
    let mut n: notices::ActiveModel = notice.clone().into();
    n.offline_review = Set(Some(decision.code().to_owned()));
    n.offline_review_reason = Set(Some(reason.clone()));
    n.offline_reviewed_by = Set(Some(actor.user_id));
    n.offline_reviewed_at = Set(Some(now));
    let saved = n.update(&txn).await?;
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    let action = if accept { "notice.offline.accept" } else { "notice.offline.reject" };
    let detail = Some(format!("{}线下公示{}（理由：{reason}）", decision.label(), notice.id));
    who.record(&txn, action, "notice", notice.id, notice.unit_id, detail, now).await?;
    txn.commit().await?;
    row(db, actor, saved).await
}
