//! Issuing a report and reading reports back. Issuing is one write transaction: the report
//! row with its canonical content and SHA-256, one outcome row per project (what the gate
//! reads), the supersession of earlier reports the new one replaces, a ledger entry and the
//! audit record. A report is never edited afterwards; only `superseded_by` is ever set on it.
use super::content::{self, Inputs, ReportContent};
use super::readiness::{self, Blocker, BlockerView};
use super::{Outcome, ledger, new_code};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult};
use crate::notices::service as notices;
use crate::personal_data;
use chrono::{DateTime, Utc};
use entity::{notices as notice_rows, report_outcomes, result_reports};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// A freshly issued report.
#[derive(Debug, Clone)]
pub struct Issued {
    pub report: result_reports::Model,
    pub content: ReportContent,
    /// Codes of earlier reports this one fully replaced.
    pub superseded: Vec<String>,
}

/// The address a report's QR code leads to.
#[must_use]
pub fn verify_url(base_url: &str, code: &str) -> String {
    format!("{}/reports/{code}", base_url.trim_end_matches('/'))
}

/// Issues the report for `notice_id` as a signed-in staff member: only an admin of the
/// notice's own unit may.
///
/// # Errors
/// As [`issue`]; `Forbidden` / `NotFound` from the access policy.
pub async fn issue_as(
    db: &DatabaseConnection,
    actor: &Actor,
    notice_id: i32,
    base_url: &str,
    confirmed: &[String],
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let notice = notices::notice(db, notice_id).await?;
    policy::require(db, actor, Action::IssueReport, notice.unit_id).await?;
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    issue_confirming(db, notice_id, &who, base_url, confirmed, now).await
}

/// Issues the result report for `notice_id` (the admin pages, the admin API and
/// `gongshi report issue` all come here).
///
/// # Errors
/// `Conflict` listing every blocker (not closed, objections not concluded, already issued,
/// withdrawn); `NotFound` for an unknown notice; database failure.
pub async fn issue(
    db: &DatabaseConnection,
    notice_id: i32,
    who: &Who,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    issue_confirming(db, notice_id, who, base_url, &[], now).await
}

/// As [`issue`], with the ids of personal-data findings staff confirmed are not personal data.
///
/// # Errors
/// As [`issue`]; `Conflict` listing the findings (`personal_data`) not confirmed.
pub async fn issue_confirming(
    db: &DatabaseConnection,
    notice_id: i32,
    who: &Who,
    base_url: &str,
    confirmed: &[String],
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let now = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let txn = crate::db::begin_write(db).await?;
    lock_notice(&txn, notice_id).await?;
    let ready = readiness::assess(&txn, notice_id, now).await?;
    if !ready.is_ready() {
        return Err(refusal(&ready.blockers));
    }
    let latest = ready.latest.as_ref().ok_or_else(|| AppError::internal("ready notice without a revision"))?;
    let unit = notices::unit(&txn, ready.notice.unit_id).await?;
    let code = unused_code(&txn).await?;
    let content = content::build(&Inputs {
        code: &code,
        notice: &ready.notice,
        level: latest.level(),
        revision: &latest.revision,
        unit: &unit,
        items: &ready.items,
        cases: &ready.cases,
        issued_on: crate::china_time::day_of(now),
        notice_url: format!("{}/notices/{}", base_url.trim_end_matches('/'), notice_id),
        verify_url: verify_url(base_url, &code),
    });
    // Scanned on exactly the content being sealed.
    let found = findings(&content.cases);
    let unconfirmed = personal_data::unconfirmed(&found, confirmed);
    if !unconfirmed.is_empty() {
        return Err(personal_data::refusal(&unconfirmed, "公示结果报告", "出具"));
    }
    let (report, superseded) =
        record_report(&txn, &ready.notice, latest.revision.id, &content, who, None, "report.issue", now).await?;
    for f in &found {
        let detail = Some(personal_data::confirmation_detail(f));
        who.record(&txn, "report.personal_data.confirm", ledger::REPORT, report.id, ready.notice.unit_id, detail, now)
            .await?;
    }
    let detail = Some(format!("公示{notice_id}的公示结果报告{code}"));
    who.record(&txn, "report.issue", ledger::REPORT, report.id, ready.notice.unit_id, detail, now).await?;
    txn.commit().await?;
    Ok(Issued { report, content, superseded })
}

