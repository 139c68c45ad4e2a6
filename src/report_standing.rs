//! A 公示结果报告's standing (报告效力): whether an issued 公示结果报告 still clears the projects it
//! reports. A report is never edited, but what it rests on can change after it is issued: the
//! notice is withdrawn, a correction restarts the period, or a letter posted inside the period
//! is registered after the report. A paper report of an offline notice (线下公示) clears only
//! once the receiving unit has accepted the record. Only a report that is 有效 clears; the gate, the verify page,
//! the API and the staff pages all read the standing from [`of`], so they cannot disagree.
//! The rule: docs/RULES.md#report-standing.
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{notice_revisions, notices, objections, result_reports, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// Why a report no longer counts at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// The notice was withdrawn (撤销) after the report was issued.
    Withdrawn,
    /// A correction restarted the period (公示期重新计算): the period reported on no longer stands.
    PeriodRestarted,
}

/// `notices.channel` of a notice posted offline (张榜、媒体) and recorded after the fact.
pub const OFFLINE_CHANNEL: &str = "offline";

/// The unit that accepts or rejects an offline record of `unit_id`: the unit above it, or the
/// province itself for its own (level 3) notices.
///
/// # Errors
/// `NotFound` for an unknown unit; database failure.
pub async fn receiver<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<units::Model> {
    let unit = units::Entity::find_by_id(unit_id).one(db).await?.ok_or(crate::error::AppError::NotFound)?;
    match unit.parent_id {
        Some(parent) => units::Entity::find_by_id(parent).one(db).await?.ok_or(crate::error::AppError::NotFound),
        None => Ok(unit),
    }
}

async fn receiver_name<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<String> {
    Ok(receiver(db, unit_id).await?.name)
}

/// What an issued report is worth now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// 有效: it clears the projects it reports as clean.
    Valid,
    /// 已被取代: every project it covered was reported again, by the report `by`.
    Superseded { by: String },
    /// 已失效: it rests on a notice or period that no longer stands.
    Void { why: VoidReason, since: DateTime<Utc> },
    /// 暂停: objections in time for its period (by postmark or arrival) were registered after it
    /// was issued; it holds nothing up until a new report that accounts for them replaces it.
    Suspended { receipts: Vec<String>, since: DateTime<Utc> },
    /// 待确认 / 已退回: the paper report of an offline notice, not (or not yet) accepted by the
    /// receiving unit `receiver`; `rejected` holds its reason once it was rejected.
    Unconfirmed { receiver: String, rejected: Option<String> },
}

impl Standing {
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Superseded { .. } => "superseded",
            Self::Void { .. } => "void",
            Self::Suspended { .. } => "suspended",
            Self::Unconfirmed { rejected: None, .. } => "unconfirmed",
            Self::Unconfirmed { rejected: Some(_), .. } => "rejected",
        }
    }

    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::Superseded { .. } => "已被取代",
            Self::Void { .. } => "已失效",
            Self::Suspended { .. } => "暂停",
            Self::Unconfirmed { rejected: None, .. } => "待确认",
            Self::Unconfirmed { rejected: Some(_), .. } => "已退回",
        }
    }

    /// Only a valid report lets its clean projects go up a level.
    #[must_use]
    pub fn clears(&self) -> bool {
        *self == Self::Valid
    }

    /// Since when it has stood as it does (`None` for valid and superseded).
    #[must_use]
    pub fn since(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Void { since, .. } | Self::Suspended { since, .. } => Some(*since),
            Self::Valid | Self::Superseded { .. } | Self::Unconfirmed { .. } => None,
        }
    }

    /// Why, in the words a reader and the gate's refusals use.
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            Self::Valid => "本报告有效".to_owned(),
            Self::Superseded { by } => format!("所列项目已再次公示，以公示结果报告{by}为准"),
            Self::Void { why: VoidReason::Withdrawn, .. } => "该公示已被撤销，本报告不再作为推荐依据".to_owned(),
            Self::Void { why: VoidReason::PeriodRestarted, .. } => {
                "该公示经更正后公示期重新计算，本报告所依据的公示期已不成立".to_owned()
            }
            Self::Suspended { receipts, .. } => format!(
                "报告出具后登记了公示期内寄出（或送达）的异议（回执编号{}），待处理完毕并出具新的公示结果报告",
                receipts.join("、")
            ),
            Self::Unconfirmed { receiver, rejected: None } => format!("线下公示结果报告尚待{receiver}确认"),
            Self::Unconfirmed { receiver, rejected: Some(why) } => {
                format!("线下公示结果报告已被{receiver}退回（理由：{why}）")
            }
        }
    }
}

