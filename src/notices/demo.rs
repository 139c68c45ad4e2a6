//! Demo notices: each demo enterprise's level-1 notice, dated around today so a new user finds
//! notices open, closed, scheduled, corrected and withdrawn. They are made the way staff make
//! them — generated and published through the same services — as of the earlier days they
//! would have been published on, in time order, so the ledger reads as it would have.
use super::generate::{GenerateRequest, generate, start_correction};
use super::publish::{PublishRequest, publish, withdraw};
use super::{Level, Who};
use crate::china_time::{day_of, instant_on};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{notice_revisions, units};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// (unit code, start day relative to today, what happens after publishing)
const PLAN: &[(&str, i64, After)] = &[
    ("E-HYH", -12, After::Nothing),
    ("E-RLGS", -11, After::Nothing),
    ("E-LZJX", -10, After::Nothing),
    ("E-TZSD", -6, After::Withdraw),
    ("E-GLGF", -3, After::Nothing),
    ("E-GDGS", -2, After::Nothing),
    ("E-RMYY", -2, After::Nothing),
    ("E-MQSC", -1, After::Correct),
    ("E-MQJS", -1, After::Nothing),
    ("E-TZMY", 0, After::Nothing),
    ("E-GLJZ", 1, After::Nothing),
];

#[derive(Clone, Copy)]
enum After {
    Nothing,
    Correct,
    Withdraw,
}

/// 09:00 China time on `day`.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    instant_on(day, 9 * 60)
}

/// One step of the demo's history.
enum Step {
    Publish { code: &'static str, start: NaiveDate },
    Correct { code: &'static str },
    Withdraw { code: &'static str },
}

/// Seeds the demo notices of `campaign_id` as of `now`, every step at the instant staff would
/// have taken it, in time order.
///
/// # Errors
/// Database failure, or demo data the rules refuse (a bug in the demo).
pub async fn seed(db: &DatabaseConnection, campaign_id: i32, now: DateTime<Utc>) -> AppResult<()> {
    let today = day_of(now);
    let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
    for &(code, offset, after) in PLAN {
        let start = today + Duration::days(offset);
        // Published the morning before the period, or an hour ago for a period from tomorrow.
        let published_at = if offset > 0 { now - Duration::hours(1) } else { morning(start - Duration::days(1)) };
        steps.push((published_at, Step::Publish { code, start }));
        match after {
            After::Nothing => {}
            After::Correct => steps.push(((published_at + Duration::hours(3)).min(now), Step::Correct { code })),
            After::Withdraw => steps.push(((morning(start) + Duration::days(1)).min(now), Step::Withdraw { code })),
        }
    }
    steps.sort_by_key(|(at, _)| *at);
    let mut notices: HashMap<&str, i32> = HashMap::new();
    for (at, step) in steps {
        match step {
            Step::Publish { code, start } => {
                if let Some(id) = publish_for(db, campaign_id, code, start, at).await? {
                    notices.insert(code, id);
                }
            }
            Step::Correct { code } => {
                let Some(&id) = notices.get(code) else { continue };
                start_correction(db, id, &Who::default(), at).await?;
                let note = "更正正文中的异议受理电话，项目及排序不变。".to_owned();
                publish(db, id, &PublishRequest { note: Some(note), ..PublishRequest::default() }, at).await?;
            }
            Step::Withdraw { code } => {
                let Some(&id) = notices.get(code) else { continue };
                withdraw(db, id, "申报单位经研究决定本年度暂缓申报，撤回全部项目。", None, at).await?;
            }
        }
    }
    Ok(())
}

/// Generates and publishes the level-1 notice of every project `code` declared; `None` when
/// the unit or its projects are not in the demo.
async fn publish_for(
    db: &DatabaseConnection,
    campaign_id: i32,
    code: &str,
    start: NaiveDate,
    at: DateTime<Utc>,
) -> AppResult<Option<i32>> {
    let Some(unit) = units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await? else { return Ok(None) };
    let projects = crate::projects::service::list_ids_for_unit(db, campaign_id, unit.id).await?;
    if projects.is_empty() {
        return Ok(None);
    }
    let req = GenerateRequest {
        campaign_id,
        unit_id: unit.id,
        level: Level::Applicant,
        project_ids: projects,
        starts_on: Some(start),
        created_by: None,
    };
    let notice_id = generate(db, &req, at).await?.notice_id;
    set_board(db, notice_id, &unit.name).await?;
    publish(db, notice_id, &PublishRequest::default(), at).await?;
    Ok(Some(notice_id))
}

/// The demo's board location, as staff would type it before publishing.
async fn set_board(db: &DatabaseConnection, notice_id: i32, unit_name: &str) -> AppResult<()> {
    let draft = super::service::draft_revision(db, notice_id)
        .await?
        .ok_or_else(|| AppError::internal("demo draft vanished"))?;
    let mut row: notice_revisions::ActiveModel = draft.into();
    row.board_location = Set(Some(format!("{unit_name}办公楼一楼公告栏")));
    row.update(db).await?;
    Ok(())
}