/// Writes a report: its row with the sealed content, one outcome per project as `content`
/// states them, the earlier reports it supersedes, and its ledger entry (`kind`). Issuing here
/// and recording a paper report (`offline`) both go through it. Returns the row and the codes
/// of the reports it fully replaced.
///
/// # Errors
/// Database failure.
#[expect(clippy::too_many_arguments, reason = "each is one fact the row records")]
pub(crate) async fn record_report<C: ConnectionTrait>(
    txn: &C,
    notice: &notice_rows::Model,
    revision_id: i32,
    content: &ReportContent,
    who: &Who,
    paper_scan_id: Option<i32>,
    kind: &str,
    now: DateTime<Utc>,
) -> AppResult<(result_reports::Model, Vec<String>)> {
    let (text, sha256) = seal(content)?;
    let report = result_reports::ActiveModel {
        notice_id: Set(notice.id),
        revision_id: Set(revision_id),
        code: Set(content.code.clone()),
        issued_on: Set(content.issued_on),
        issued_at: Set(now),
        issued_by: Set(who.user_id),
        content: Set(text),
        sha256: Set(sha256),
        superseded_by: Set(None),
        paper_scan_id: Set(paper_scan_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let outcomes = content.projects.iter().map(|p| report_outcomes::ActiveModel {
        report_id: Set(report.id),
        project_id: Set(p.project_id),
        level: Set(notice.level),
        outcome: Set(p.outcome.code().to_owned()),
        ..Default::default()
    });
    report_outcomes::Entity::insert_many(outcomes).exec_without_returning(txn).await?;
    let superseded = supersede_earlier(txn, &report, notice).await?;
    let entry = ledger::content(txn, report.id)
        .await?
        .ok_or_else(|| AppError::internal("recorded report vanished inside its transaction"))?;
    crate::ledger::append(txn, kind, ledger::REPORT, report.id, &entry, now).await?;
    Ok((report, superseded))
}

/// The canonical JSON of the content and its SHA-256.
///
/// # Errors
/// Internal, if the content cannot be serialised.
pub fn seal(content: &ReportContent) -> AppResult<(String, String)> {
    let value = serde_json::to_value(content).map_err(AppError::internal)?;
    let text = crate::ledger::canonical(&value);
    let sha = crate::ledger::sha256_hex(text.as_bytes());
    Ok((text, sha))
}

/// The refusal, naming every blocker.
#[must_use]
pub fn refusal(blockers: &[Blocker]) -> AppError {
    let lines: Vec<String> = blockers.iter().map(Blocker::message).collect();
    let views: Vec<BlockerView> = blockers.iter().map(BlockerView::from).collect();
    AppError::Conflict {
        message: format!("尚不能出具公示结果报告：{}", lines.join("；")),
        detail: Some(serde_json::json!({ "blockers": views })),
    }
}

/// Two staff pressing "issue" at once must not both pass the checks: on PostgreSQL the notice
/// row is locked for the transaction; SQLite's write lock (BEGIN IMMEDIATE) already serialises.
pub(crate) async fn lock_notice<C: ConnectionTrait>(db: &C, notice_id: i32) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        notice_rows::Entity::find_by_id(notice_id).lock_exclusive().one(db).await?;
    }
    Ok(())
}

pub(crate) async fn unused_code<C: ConnectionTrait>(db: &C) -> AppResult<String> {
    for _ in 0..8 {
        let code = new_code();
        let taken = result_reports::Entity::find().filter(result_reports::Column::Code.eq(&code)).one(db).await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
    Err(AppError::internal("no free report code after 8 tries"))
}

/// For each project of `report`, the code of the latest later report by the same unit at the
/// same level that covers it (再次公示): the project's result is now that report's.
///
/// # Errors
/// Database failure.
pub async fn replaced_projects<C: ConnectionTrait>(
    db: &C,
    report: &result_reports::Model,
    notice: &notice_rows::Model,
) -> AppResult<BTreeMap<i32, String>> {
    let mine = report_outcomes::Entity::find().filter(report_outcomes::Column::ReportId.eq(report.id)).all(db).await?;
    let projects: Vec<i32> = mine.iter().map(|o| o.project_id).collect();
    let others = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ProjectId.is_in(projects))
        .filter(report_outcomes::Column::Level.eq(notice.level))
        .filter(report_outcomes::Column::ReportId.ne(report.id))
        .all(db)
        .await?;
    if others.is_empty() {
        return Ok(BTreeMap::new());
    }
    let reports: HashMap<i32, result_reports::Model> = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(others.iter().map(|o| o.report_id)))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| (r.issued_at, r.id) > (report.issued_at, report.id))
        .map(|r| (r.id, r))
        .collect();
    let same_unit: Vec<i32> = notice_rows::Entity::find()
        .filter(notice_rows::Column::Id.is_in(reports.values().map(|r| r.notice_id)))
        .filter(notice_rows::Column::UnitId.eq(notice.unit_id))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let mut out: BTreeMap<i32, (&result_reports::Model, String)> = BTreeMap::new();
    for o in &others {
        let Some(r) = reports.get(&o.report_id).filter(|r| same_unit.contains(&r.notice_id)) else { continue };
        let newer = out.get(&o.project_id).is_none_or(|(prev, _)| (r.issued_at, r.id) > (prev.issued_at, prev.id));
        if newer {
            out.insert(o.project_id, (r, r.code.clone()));
        }
    }
    Ok(out.into_iter().map(|(p, (_, code))| (p, code)).collect())
}

