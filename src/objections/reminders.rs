//! Reminders of handling deadlines (docs/OBJECTIONS.md#reminders). An open case is reminded of
//! three days and one day before its handling deadline and when the deadline passes; when it
//! passes, the admins of the unit above are told as well (escalation). Each stage is recorded
//! once per case (`objection_reminders`) in the transaction that posts its mail, so a job run
//! twice, or by two instances, reminds once. Who gets a reminder by e-mail is each person's
//! choice (`accounts::notifications`); the staff home page shows every one of them anyway.
use super::Status;
use super::notify::{About, about};
use crate::accounts::notifications::{Topic, addresses};
use crate::china_time::datetime_zh;
use crate::error::AppResult;
use crate::mail::{Letter, Mail, Postbox};
use chrono::{DateTime, Duration, Utc};
use entity::{objection_reminders, objections, units};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// Where a case stands against its deadline, in the order the stages come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    DueIn3Days,
    DueIn1Day,
    Overdue,
}

impl Stage {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::DueIn3Days => "due_in_3_days",
            Self::DueIn1Day => "due_in_1_day",
            Self::Overdue => "overdue",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [Self::DueIn3Days, Self::DueIn1Day, Self::Overdue].into_iter().find(|s| s.code() == code)
    }

    /// The stage a case due at `due` has reached at `now`: overdue once the deadline has passed
    /// (as the queue flags it, `queue::is_overdue`), one day before from 24 hours ahead, three
    /// days before from 72 hours ahead.
    #[must_use]
    pub fn at(due: DateTime<Utc>, now: DateTime<Utc>) -> Option<Self> {
        if now > due {
            Some(Self::Overdue)
        } else if due - now <= Duration::days(1) {
            Some(Self::DueIn1Day)
        } else if due - now <= Duration::days(3) {
            Some(Self::DueIn3Days)
        } else {
            None
        }
    }
}

const OPEN: [Status; 3] = [Status::Received, Status::Accepted, Status::Investigating];

/// Open cases whose deadline is at most three days away, or past: every case a reminder or
/// the home page may speak of, soonest first.
async fn open_due_within_3_days<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Vec<objections::Model>> {
    Ok(objections::Entity::find()
        .filter(objections::Column::Status.is_in(OPEN.iter().map(|s| s.code())))
        .filter(objections::Column::HandlingDueAt.lte(now + Duration::days(3)))
        .order_by_asc(objections::Column::HandlingDueAt)
        .all(db)
        .await?)
}

/// Sends every reminder that has fallen due; returns how many cases were reminded.
///
/// # Errors
/// Database failure (the cases reminded before it stay reminded).
pub async fn send_due(db: &DatabaseConnection, postbox: &Postbox, now: DateTime<Utc>) -> AppResult<usize> {
    let cases = open_due_within_3_days(db, now).await?;
    // Most runs find every case reminded already (a case stays overdue until concluded): read
    // what was sent in one query, and take the write lock only for a stage still to send.
    let mut sent: std::collections::HashMap<i32, Stage> = std::collections::HashMap::new();
    let rows = objection_reminders::Entity::find()
        .filter(objection_reminders::Column::ObjectionId.is_in(cases.iter().map(|c| c.id)))
        .all(db)
        .await?;
    for row in rows {
        if let Some(stage) = Stage::parse(&row.stage) {
            let latest = sent.entry(row.objection_id).or_insert(stage);
            *latest = (*latest).max(stage);
        }
    }
    let mut reminded = 0;
    for case in cases {
        let Some(stage) = Stage::at(case.handling_due_at, now) else { continue };
        if sent.get(&case.id).is_some_and(|done| *done >= stage) {
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        if remind(&txn, postbox, &case, stage, now).await? {
            reminded += 1;
        }
        txn.commit().await?;
    }
    postbox.wake();
    Ok(reminded)
}

/// Records `stage` for the case and posts its mail, unless this stage or a later one was
/// recorded already. Returns whether it reminded.
async fn remind<C: ConnectionTrait>(
    txn: &C,
    postbox: &Postbox,
    case: &objections::Model,
    stage: Stage,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let done = objection_reminders::Entity::find()
        .filter(objection_reminders::Column::ObjectionId.eq(case.id))
        .all(txn)
        .await?;
    if done.iter().filter_map(|r| Stage::parse(&r.stage)).any(|s| s >= stage) {
        return Ok(false);
    }
    let record = objection_reminders::ActiveModel {
        objection_id: sea_orm::ActiveValue::Set(case.id),
        stage: sea_orm::ActiveValue::Set(stage.code().to_owned()),
        sent_at: sea_orm::ActiveValue::Set(now),
    };
    objection_reminders::Entity::insert(record).exec(txn).await?;
    let about = about(txn, case).await?;
    for to in addresses(txn, about.unit_id, Topic::HandlingReminders).await? {
        postbox.post(txn, reminder_mail(postbox, case, &about, stage, to), now).await?;
    }
    if stage == Stage::Overdue
        && let Some(unit) = units::Entity::find_by_id(about.unit_id).one(txn).await?
        && let Some(parent) = unit.parent_id
    {
        for to in addresses(txn, parent, Topic::Escalations).await? {
            postbox.post(txn, escalation_mail(postbox, case, &about, &unit.name, parent, to), now).await?;
        }
    }
    Ok(true)
}

fn facts(case: &objections::Model, about: &About) -> Vec<(String, String)> {
    let status = Status::parse(&case.status).map_or_else(|| case.status.clone(), |s| s.label().to_owned());
    vec![
        ("回执码".to_owned(), super::codes::grouped(&case.receipt_code)),
        ("公示".to_owned(), about.notice_title.clone()),
        ("异议对象".to_owned(), about.project_name.clone()),
        ("当前状态".to_owned(), status),
        ("处理期限".to_owned(), datetime_zh(case.handling_due_at)),
    ]
}

fn footer(postbox: &Postbox) -> Vec<String> {
    vec![format!(
        "您在“我的账号”中选择了用电子邮件接收此类提醒，可随时更改：{}",
        postbox.link("/admin/account#notifications")
    )]
}

fn reminder_mail(postbox: &Postbox, case: &objections::Model, about: &About, stage: Stage, to: String) -> Mail {
    let code = super::codes::grouped(&case.receipt_code);
    let (subject, opening) = match stage {
        Stage::DueIn3Days => (format!("异议处理期限提醒：{code} 还有3天到期"), "本单位的一件异议还有3天到处理期限。"),
        Stage::DueIn1Day => (format!("异议处理期限提醒：{code} 还有1天到期"), "本单位的一件异议还有1天到处理期限。"),
        Stage::Overdue => {
            (format!("异议已超过处理期限：{code}"), "本单位的一件异议已超过处理期限，上级单位已同时收到提醒。")
        }
    };
    Mail {
        kind: match stage {
            Stage::DueIn3Days => "reminder.due_in_3_days",
            Stage::DueIn1Day => "reminder.due_in_1_day",
            Stage::Overdue => "reminder.overdue",
        },
        to,
        letter: Letter {
            subject,
            paragraphs: vec![opening.to_owned()],
            facts: facts(case, about),
            link: Some(("处理这件异议".to_owned(), postbox.link(&format!("/admin/objections/{}", case.id)))),
            footer: footer(postbox),
            ..Letter::default()
        },
        unit_id: Some(about.unit_id),
        objection_id: Some(case.id),
        list: None,
    }
}

fn escalation_mail(
    postbox: &Postbox,
    case: &objections::Model,
    about: &About,
    unit_name: &str,
    parent: i32,
    to: String,
) -> Mail {
    let code = super::codes::grouped(&case.receipt_code);
    Mail {
        kind: "reminder.escalation",
        to,
        letter: Letter {
            subject: format!("下级单位异议超期：{unit_name} {code}"),
            paragraphs: vec![format!("{unit_name}的一件异议已超过处理期限，尚未办结。")],
            facts: facts(case, about),
            link: Some(("在工作台查看各下级单位的超期异议".to_owned(), postbox.link("/admin"))),
            footer: footer(postbox),
            ..Letter::default()
        },
        unit_id: Some(parent),
        objection_id: Some(case.id),
        list: None,
    }
}

/// A case on the home page's list of deadlines.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineLine {
    pub id: i32,
    pub receipt_code: String,
    pub status: &'static str,
    pub due_zh: String,
    pub overdue: bool,
}

