//! The paper 公示结果报告 of an offline notice: the unit uploads its scan with the outcome it
//! reported for each project. It becomes a result report like an issued one (same outcomes,
//! superseding, ledger), marked by its scan, and goes back to the receiving unit for a decision:
//! until accepted it does not clear (`report_standing`).
use super::{Review, is_offline, scan};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult, FieldError};
use crate::reports::content::{self, Inputs};
use crate::reports::{Outcome, ledger, readiness, service};
use chrono::{DateTime, Utc};
use entity::{notices, result_reports};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

/// The outcome the paper report states for one project, by its code
/// (`no_objection` / `dismissed` / `upheld`).
pub struct Stated {
    pub project_id: i32,
    pub outcome: String,
}

/// The notice, when the actor may upload its paper report: asked before the input is read.
///
/// # Errors
/// `NotFound` for a notice the actor cannot see; `Forbidden` unless the actor may issue
/// reports for its unit; database failure.
pub async fn allowed(db: &DatabaseConnection, actor: &Actor, notice_id: i32) -> AppResult<notices::Model> {
    let notice = notices::Entity::find_by_id(notice_id).one(db).await?.ok_or(AppError::NotFound)?;
    policy::require(db, actor, Action::IssueReport, notice.unit_id).await?;
    Ok(notice)
}

/// Records the paper report of the offline notice `notice_id`.
///
/// # Errors
/// `NotFound` for a notice the actor cannot see; `Forbidden` unless the actor may issue
/// reports for its unit; `Validation` for an online notice, an outcome missing or unknown,
/// a scan refused, or what still blocks a report (the period has not closed, objections are
/// open); database failure.
pub async fn upload_as(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    stated: &[Stated],
    scan: scan::Scan,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<result_reports::Model> {
    let now = crate::notices::generate::stamp(now);
    let notice = allowed(db, actor, notice_id).await?;
    if !is_offline(&notice) {
        return Err(AppError::invalid("notice_id", "这则公示在本系统发布，请出具公示结果报告，不必上传纸质报告"));
    }
    let txn = crate::db::begin_write(db).await?;
    service::lock_notice(&txn, notice_id).await?;
    let mut ready = readiness::assess(&txn, notice_id, now).await?;
    if Review::of(&notice) == Some(Review::Rejected) {
        // A rejected record is put right with a new scan, which replaces the rejected report.
        ready.blockers.retain(|b| !matches!(b, readiness::Blocker::AlreadyIssued { .. }));
    }
    if !ready.is_ready() {
        return Err(service::refusal(&ready.blockers));
    }
    let outcomes = outcomes_for(&ready.items, stated)?;
    let latest = ready.latest.as_ref().ok_or_else(|| AppError::internal("ready notice without a revision"))?;
    let unit = crate::notices::service::unit(&txn, notice.unit_id).await?;
    let code = service::unused_code(&txn).await?;
    let mut content = content::build(&Inputs {
        code: &code,
        notice: &ready.notice,
        level: latest.level(),
        revision: &latest.revision,
        unit: &unit,
        items: &ready.items,
        cases: &ready.cases,
        issued_on: crate::china_time::day_of(now),
        notice_url: format!("{}/notices/{}", base_url.trim_end_matches('/'), notice_id),
        verify_url: service::verify_url(base_url, &code),
    });
    for p in &mut content.projects {
        if let Some(o) = outcomes.iter().find(|(id, _)| *id == p.project_id).map(|(_, o)| *o) {
            p.outcome = o;
            o.label().clone_into(&mut p.outcome_label);
        }
    }
    content.conclusion = format!(
        "{}（本报告据{}纸质公示结果报告登记，以其盖章扫描件为准。）",
        content::conclusion(latest.level(), &content.projects, &content.objections),
        unit.name
    );
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    let stored = scan::store(&txn, scan, notice.unit_id, "report", who.user_id, now).await?;
    let (report, _) = service::record_report(
        &txn,
        &ready.notice,
        latest.revision.id,
        &content,
        &who,
        Some(stored.id),
        "report.offline.upload",
        now,
    )
    .await?;
    back_to_pending(&txn, ready.notice).await?;
    let detail = Some(format!("线下公示{notice_id}的纸质公示结果报告{code}"));
    who.record(&txn, "report.offline.upload", ledger::REPORT, report.id, notice.unit_id, detail, now).await?;
    txn.commit().await?;
    Ok(report)
}

/// Every project on the notice needs exactly one known outcome; nothing else may be stated.
fn outcomes_for(items: &[crate::notices::Item], stated: &[Stated]) -> AppResult<Vec<(i32, Outcome)>> {
    let mut errors = Vec::new();
    for s in stated {
        if !items.iter().any(|i| i.project_id == s.project_id) {
            errors.push(FieldError::new("outcomes", format!("项目（编号{}）不在这则公示中", s.project_id)));
        }
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let name = &item.snapshot.name;
        let mut given = stated.iter().filter(|s| s.project_id == item.project_id);
        match (given.next(), given.next()) {
            (Some(s), None) => match Outcome::parse(s.outcome.trim()) {
                Some(o) => out.push((item.project_id, o)),
                None => errors.push(FieldError::new(
                    "outcomes",
                    format!("项目《{name}》的公示结果应为公示无异议、异议不成立或异议成立"),
                )),
            },
            (None, _) => errors.push(FieldError::new("outcomes", format!("请填写项目《{name}》的公示结果"))),
            (Some(_), Some(_)) => errors.push(FieldError::new("outcomes", format!("项目《{name}》的公示结果重复填写"))),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(AppError::Validation(errors)) }
}

/// A new paper report is a new thing to decide on, even after a rejection.
async fn back_to_pending<C: sea_orm::ConnectionTrait>(db: &C, notice: notices::Model) -> AppResult<()> {
    let mut n: notices::ActiveModel = notice.into();
    n.offline_review = Set(Some(Review::Pending.code().to_owned()));
    n.offline_review_reason = Set(None);
    n.offline_reviewed_by = Set(None);
    n.offline_reviewed_at = Set(None);
    n.update(db).await?;
    Ok(())
}
