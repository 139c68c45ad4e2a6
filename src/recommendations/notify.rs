//! Telling a unit that a unit below has recommended a project to it: its admins and handlers
//! who asked for the unit's business by e-mail (`accounts::notifications`) get one message,
//! posted in the recommendation's own transaction. A unit that takes projects in by importing
//! a file is the one acting, and is not told.
use crate::accounts::notifications::{Topic, addresses};
use crate::error::AppResult;
use crate::mail::{Letter, Mail, Postbox};
use chrono::{DateTime, Utc};
use entity::{projects, recommendations, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// # Errors
/// Database failure.
pub async fn recommended<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    row: &recommendations::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !postbox.enabled() {
        return Ok(());
    }
    let addresses = addresses(db, row.to_unit_id, Topic::UnitEvents).await?;
    if addresses.is_empty() {
        return Ok(());
    }
    let project = projects::Entity::find_by_id(row.project_id).one(db).await?.map(|p| p.name).unwrap_or_default();
    let from = units::Entity::find_by_id(row.from_unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    let to = units::Entity::find_by_id(row.to_unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    for address in addresses {
        let mut facts = vec![
            ("项目".to_owned(), project.clone()),
            ("推荐单位".to_owned(), from.clone()),
            ("推荐至".to_owned(), to.clone()),
        ];
        if let Some(reason) = &row.over_limit_reason {
            facts.push(("超额推荐理由".to_owned(), reason.clone()));
        }
        let letter = Letter {
            subject: format!("收到下级推荐：{from}推荐《{project}》"),
            paragraphs: vec![format!("{from}已将项目《{project}》推荐至{to}。")],
            facts,
            link: Some(("查看推荐上报".to_owned(), postbox.link("/admin/recommendations"))),
            footer: vec![format!(
                "您在“我的账号”中选择了用电子邮件接收本单位事务通知，可随时更改：{}",
                postbox.link("/admin/account#notifications")
            )],
            ..Letter::default()
        };
        let mail = Mail {
            kind: "unit.recommendation_received",
            to: address,
            letter,
            unit_id: Some(row.to_unit_id),
            objection_id: None,
            list: None,
        };
        postbox.post(db, mail, now).await?;
    }
    Ok(())
}

/// A project recommended to the unit lately, as the staff home page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Received {
    pub project: String,
    pub from_unit: String,
    pub at_zh: String,
}

/// What units below recommended to `unit_id` since `since`, newest first.
///
/// # Errors
/// Database failure.
pub async fn received_since<C: ConnectionTrait>(
    db: &C,
    unit_id: i32,
    since: DateTime<Utc>,
) -> AppResult<Vec<Received>> {
    use sea_orm::QueryOrder;
    let rows = recommendations::Entity::find()
        .filter(recommendations::Column::ToUnitId.eq(unit_id))
        .filter(recommendations::Column::CreatedAt.gte(since))
        .order_by_desc(recommendations::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Received {
            project: projects::Entity::find_by_id(r.project_id).one(db).await?.map(|p| p.name).unwrap_or_default(),
            from_unit: units::Entity::find_by_id(r.from_unit_id).one(db).await?.map(|u| u.name).unwrap_or_default(),
            at_zh: crate::china_time::datetime_zh(r.created_at),
        });
    }
    Ok(out)
}