/// What the standing is decided from; read by [`of`], or built by hand in tests.
pub struct Facts<'a> {
    pub report: &'a result_reports::Model,
    /// The code of the report that superseded it, when `superseded_by` is set.
    pub superseded_by: Option<&'a str>,
    pub notice: &'a notices::Model,
    /// The notice's revisions published after the one the report covers.
    pub later_revisions: &'a [notice_revisions::Model],
    /// The notice's objections received in time but registered after the report was issued.
    pub late_objections: &'a [objections::Model],
    /// For an offline notice, the unit that accepts or rejects it.
    pub receiver: Option<&'a str>,
}

/// The rule, without I/O. Superseded first (the newer report speaks for the projects), then
/// void (the ground is gone whatever else happened), then an offline record the receiving unit
/// has not accepted, then suspended.
#[must_use]
pub fn decide(f: &Facts) -> Standing {
    if let Some(by) = f.superseded_by {
        return Standing::Superseded { by: by.to_owned() };
    }
    if let Some(at) = f.notice.withdrawn_at.filter(|at| *at >= f.report.issued_at) {
        return Standing::Void { why: VoidReason::Withdrawn, since: at };
    }
    let restart = f.later_revisions.iter().filter(|r| r.restarts_period).filter_map(|r| r.published_at).min();
    if let Some(at) = restart {
        return Standing::Void { why: VoidReason::PeriodRestarted, since: at };
    }
    if let Some(unconfirmed) = unconfirmed(f) {
        return unconfirmed;
    }
    if let Some(first) = f.late_objections.iter().map(|o| o.registered_at).min() {
        let receipts = f.late_objections.iter().map(|o| o.receipt_code.clone()).collect();
        return Standing::Suspended { receipts, since: first };
    }
    Standing::Valid
}

/// An offline notice's report stands only once the receiving unit accepted the record.
fn unconfirmed(f: &Facts) -> Option<Standing> {
    if f.notice.channel != OFFLINE_CHANNEL || f.notice.offline_review.as_deref() == Some("accepted") {
        return None;
    }
    let rejected = (f.notice.offline_review.as_deref() == Some("rejected"))
        .then(|| f.notice.offline_review_reason.clone().unwrap_or_default());
    Some(Standing::Unconfirmed { receiver: f.receiver.unwrap_or("接收单位").to_owned(), rejected })
}

/// The standing of `report` now.
///
/// # Errors
/// Database failure.
pub async fn of<C: ConnectionTrait>(db: &C, report: &result_reports::Model) -> AppResult<Standing> {
    let superseded_by = match report.superseded_by {
        Some(id) => result_reports::Entity::find_by_id(id).one(db).await?.map(|r| r.code),
        None => None,
    };
    let notice = notices::Entity::find_by_id(report.notice_id).one(db).await?;
    let Some(notice) = notice else { return Err(crate::error::AppError::NotFound) };
    let later_revisions = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(report.notice_id))
        .filter(notice_revisions::Column::Id.gt(report.revision_id))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .all(db)
        .await?;
    let late_objections = late_objections(db, report).await?;
    let receiver =
        if notice.channel == OFFLINE_CHANNEL { Some(receiver_name(db, notice.unit_id).await?) } else { None };
    Ok(decide(&Facts {
        report,
        superseded_by: superseded_by.as_deref(),
        notice: &notice,
        later_revisions: &later_revisions,
        late_objections: &late_objections,
        receiver: receiver.as_deref(),
    }))
}