/// Marks earlier live reports of the same unit and level as superseded by `new` when every
/// project they covered has now been reported again. A report only partly replaced stays live
/// for its other projects; its verify page names the projects replaced.
pub(crate) async fn supersede_earlier<C: ConnectionTrait>(
    db: &C,
    new: &result_reports::Model,
    notice: &notice_rows::Model,
) -> AppResult<Vec<String>> {
    let projects: Vec<i32> = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ReportId.eq(new.id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.project_id)
        .collect();
    let candidates: Vec<i32> = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ProjectId.is_in(projects))
        .filter(report_outcomes::Column::Level.eq(notice.level))
        .filter(report_outcomes::Column::ReportId.ne(new.id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.report_id)
        .collect();
    let earlier = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(candidates))
        .filter(result_reports::Column::SupersededBy.is_null())
        .order_by_asc(result_reports::Column::Id)
        .all(db)
        .await?;
    let mut codes = Vec::new();
    for old in earlier {
        let old_notice = notices::notice(db, old.notice_id).await?;
        if old_notice.unit_id != notice.unit_id {
            continue;
        }
        let covered =
            report_outcomes::Entity::find().filter(report_outcomes::Column::ReportId.eq(old.id)).all(db).await?.len();
        let replaced = replaced_projects(db, &old, &old_notice).await?;
        if replaced.len() == covered {
            codes.push(old.code.clone());
            let mut row: result_reports::ActiveModel = old.into();
            row.superseded_by = Set(Some(new.id));
            row.update(db).await?;
        }
    }
    Ok(codes)
}

/// A report as stored, its content parsed, and what has happened to it since.
#[derive(Debug, Clone)]
pub struct Stored {
    pub row: result_reports::Model,
    pub content: ReportContent,
    /// The stored content still hashes to the stored SHA-256.
    pub intact: bool,
    /// The report that fully replaced this one.
    pub superseded_by: Option<String>,
    /// Whether it still clears its projects, and if not why.
    pub standing: crate::report_standing::Standing,
    /// Project id → code of the later report that replaced this one for that project.
    pub replaced: BTreeMap<i32, String>,
}

impl Stored {
    /// The outcome stated for a project on this report.
    #[must_use]
    pub fn outcome_of(&self, project_id: i32) -> Option<Outcome> {
        self.content.projects.iter().find(|p| p.project_id == project_id).map(|p| p.outcome)
    }
}

/// A report by its code (as typed: lower case and hyphens are accepted).
///
/// # Errors
/// `NotFound` for an unknown or malformed code; internal for stored content that no longer
/// parses; database failure.
pub async fn find_by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<Stored> {
    let code = super::parse_code(code).ok_or(AppError::NotFound)?;
    let row = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    stored(db, row).await
}

/// # Errors
/// Internal for content that no longer parses; database failure.
pub async fn stored<C: ConnectionTrait>(db: &C, row: result_reports::Model) -> AppResult<Stored> {
    let content: ReportContent = serde_json::from_str(&row.content)
        .map_err(|e| AppError::internal(format!("report {} content: {e}", row.code)))?;
    let intact = crate::ledger::sha256_hex(row.content.as_bytes()) == row.sha256;
    let superseded_by = match row.superseded_by {
        Some(id) => result_reports::Entity::find_by_id(id).one(db).await?.map(|r| r.code),
        None => None,
    };
    let notice = notices::notice(db, row.notice_id).await?;
    let replaced = replaced_projects(db, &row, &notice).await?;
    let standing = crate::report_standing::of(db, &row).await?;
    Ok(Stored { row, content, intact, superseded_by, standing, replaced })
}

/// The reports of notices published by `unit_ids` (all when `None`), newest first.
///
/// # Errors
/// Database failure.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &crate::access::Scope,
) -> AppResult<Vec<(result_reports::Model, notice_rows::Model)>> {
    let notices: HashMap<i32, notice_rows::Model> = notice_rows::Entity::find()
        .filter(scope.condition(notice_rows::Column::UnitId))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let reports = result_reports::Entity::find()
        .filter(result_reports::Column::NoticeId.is_in(notices.keys().copied()))
        .order_by_desc(result_reports::Column::IssuedAt)
        .order_by_desc(result_reports::Column::Id)
        .all(db)
        .await?;
    Ok(reports.into_iter().filter_map(|r| notices.get(&r.notice_id).cloned().map(|n| (r, n))).collect())
}

/// Personal data in the handling summaries a report prints (the only free text staff write
/// into it; the projects were scanned when their notice was published).
#[must_use]
pub fn findings(cases: &[content::CaseLine]) -> Vec<personal_data::Finding> {
    personal_data::scan(
        cases.iter().map(|c| personal_data::Field {
            key: format!("case{}.summary", c.seq),
            label: format!("第{}件异议的处理情况", c.seq),
            project: c.project_name.as_deref(),
            text: &c.summary,
        }),
        &[],
    )
}
