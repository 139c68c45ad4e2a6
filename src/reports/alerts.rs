//! Telling a unit that a 公示结果报告 it relies on has stopped standing (已失效 or 暂停): the
//! report a recommendation to it rests on (`recommendations.report_id`). A report stops standing
//! when its notice is withdrawn, a correction restarts the period, or an objection in time is
//! registered after it (`report_standing`). The job `report_alerts` looks every five minutes at
//! the notices that changed since its last run (with an hour's overlap) and tells each relying
//! unit once per report and standing (`report_alerts`), in the transaction that posts the mail.
use crate::accounts::notifications::{Topic, addresses};
use crate::error::AppResult;
use crate::mail::{Letter, Mail, Postbox};
use crate::report_standing::{self, Standing};
use chrono::{DateTime, Duration, Utc};
use entity::{notice_revisions, notices, objections, recommendations, report_alerts, result_reports, units};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::BTreeSet;

/// How far before the last run a change is looked at again: a run that failed half-way, or a
/// transaction that committed just after a run read, is not missed (the table keeps it once).
const OVERLAP: Duration = Duration::hours(1);

/// Tells the units relying on reports that stopped standing since `since` (every report on the
/// first run); returns how many units were told.
///
/// # Errors
/// Database failure (the units told before it stay told).
pub async fn send_due(
    db: &DatabaseConnection,
    postbox: &Postbox,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let from = since.map_or(DateTime::<Utc>::UNIX_EPOCH, |s| s - OVERLAP);
    let mut told = 0;
    for (report, standing) in stopped_since(db, from).await? {
        for unit_id in relying_units(db, report.id).await? {
            let txn = crate::db::begin_write(db).await?;
            if tell(&txn, postbox, &report, &standing, unit_id, now).await? {
                told += 1;
            }
            txn.commit().await?;
        }
    }
    postbox.wake();
    Ok(told)
}

/// The reports that stand void or suspended among those of the notices that changed since
/// `from`, with their standing: what relying units and readers are told of.
///
/// # Errors
/// Database failure.
pub async fn stopped_since<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
) -> AppResult<Vec<(result_reports::Model, Standing)>> {
    let mut out = Vec::new();
    for notice_id in changed_notices(db, from).await? {
        let reports =
            result_reports::Entity::find().filter(result_reports::Column::NoticeId.eq(notice_id)).all(db).await?;
        for report in reports {
            let standing = report_standing::of(db, &report).await?;
            if matches!(standing, Standing::Void { .. } | Standing::Suspended { .. }) {
                out.push((report, standing));
            }
        }
    }
    Ok(out)
}

/// Notices withdrawn, corrected, or given an objection registered since `from`.
async fn changed_notices<C: ConnectionTrait>(db: &C, from: DateTime<Utc>) -> AppResult<BTreeSet<i32>> {
    let mut ids: BTreeSet<i32> = BTreeSet::new();
    let withdrawn: Vec<i32> = notices::Entity::find()
        .select_only()
        .column(notices::Column::Id)
        .filter(notices::Column::WithdrawnAt.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    let revised: Vec<i32> = notice_revisions::Entity::find()
        .select_only()
        .column(notice_revisions::Column::NoticeId)
        .filter(notice_revisions::Column::PublishedAt.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    let objected: Vec<i32> = objections::Entity::find()
        .select_only()
        .column(objections::Column::NoticeId)
        .filter(objections::Column::RegisteredAt.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    ids.extend(withdrawn);
    ids.extend(revised);
    ids.extend(objected);
    Ok(ids)
}

async fn relying_units<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<BTreeSet<i32>> {
    let units: Vec<i32> = recommendations::Entity::find()
        .select_only()
        .column(recommendations::Column::ToUnitId)
        .filter(recommendations::Column::ReportId.eq(report_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(units.into_iter().collect())
}

/// Records the alert and posts its mail, unless this unit was told of this report's standing.
async fn tell<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    report: &result_reports::Model,
    standing: &Standing,
    unit_id: i32,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let key = (report.id, unit_id, standing.code().to_owned());
    if report_alerts::Entity::find_by_id(key.clone()).one(db).await?.is_some() {
        return Ok(false);
    }
    let row = report_alerts::ActiveModel {
        report_id: Set(key.0),
        unit_id: Set(key.1),
        standing: Set(key.2),
        sent_at: Set(now),
    };
    report_alerts::Entity::insert(row).exec(db).await?;
    let people = addresses(db, unit_id, Topic::UnitEvents).await?;
    let issuer = match notices::Entity::find_by_id(report.notice_id).one(db).await? {
        Some(n) => units::Entity::find_by_id(n.unit_id).one(db).await?.map(|u| u.name).unwrap_or_default(),
        None => String::new(),
    };
    for to in people {
        let letter = Letter {
            subject: format!("所依据的公示结果报告{}：{}", standing.label(), report.code),
            paragraphs: vec![format!(
                "本单位收到的推荐项目所依据的公示结果报告{}（{issuer}出具）现为“{}”：{}。在出具新的公示结果报告之前，这些项目不能再向上推荐或列入更高一级公示。",
                report.code,
                standing.label(),
                standing.reason()
            )],
            facts: vec![("报告编号".to_owned(), report.code.clone()), ("出具单位".to_owned(), issuer.clone())],
            link: Some(("查看报告".to_owned(), postbox.link(&format!("/reports/{}", report.code)))),
            footer: vec![format!(
                "您在“我的账号”中选择了用电子邮件接收本单位事务通知，可随时更改：{}",
                postbox.link("/admin/account#notifications")
            )],
            ..Letter::default()
        };
        let mail = Mail {
            kind: "unit.report_stopped_standing",
            to,
            letter,
            unit_id: Some(unit_id),
            objection_id: None,
            list: None,
        };
        postbox.post(db, mail, now).await?;
    }
    Ok(true)
}

/// A report the unit was told had stopped standing, as the staff home page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Alert {
    pub code: String,
    pub standing: &'static str,
    pub at_zh: String,
}

/// The alerts the unit was given since `since`, newest first.
///
/// # Errors
/// Database failure.
pub async fn of_unit_since<C: ConnectionTrait>(db: &C, unit_id: i32, since: DateTime<Utc>) -> AppResult<Vec<Alert>> {
    use sea_orm::QueryOrder;
    let rows = report_alerts::Entity::find()
        .filter(report_alerts::Column::UnitId.eq(unit_id))
        .filter(report_alerts::Column::SentAt.gte(since))
        .order_by_desc(report_alerts::Column::SentAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let code = result_reports::Entity::find_by_id(r.report_id).one(db).await?.map(|x| x.code).unwrap_or_default();
        let standing = if r.standing == "suspended" { "暂停" } else { "已失效" };
        out.push(Alert { code, standing, at_zh: crate::china_time::datetime_zh(r.sent_at) });
    }
    Ok(out)
}