/// A lower unit with cases past their deadline.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueBelow {
    pub unit_name: String,
    pub count: usize,
}

/// What the staff home page shows of deadlines: the unit's own open cases due within three days
/// or past due, and the units below it with cases past due.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deadlines {
    pub due: Vec<DeadlineLine>,
    pub overdue_below: Vec<OverdueBelow>,
}

/// # Errors
/// Database failure.
pub async fn deadlines_of_unit<C: ConnectionTrait>(db: &C, unit_id: i32, now: DateTime<Utc>) -> AppResult<Deadlines> {
    let tree = crate::access::tree::UnitTree::load(db).await?;
    let below: Vec<i32> = tree.subtree(unit_id).into_iter().filter(|u| *u != unit_id).collect();
    let open = open_due_within_3_days(db, now).await?;
    let notice_units: std::collections::HashMap<i32, i32> = entity::notices::Entity::find()
        .filter(entity::notices::Column::Id.is_in(open.iter().map(|c| c.notice_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.unit_id))
        .collect();
    let mut deadlines = Deadlines::default();
    let mut counts: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for case in open {
        let Some(&owner) = notice_units.get(&case.notice_id) else { continue };
        let overdue = case.handling_due_at < now;
        if owner == unit_id {
            deadlines.due.push(DeadlineLine {
                id: case.id,
                receipt_code: super::codes::grouped(&case.receipt_code),
                status: Status::parse(&case.status).map_or("", Status::label),
                due_zh: datetime_zh(case.handling_due_at),
                overdue,
            });
        } else if overdue && below.contains(&owner) {
            *counts.entry(owner).or_default() += 1;
        }
    }
    let names: std::collections::HashMap<i32, String> = units::Entity::find()
        .filter(units::Column::Id.is_in(counts.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    deadlines.overdue_below = counts
        .into_iter()
        .map(|(id, count)| OverdueBelow { unit_name: names.get(&id).cloned().unwrap_or_default(), count })
        .collect();
    Ok(deadlines)
}

#[cfg(test)]
mod tests {
    use super::Stage;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn stages_begin_at_exactly_72_and_24_hours_ahead_and_just_after_the_deadline() {
        let due = Utc.with_ymd_and_hms(2025, 3, 25, 16, 0, 0).unwrap();
        let second = Duration::seconds(1);
        assert_eq!(Stage::at(due, due - Duration::days(3) - second), None);
        assert_eq!(Stage::at(due, due - Duration::days(3)), Some(Stage::DueIn3Days));
        assert_eq!(Stage::at(due, due - Duration::days(1) - second), Some(Stage::DueIn3Days));
        assert_eq!(Stage::at(due, due - Duration::days(1)), Some(Stage::DueIn1Day));
        assert_eq!(Stage::at(due, due - second), Some(Stage::DueIn1Day));
        assert_eq!(Stage::at(due, due), Some(Stage::DueIn1Day));
        assert_eq!(Stage::at(due, due + Duration::microseconds(1)), Some(Stage::Overdue));
    }
}
