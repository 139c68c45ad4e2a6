//! How the objections to one notice stand, for the 公示结果报告: counts received / accepted /
//! upheld / dismissed, how each case ended, and whether every case is concluded. No identity.
use super::{Category, RefusalReason, Status};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{objection_events, objections};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashSet;

/// One case as the report states it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CaseOutcome {
    pub receipt_code: String,
    pub project_id: Option<i32>,
    pub category_label: &'static str,
    pub status: Status,
    pub status_label: &'static str,
    pub refusal_label: Option<String>,
    pub received_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
    /// How it was handled, as told to the objector (not for publication).
    pub conclusion_summary: Option<String>,
    /// The public handling summary, when staff wrote one.
    pub public_summary: Option<String>,
}

/// The objections to one notice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeObjections {
    /// Every case recorded, late and anonymous ones included.
    pub received: usize,
    /// Cases that were accepted for handling (whatever became of them).
    pub accepted: usize,
    pub upheld: usize,
    pub dismissed: usize,
    pub refused: usize,
    pub withdrawn: usize,
    /// Cases not yet concluded (received, accepted, investigating).
    pub open: usize,
    pub cases: Vec<CaseOutcome>,
}

impl NoticeObjections {
    /// Every case concluded: the report may be issued.
    #[must_use]
    pub fn all_concluded(&self) -> bool {
        self.open == 0
    }

    /// Projects with an upheld objection (异议成立，不予推荐).
    #[must_use]
    pub fn upheld_projects(&self) -> Vec<i32> {
        self.projects_with(Status::Upheld)
    }

    /// Projects with a dismissed objection (有异议，经核查不成立).
    #[must_use]
    pub fn dismissed_projects(&self) -> Vec<i32> {
        self.projects_with(Status::Dismissed)
    }

    fn projects_with(&self, status: Status) -> Vec<i32> {
        let mut ids: Vec<i32> = self.cases.iter().filter(|c| c.status == status).filter_map(|c| c.project_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The objections to `notice_id`, oldest first.
///
/// # Errors
/// Database failure.
pub async fn for_notice<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<NoticeObjections> {
    let cases = objections::Entity::find()
        .filter(objections::Column::NoticeId.eq(notice_id))
        .order_by_asc(objections::Column::ReceivedAt)
        .order_by_asc(objections::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = cases.iter().map(|c| c.id).collect();
    let accepted: HashSet<i32> = objection_events::Entity::find()
        .filter(objection_events::Column::ObjectionId.is_in(ids))
        .filter(objection_events::Column::ToStatus.eq(Status::Accepted.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.objection_id)
        .collect();
    let mut out = NoticeObjections { received: cases.len(), accepted: accepted.len(), ..Default::default() };
    for c in cases {
        let status = Status::stored(&c.status)?;
        match status {
            Status::Upheld => out.upheld += 1,
            Status::Dismissed => out.dismissed += 1,
            Status::Refused => out.refused += 1,
            Status::Withdrawn => out.withdrawn += 1,
            Status::Received | Status::Accepted | Status::Investigating => out.open += 1,
        }
        out.cases.push(CaseOutcome {
            receipt_code: c.receipt_code,
            project_id: c.project_id,
            category_label: Category::stored(&c.category)?.label(),
            status,
            status_label: status.label(),
            refusal_label: c
                .refusal_reason
                .as_deref()
                .map(RefusalReason::stored)
                .transpose()?
                .map(RefusalReason::refusal_label),
            received_at: c.received_at,
            concluded_at: c.concluded_at,
            conclusion_summary: c.conclusion_summary,
            public_summary: c.public_summary,
        });
    }
    Ok(out)
}
