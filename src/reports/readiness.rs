//! Whether a notice's result report may be issued now, and if not, everything that blocks it:
//! the notice must be published, not withdrawn and closed (by the clock), its current period
//! must not have a report yet, and every objection on it must be concluded. Also loads what
//! the next report accounts for: the projects as last published and the objections that
//! arrived since the notice's previous report.
use super::content::Case;
use crate::error::AppResult;
use crate::notices::{Item, NoticeState, PublishedNotice, service};
use crate::objections::{Category, RefusalReason, Status};
use crate::report_standing::{self, Standing};
use chrono::{DateTime, Utc};
use entity::{notice_revisions, notices, objection_events, objections, result_reports};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashSet;

/// One reason the report cannot be issued yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    NotPublished,
    Withdrawn,
    NotClosed { closes_at: DateTime<Utc> },
    AlreadyIssued { code: String },
    OpenObjection { objection_id: i32, receipt_code: String, project_name: Option<String>, status: Status },
}

impl Blocker {
    /// A stable code for the API.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotPublished => "not_published",
            Self::Withdrawn => "withdrawn",
            Self::NotClosed { .. } => "not_closed",
            Self::AlreadyIssued { .. } => "already_issued",
            Self::OpenObjection { .. } => "open_objection",
        }
    }

    /// What staff read, in Chinese.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::NotPublished => "公示尚未发布".to_owned(),
            Self::Withdrawn => "公示已撤销，不出具公示结果报告".to_owned(),
            Self::NotClosed { closes_at } => {
                format!("公示期尚未结束（{}结束）", crate::china_time::close_zh(*closes_at))
            }
            Self::AlreadyIssued { code } => {
                format!("本公示期的公示结果报告已出具（编号{code}），报告出具后不可更改")
            }
            Self::OpenObjection { receipt_code, project_name, status, .. } => {
                let on = project_name.as_ref().map(|n| format!("（项目《{n}》）")).unwrap_or_default();
                format!("异议{receipt_code}{on}处于“{}”状态，尚未办结", status.label())
            }
        }
    }
}

/// A blocker as the API and the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BlockerView {
    /// `not_published`, `withdrawn`, `not_closed`, `already_issued` or `open_objection`
    pub kind: String,
    pub message: String,
    /// For an open objection: its staff page.
    pub objection_id: Option<i32>,
}

impl From<&Blocker> for BlockerView {
    fn from(b: &Blocker) -> Self {
        Self {
            kind: b.kind().to_owned(),
            message: b.message(),
            objection_id: match b {
                Blocker::OpenObjection { objection_id, .. } => Some(*objection_id),
                _ => None,
            },
        }
    }
}

/// Where a notice stands for its report.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub notice: notices::Model,
    /// The latest published revision, whose text and items the report states.
    pub latest: Option<PublishedNotice>,
    pub items: Vec<Item>,
    /// The notice's most recent earlier report, if any.
    pub previous: Option<result_reports::Model>,
    /// The objections the next report accounts for, oldest first.
    pub cases: Vec<Case>,
    pub blockers: Vec<Blocker>,
}

impl Readiness {
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// Assesses `notice_id` at `now`.
///
/// # Errors
/// `NotFound` for an unknown notice; database failure.
pub async fn assess<C: ConnectionTrait>(db: &C, notice_id: i32, now: DateTime<Utc>) -> AppResult<Readiness> {
    let notice = service::notice(db, notice_id).await?;
    let latest = service::latest_published(db, notice_id).await?;
    let items = match &latest {
        Some(l) => service::items(db, l.revision.id).await?,
        None => Vec::new(),
    };
    let reports = result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.eq(notice_id))
        .order_by_asc(result_reports::Column::IssuedAt)
        .order_by_asc(result_reports::Column::Id)
        .all(db)
        .await?;
    let mut blockers = Vec::new();
    match (NoticeState::try_from(&notice)?, &latest) {
        (NoticeState::Withdrawn, _) => blockers.push(Blocker::Withdrawn),
        (NoticeState::Draft, _) | (_, None) => blockers.push(Blocker::NotPublished),
        (NoticeState::Published, Some(l)) => {
            if now < l.period.closes_at {
                blockers.push(Blocker::NotClosed { closes_at: l.period.closes_at });
            }
            if let Some(code) = issued_for_period(db, &reports, l).await? {
                blockers.push(Blocker::AlreadyIssued { code });
            }
        }
    }
    let all = load_cases(db, notice_id).await?;
    for c in all.iter().filter(|c| !c.status.is_closed()) {
        let project_name =
            c.project_id.and_then(|p| items.iter().find(|i| i.project_id == p)).map(|i| i.snapshot.name.clone());
        blockers.push(Blocker::OpenObjection {
            objection_id: c.id,
            receipt_code: c.receipt_code.clone(),
            project_name,
            status: c.status,
        });
    }
    let previous = reports.last().cloned();
    // Each objection belongs to the first report issued after it arrived.
    let cases = all.into_iter().filter(|c| previous.as_ref().is_none_or(|p| c.received_at >= p.issued_at)).collect();
    Ok(Readiness { notice, latest, items, previous, cases, blockers })
}

/// The code of a report already issued for the period now in force (a correction that did
/// not restart the period keeps the period, and so its report).
async fn issued_for_period<C: ConnectionTrait>(
    db: &C,
    reports: &[result_reports::Model],
    latest: &PublishedNotice,
) -> AppResult<Option<String>> {
    if reports.is_empty() {
        return Ok(None);
    }
    let ids: Vec<i32> = reports.iter().map(|r| r.revision_id).collect();
    let revisions = notice_revisions::Entity::find().filter(notice_revisions::Column::Id.is_in(ids)).all(db).await?;
    let of_period = reports
        .iter()
        .filter(|r| revisions.iter().any(|rev| rev.id == r.revision_id && rev.opens_at == latest.period.opens_at));
    for report in of_period {
        // A report suspended by a late in-time objection is replaced by a new one for the same
        // period once the objection is concluded; any other report of the period stands.
        if !matches!(report_standing::of(db, report).await?, Standing::Suspended { .. }) {
            return Ok(Some(report.code.clone()));
        }
    }
    Ok(None)
}

/// Every objection on the notice, oldest first, with whether it was ever accepted.
async fn load_cases<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<Vec<Case>> {
    let rows = objections::Entity::find()
        .filter(objections::Column::NoticeId.eq(notice_id))
        .order_by_asc(objections::Column::ReceivedAt)
        .order_by_asc(objections::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let accepted: HashSet<i32> = objection_events::Entity::find()
        .filter(objection_events::Column::ObjectionId.is_in(rows.iter().map(|r| r.id)))
        .filter(objection_events::Column::ToStatus.eq(Status::Accepted.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.objection_id)
        .collect();
    rows.into_iter()
        .map(|o| {
            Ok(Case {
                id: o.id,
                accepted: accepted.contains(&o.id),
                status: Status::stored(&o.status)?,
                category: Category::parse(&o.category),
                refusal: o.refusal_reason.as_deref().and_then(RefusalReason::parse),
                receipt_code: o.receipt_code,
                project_id: o.project_id,
                received_at: o.received_at,
                summary: o.public_summary,
            })
        })
        .collect::<AppResult<_>>()
}
