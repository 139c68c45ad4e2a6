//! The staff side of reports, each call checking the access policy: the reports an actor may
//! see, the notices still waiting for one, and whether a notice's report may be issued now.
use super::content::outcome_of;
use super::readiness::{self, BlockerView, Readiness};
use super::service;
use crate::access::{Action, Actor, policy};
use crate::china_time::date_zh;
use crate::error::AppResult;
use crate::notices::NoticeState;
use chrono::{DateTime, Utc};
use entity::{notices, result_reports};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// One issued report in a staff list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub code: String,
    pub notice_id: i32,
    pub notice_title: String,
    pub level_label: String,
    pub unit_name: String,
    pub issued_on: String,
    pub no_objection: usize,
    pub dismissed: usize,
    pub upheld: usize,
    pub superseded: bool,
    pub url: String,
}

/// The reports the actor may see, newest first.
///
/// # Errors
/// Database failure.
pub async fn rows(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<ReportRow>> {
    let scope = policy::scope(db, actor, Action::ViewReport).await?;
    let mut out = Vec::new();
    for (row, _) in service::list(db, &scope).await? {
        let stored = service::stored(db, row).await?;
        let by = |o: super::Outcome| stored.content.projects.iter().filter(|p| p.outcome == o).count();
        out.push(ReportRow {
            code: stored.row.code.clone(),
            notice_id: stored.row.notice_id,
            notice_title: stored.content.notice.title.clone(),
            level_label: stored.content.notice.level_label.clone(),
            unit_name: stored.content.unit.name.clone(),
            issued_on: date_zh(stored.row.issued_on),
            no_objection: by(super::Outcome::NoObjection),
            dismissed: by(super::Outcome::Dismissed),
            upheld: by(super::Outcome::Upheld),
            superseded: stored.superseded_by.is_some(),
            url: format!("/reports/{}", stored.row.code),
        });
    }
    Ok(out)
}

/// A notice of the actor's unit that has no report for its current period yet.
#[derive(Serialize)]
pub struct Waiting {
    pub notice_id: i32,
    pub title: String,
    pub level_label: &'static str,
    pub period_text: String,
    pub ready: bool,
    pub blockers: Vec<BlockerView>,
}

/// The actor's unit's published notices still without a report for their current period.
///
/// # Errors
/// Database failure.
pub async fn waiting(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>) -> AppResult<Vec<Waiting>> {
    let own = notices::Entity::find()
        .filter(notices::Column::UnitId.eq(actor.unit_id))
        .filter(notices::Column::State.eq(NoticeState::Published.code()))
        .order_by_desc(notices::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for n in own {
        let r = readiness::assess(db, n.id, now).await?;
        let issued = r.blockers.iter().any(|b| matches!(b, super::Blocker::AlreadyIssued { .. }));
        let Some(latest) = r.latest.as_ref().filter(|_| !issued) else { continue };
        out.push(Waiting {
            notice_id: n.id,
            title: latest.revision.title.clone(),
            level_label: latest.level().label(),
            period_text: latest.period.range_text(),
            ready: r.is_ready(),
            blockers: r.blockers.iter().map(BlockerView::from).collect(),
        });
    }
    Ok(out)
}

/// A project as the report will state it, before issuing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub order: i32,
    pub name: String,
    pub outcome_label: String,
}

/// The projects as the report would state them now.
#[must_use]
pub fn preview(r: &Readiness) -> Vec<Preview> {
    r.items
        .iter()
        .map(|i| Preview {
            order: i.position,
            name: i.snapshot.name.clone(),
            outcome_label: outcome_of(i.project_id, &r.cases).label().to_owned(),
        })
        .collect()
}

/// The readiness of a notice the actor may see; `can_issue` when they may also issue.
///
/// # Errors
/// `NotFound`/`Forbidden` by the policy; database failure.
pub async fn visible_readiness(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(Readiness, bool)> {
    let notice = crate::notices::service::notice(db, notice_id).await?;
    policy::require(db, actor, Action::ViewNotice, notice.unit_id).await?;
    let can_issue = policy::require(db, actor, Action::IssueReport, notice.unit_id).await.is_ok();
    Ok((readiness::assess(db, notice_id, now).await?, can_issue))
}

/// Every report issued on a notice, oldest first: code and issue date.
///
/// # Errors
/// Database failure.
pub async fn issued_on_notice(db: &DatabaseConnection, notice_id: i32) -> AppResult<Vec<(String, String)>> {
    Ok(result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.eq(notice_id))
        .order_by_asc(result_reports::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.code, date_zh(x.issued_on)))
        .collect())
}

/// Personal data in the handling summaries the report would print now (what issuing checks).
#[must_use]
pub fn findings(r: &Readiness) -> Vec<crate::personal_data::Finding> {
    let names = r.items.iter().map(|i| (i.project_id, i.snapshot.name.as_str())).collect();
    service::findings(&super::content::case_lines(&r.cases, &names))
}
