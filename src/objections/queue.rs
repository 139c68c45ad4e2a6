//! What staff read: the queue of cases with filters and overdue flags, one case with its full
//! timeline, and per-notice figures for the result report. Never the objector's identity:
//! that is only ever returned by `workflow::view_identity`, which logs the look.
use super::{Category, Channel, ObjectorKind, RefusalReason, SealedLetter, Status};
use crate::access::{Action, Actor, policy};
use crate::china_time::datetime_zh;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{notice_revisions, notices, objection_attachments, objection_events, objections, users};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Queue filters, as query parameters.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct QueueFilter {
    #[serde(default)]
    pub notice_id: Option<i32>,
    /// A status code, or `open` for every case not yet concluded.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub overdue: Option<bool>,
    /// Only cases assigned to the signed-in staff member.
    #[serde(default)]
    pub mine: Option<bool>,
    /// Only organisations' cases still awaiting their sealed letter.
    #[serde(default)]
    pub letter_pending: Option<bool>,
}

/// One row of the queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub id: i32,
    pub receipt_code: String,
    /// The code as the receipt prints it, in groups (ABCD-EFGH).
    pub receipt_display: String,
    pub notice_id: i32,
    pub project_id: Option<i32>,
    pub category: String,
    pub category_label: &'static str,
    pub channel: String,
    pub channel_label: &'static str,
    pub status: String,
    pub status_label: &'static str,
    pub refusal_reason: Option<String>,
    pub in_time: bool,
    pub received_at: DateTime<Utc>,
    pub received_at_text: String,
    pub handling_due_at: DateTime<Utc>,
    pub handling_due_text: String,
    pub overdue: bool,
    pub assigned_to: Option<i32>,
    pub assigned_name: Option<String>,
    pub sealed_letter: String,
    pub sealed_letter_label: &'static str,
}

impl QueueRow {
    fn of(o: &objections::Model, names: &HashMap<i32, String>, now: DateTime<Utc>) -> AppResult<Self> {
        let status = Status::stored(&o.status)?;
        Ok(Self {
            id: o.id,
            receipt_display: super::codes::grouped(&o.receipt_code),
            receipt_code: o.receipt_code.clone(),
            notice_id: o.notice_id,
            project_id: o.project_id,
            category: o.category.clone(),
            category_label: Category::stored(&o.category)?.label(),
            channel: o.channel.clone(),
            channel_label: Channel::stored(&o.channel)?.label(),
            status: o.status.clone(),
            status_label: status.label(),
            refusal_reason: o.refusal_reason.clone(),
            in_time: o.in_time,
            received_at: o.received_at,
            received_at_text: datetime_zh(o.received_at),
            handling_due_at: o.handling_due_at,
            handling_due_text: datetime_zh(o.handling_due_at),
            overdue: is_overdue(o, now),
            assigned_to: o.assigned_to,
            assigned_name: o.assigned_to.and_then(|u| names.get(&u).cloned()),
            sealed_letter: o.sealed_letter.clone(),
            sealed_letter_label: SealedLetter::parse(&o.sealed_letter).map_or("", SealedLetter::label),
        })
    }
}

/// Past its handling deadline and not concluded.
#[must_use]
pub fn is_overdue(o: &objections::Model, now: DateTime<Utc>) -> bool {
    let open = Status::parse(&o.status).is_some_and(|s| !s.is_closed());
    open && now > o.handling_due_at
}

/// The cases the actor may see, newest first, filtered.
///
/// # Errors
/// Database failure.
pub async fn queue<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &QueueFilter,
    now: DateTime<Utc>,
) -> AppResult<Vec<QueueRow>> {
    let scope = policy::scope(db, actor, Action::ViewObjection).await?;
    let notice_ids: Vec<i32> = notices::Entity::find()
        .filter(scope.condition(notices::Column::UnitId))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .filter(|id| filter.notice_id.is_none_or(|wanted| wanted == *id))
        .collect();
    let mut query = objections::Entity::find().filter(objections::Column::NoticeId.is_in(notice_ids));
    match filter.status.as_deref().map(str::trim) {
        Some("open") => {
            let open: Vec<&str> = Status::ALL.iter().filter(|s| !s.is_closed()).map(|s| s.code()).collect();
            query = query.filter(objections::Column::Status.is_in(open));
        }
        Some(code) if Status::parse(code).is_some() => query = query.filter(objections::Column::Status.eq(code)),
        _ => {}
    }
    if filter.mine == Some(true) {
        query = query.filter(objections::Column::AssignedTo.eq(actor.user_id));
    }
    if filter.letter_pending == Some(true) {
        query = query.filter(objections::Column::SealedLetter.eq(SealedLetter::Pending.code()));
    }
    let rows =
        query.order_by_desc(objections::Column::ReceivedAt).order_by_desc(objections::Column::Id).all(db).await?;
    let names = staff_names(db).await?;
    let rows: Vec<QueueRow> = rows.iter().map(|o| QueueRow::of(o, &names, now)).collect::<AppResult<_>>()?;
    Ok(rows.into_iter().filter(|r| filter.overdue != Some(true) || r.overdue).collect())
}

