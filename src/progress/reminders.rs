//! Reminders of submission deadlines (报送期限): three days before a campaign's deadline for
//! material sent to a unit, the units that send to it (the units directly below) are told, from
//! 00:00 China time on the third day before. Each deadline is reminded once
//! (`deadline_reminders`), in the transaction that posts its mail; who gets it by e-mail is each
//! person's choice (`accounts::notifications`), and the staff home page shows it anyway.
use crate::accounts::notifications::{Topic, addresses};
use crate::china_time::{date_zh, day_of};
use crate::error::AppResult;
use crate::mail::{Letter, Mail, Postbox};
use chrono::{DateTime, Days, NaiveDate, Utc};
use entity::{campaign_deadlines, campaigns, deadline_reminders, units};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// How many days ahead a deadline is announced.
pub const DAYS_AHEAD: u64 = 3;

/// Deadlines from `today` to [`DAYS_AHEAD`] days on: the ones to remind of and to show.
async fn coming<C: ConnectionTrait>(db: &C, today: NaiveDate) -> AppResult<Vec<campaign_deadlines::Model>> {
    let last = today.checked_add_days(Days::new(DAYS_AHEAD)).unwrap_or(today);
    Ok(campaign_deadlines::Entity::find()
        .filter(campaign_deadlines::Column::DueOn.gte(today))
        .filter(campaign_deadlines::Column::DueOn.lte(last))
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .all(db)
        .await?)
}

/// Reminds every deadline whose day has come; returns how many deadlines were reminded.
///
/// # Errors
/// Database failure (the deadlines reminded before it stay reminded).
pub async fn send_due(db: &DatabaseConnection, postbox: &Postbox, now: DateTime<Utc>) -> AppResult<usize> {
    let mut reminded = 0;
    for deadline in coming(db, day_of(now)).await? {
        let txn = crate::db::begin_write(db).await?;
        if deadline_reminders::Entity::find_by_id(deadline.id).one(&txn).await?.is_none() {
            let row = deadline_reminders::ActiveModel { deadline_id: Set(deadline.id), sent_at: Set(now) };
            deadline_reminders::Entity::insert(row).exec(&txn).await?;
            remind(&txn, postbox, &deadline, now).await?;
            reminded += 1;
        }
        txn.commit().await?;
    }
    postbox.wake();
    Ok(reminded)
}

async fn remind<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    deadline: &campaign_deadlines::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(campaign) = campaigns::Entity::find_by_id(deadline.campaign_id).one(db).await? else { return Ok(()) };
    let Some(receiver) = units::Entity::find_by_id(deadline.unit_id).one(db).await? else { return Ok(()) };
    let senders = units::Entity::find().filter(units::Column::ParentId.eq(receiver.id)).all(db).await?;
    for sender in senders {
        for to in addresses(db, sender.id, Topic::UnitEvents).await? {
            let letter = letter(postbox, &campaign, &receiver.name, &sender.name, deadline);
            let mail = Mail {
                kind: "reminder.deadline",
                to,
                letter,
                unit_id: Some(sender.id),
                objection_id: None,
                list: None,
            };
            postbox.post(db, mail, now).await?;
        }
    }
    Ok(())
}

fn letter(
    postbox: &Postbox,
    campaign: &campaigns::Model,
    receiver: &str,
    sender: &str,
    deadline: &campaign_deadlines::Model,
) -> Letter {
    let due = date_zh(deadline.due_on);
    let mut facts = vec![
        ("征集活动".to_owned(), campaign.title.clone()),
        ("报送单位".to_owned(), sender.to_owned()),
        ("报送至".to_owned(), receiver.to_owned()),
        ("截止日期".to_owned(), due.clone()),
    ];
    if let Some(description) = &deadline.description {
        facts.push(("说明".to_owned(), description.clone()));
    }
    Letter {
        subject: format!("报送期限提醒：{due}前向{receiver}报送"),
        paragraphs: vec![format!("{sender}向{receiver}报送推荐材料的期限是{due}，还有不到{DAYS_AHEAD}天。")],
        facts,
        link: Some(("查看推荐上报和报送材料".to_owned(), postbox.link("/admin/recommendations"))),
        footer: vec![format!(
            "您在“我的账号”中选择了用电子邮件接收此类提醒，可随时更改：{}",
            postbox.link("/admin/account#notifications")
        )],
        ..Letter::default()
    }
}

/// A deadline the home page announces.
#[derive(Debug, Clone, Serialize)]
pub struct ComingDeadline {
    pub campaign: String,
    pub to_unit: String,
    pub due_on: String,
    pub days_left: i64,
    pub description: Option<String>,
}

/// The deadlines the unit must meet (those of the unit above it) within [`DAYS_AHEAD`] days.
///
/// # Errors
/// Database failure.
pub async fn coming_for_unit<C: ConnectionTrait>(
    db: &C,
    unit_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<ComingDeadline>> {
    let Some(parent) = units::Entity::find_by_id(unit_id).one(db).await?.and_then(|u| u.parent_id) else {
        return Ok(Vec::new());
    };
    let today = day_of(now);
    let mut out = Vec::new();
    for d in coming(db, today).await?.into_iter().filter(|d| d.unit_id == parent) {
        let campaign = campaigns::Entity::find_by_id(d.campaign_id).one(db).await?.map(|c| c.title).unwrap_or_default();
        let to_unit = units::Entity::find_by_id(parent).one(db).await?.map(|u| u.name).unwrap_or_default();
        out.push(ComingDeadline {
            campaign,
            to_unit,
            due_on: date_zh(d.due_on),
            days_left: (d.due_on - today).num_days(),
            description: d.description,
        });
    }
    Ok(out)
}