/// In-time objections on the report's notice registered after it was issued, oldest first.
async fn late_objections<C: ConnectionTrait>(
    db: &C,
    report: &result_reports::Model,
) -> AppResult<Vec<objections::Model>> {
    Ok(objections::Entity::find()
        .filter(objections::Column::NoticeId.eq(report.notice_id))
        .filter(objections::Column::InTime.eq(true))
        .filter(objections::Column::RegisteredAt.gt(report.issued_at))
        .order_by_asc(objections::Column::RegisteredAt)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).single().expect("a real instant")
    }

    fn report() -> result_reports::Model {
        result_reports::Model {
            id: 7,
            notice_id: 3,
            revision_id: 11,
            code: "7KQM3R9D".into(),
            issued_on: at(15, 1).date_naive(),
            issued_at: at(15, 1),
            issued_by: None,
            content: String::new(),
            sha256: String::new(),
            superseded_by: None,
            paper_scan_id: None,
        }
    }

    fn notice(withdrawn_at: Option<DateTime<Utc>>) -> notices::Model {
        notices::Model {
            id: 3,
            campaign_id: 1,
            unit_id: 2,
            level: 1,
            doc_number: None,
            state: if withdrawn_at.is_some() { "withdrawn" } else { "published" }.into(),
            created_by: None,
            created_at: at(9, 0),
            withdrawn_at,
            withdraw_reason: withdrawn_at.map(|_| "误发".to_owned()),
            channel: "online".into(),
            posted_where: None,
            offline_scan_id: None,
            offline_review: None,
            offline_review_reason: None,
            offline_reviewed_by: None,
            offline_reviewed_at: None,
        }
    }

    fn revision(id: i32, restarts: bool, published_at: Option<DateTime<Utc>>) -> notice_revisions::Model {
        notice_revisions::Model {
            id,
            notice_id: 3,
            revision_no: 2,
            title: "更正".into(),
            body_md: String::new(),
            starts_on: at(20, 0).date_naive(),
            opens_at: at(19, 16),
            closes_at: at(24, 16),
            board_location: None,
            media: None,
            web: true,
            correction_note: Some("更正完成人".into()),
            restarts_period: restarts,
            published_at,
            published_by: None,
            content_hash: None,
            rules_json: None,
        }
    }

    fn standing(
        notice: &notices::Model,
        later: &[notice_revisions::Model],
        late: &[objections::Model],
        by: Option<&str>,
    ) -> Standing {
        decide(&Facts {
            report: &report(),
            superseded_by: by,
            notice,
            later_revisions: later,
            late_objections: late,
            receiver: None,
        })
    }

    #[test]
    fn a_report_stands_until_what_it_rests_on_changes() {
        assert_eq!(standing(&notice(None), &[], &[], None), Standing::Valid);
        // A correction that keeps the period (a typo) leaves the report standing.
        assert_eq!(standing(&notice(None), &[revision(12, false, Some(at(16, 2)))], &[], None), Standing::Valid);
        // A restarting correction still in draft changes nothing yet.
        assert_eq!(standing(&notice(None), &[revision(12, true, None)], &[], None), Standing::Valid);
    }

    #[test]
    fn withdrawal_and_a_restarted_period_void_it_from_that_instant() {
        let void = standing(&notice(Some(at(16, 3))), &[], &[], None);
        assert_eq!(void, Standing::Void { why: VoidReason::Withdrawn, since: at(16, 3) });
        assert!(!void.clears());
        assert_eq!(void.label(), "已失效");
        let restarted = standing(&notice(None), &[revision(12, true, Some(at(17, 2)))], &[], None);
        assert_eq!(restarted, Standing::Void { why: VoidReason::PeriodRestarted, since: at(17, 2) });
        assert!(restarted.reason().contains("公示期重新计算"));
    }

    #[test]
    fn an_offline_report_clears_only_once_accepted() {
        let mut offline = notice(None);
        offline.channel = "offline".into();
        offline.offline_review = Some("pending".into());
        let pending = standing(&offline, &[], &[], None);
        assert!(!pending.clears());
        assert_eq!(pending.reason(), "线下公示结果报告尚待接收单位确认");
        offline.offline_review = Some("rejected".into());
        offline.offline_review_reason = Some("扫描件不清晰".into());
        let rejected = standing(&offline, &[], &[], None);
        assert_eq!(rejected.label(), "已退回");
        assert!(rejected.reason().contains("扫描件不清晰"));
        offline.offline_review = Some("accepted".into());
        assert_eq!(standing(&offline, &[], &[], None), Standing::Valid);
    }

    #[test]
    fn superseded_speaks_before_anything_else() {
        let s = standing(&notice(Some(at(16, 3))), &[], &[], Some("ABCDEFGH"));
        assert_eq!(s, Standing::Superseded { by: "ABCDEFGH".into() });
        assert!(s.reason().contains("ABCDEFGH"));
    }
}