async fn staff_names<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<i32, String>> {
    Ok(users::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// One step as staff see it: with the actor and the internal note.
#[derive(Debug, Clone, Serialize)]
pub struct StaffStep {
    pub at_text: String,
    pub from_label: Option<&'static str>,
    pub to: String,
    pub to_label: &'static str,
    pub actor_name: Option<String>,
    pub internal_note: Option<String>,
    /// The note to the objector (they read it with receipt code and key; never published).
    pub objector_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentRow {
    pub id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// A whole case for staff (identity excepted).
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub row: QueueRow,
    pub notice_title: String,
    pub unit_id: i32,
    pub objector_kind_label: &'static str,
    pub content: String,
    pub claimed_at_text: Option<String>,
    pub registered_at_text: String,
    pub registered_by_name: Option<String>,
    pub refusal_label: Option<String>,
    /// How the case ended, as told to the objector.
    pub objector_conclusion: Option<String>,
    /// The public handling summary: what the 公示结果报告 prints.
    pub public_summary: Option<String>,
    pub timeline: Vec<StaffStep>,
    pub attachments: Vec<AttachmentRow>,
    /// Where the case may go next.
    pub next: Vec<NextStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStatus {
    pub code: &'static str,
    pub label: &'static str,
}

/// One case, for an actor who may see it.
///
/// # Errors
/// `NotFound` / `Forbidden` as the policy says; database failure.
pub async fn detail<C: ConnectionTrait>(db: &C, actor: &Actor, id: i32, now: DateTime<Utc>) -> AppResult<CaseDetail> {
    let (o, notice) = super::workflow::case_for(db, actor, Action::ViewObjection, id).await?;
    let names = staff_names(db).await?;
    let events = objection_events::Entity::find()
        .filter(objection_events::Column::ObjectionId.eq(id))
        .order_by_asc(objection_events::Column::At)
        .order_by_asc(objection_events::Column::Id)
        .all(db)
        .await?;
    let timeline = events
        .into_iter()
        .map(|e| {
            let to = Status::stored(&e.to_status)?;
            Ok(StaffStep {
                at_text: datetime_zh(e.at),
                from_label: e.from_status.as_deref().and_then(Status::parse).map(Status::label),
                to: e.to_status.clone(),
                to_label: to.label(),
                actor_name: e.actor_user_id.and_then(|u| names.get(&u).cloned()),
                internal_note: e.internal_note,
                objector_note: e.public_note,
            })
        })
        .collect::<AppResult<_>>()?;
    let attachments = super::ledger::attachments_of(db, id)
        .await?
        .into_iter()
        .map(|a: objection_attachments::Model| AttachmentRow {
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        })
        .collect();
    let status = Status::stored(&o.status)?;
    Ok(CaseDetail {
        row: QueueRow::of(&o, &names, now)?,
        notice_title: latest_title(db, notice.id).await?,
        unit_id: notice.unit_id,
        objector_kind_label: ObjectorKind::stored(&o.objector_kind)?.label(),
        content: o.content.clone(),
        claimed_at_text: o.claimed_at.map(datetime_zh),
        registered_at_text: datetime_zh(o.registered_at),
        registered_by_name: o.registered_by.and_then(|u| names.get(&u).cloned()),
        refusal_label: o
            .refusal_reason
            .as_deref()
            .map(RefusalReason::stored)
            .transpose()?
            .map(RefusalReason::refusal_label),
        objector_conclusion: o.conclusion_summary.clone(),
        public_summary: o.public_summary.clone(),
        timeline,
        attachments,
        next: status.next().into_iter().map(|s| NextStatus { code: s.code(), label: s.label() }).collect(),
    })
}

async fn latest_title<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<String> {
    let rev = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(notice_id))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_desc(notice_revisions::Column::RevisionNo)
        .one(db)
        .await?;
    Ok(rev.map(|r| r.title).unwrap_or_default())
}

/// The accounts a case of `unit_id` can be assigned to.
///
/// # Errors
/// Database failure.
pub async fn handlers_of<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<Vec<(i32, String)>> {
    Ok(users::Entity::find()
        .filter(users::Column::UnitId.eq(unit_id))
        .filter(users::Column::IsActive.eq(true))
        .filter(Condition::any().add(users::Column::Role.eq("admin")).add(users::Column::Role.eq("handler")))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
