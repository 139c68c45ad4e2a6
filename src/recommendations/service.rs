//! Reading recommendations for the staff pages and API: what a unit holds with each project's
//! next step, what it has sent and received, and its 推荐汇总表.
use super::status::{self, Step};
use crate::access::{Action, Actor, policy};
use crate::china_time::date_zh;
use crate::error::{AppError, AppResult};
use crate::projects::Grade;
use chrono::{DateTime, Utc};
use entity::{campaigns, projects, recommendations, result_reports, units};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// A project the unit holds, and its next step.
#[derive(Debug, Serialize)]
pub struct HeldRow {
    pub project_id: i32,
    pub name: String,
    pub applicant: String,
    pub step: Step,
    /// 拟推荐等级, as the applicant asked.
    pub asked_grade: Option<&'static str>,
    /// 拟评等级, as the province proposed after review (at the province only).
    pub review_grade: Option<&'static str>,
}

/// A recommendation made or received.
#[derive(Debug, Serialize)]
pub struct SentRow {
    pub project_id: i32,
    pub name: String,
    pub from: String,
    pub to: String,
    pub level: i32,
    pub report_code: Option<String>,
    /// Set when the report the recommendation rests on no longer clears (已失效, 暂停, 已被取代):
    /// the receiving unit must not build on it.
    pub report_standing: Option<StandingFlag>,
    pub over_limit_reason: Option<String>,
    pub on: String,
    /// The project is still where this recommendation brought it, so either end may withdraw it.
    pub can_withdraw: bool,
}

/// A recommendation from or to the unit that was withdrawn, and why.
#[derive(Debug, Serialize)]
pub struct WithdrawnRow {
    pub project_id: i32,
    pub name: String,
    pub from: String,
    pub to: String,
    pub withdrawn_by: String,
    pub reason: String,
    pub on: String,
}

/// A report's standing as a warning beside the recommendation that rests on it.
#[derive(Debug, Clone, Serialize)]
pub struct StandingFlag {
    pub label: &'static str,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub campaign: String,
    pub unit_id: i32,
    pub unit_name: String,
    pub parent_name: Option<String>,
    pub held: Vec<HeldRow>,
    pub sent: Vec<SentRow>,
    pub received: Vec<SentRow>,
    pub withdrawn: Vec<WithdrawnRow>,
    /// Toward the parent: how many sent, and the limit before a reason is needed.
    pub used: Option<usize>,
    pub limit: Option<usize>,
}

/// What the actor's unit holds, has sent and has received in a campaign, with each held
/// project's next step.
///
/// # Errors
/// Database failure.
pub async fn overview(db: &DatabaseConnection, actor: &Actor, campaign: &campaigns::Model) -> AppResult<Overview> {
    let all: HashMap<i32, units::Model> = units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let me = all.get(&actor.unit_id).ok_or(AppError::NotFound)?;
    let parent = me.parent_id.and_then(|p| all.get(&p));
    let held = held_rows(db, campaign, actor.unit_id, &all).await?;
    let (sent, received) = sent_and_received(db, campaign, actor.unit_id, &all).await?;
    let withdrawn = withdrawn_rows(db, campaign, actor.unit_id, &all).await?;
    let limit = match parent {
        Some(parent) => super::limit(db, campaign, me, parent).await?,
        None => None,
    };
    Ok(Overview {
        campaign: campaign.code.clone(),
        unit_id: me.id,
        unit_name: me.name.clone(),
        parent_name: parent.map(|p| p.name.clone()),
        held,
        sent,
        received,
        withdrawn,
        used: limit.map(|l| l.used),
        limit: limit.map(|l| l.limit),
    })
}

fn name_in(all: &HashMap<i32, units::Model>, id: i32) -> String {
    all.get(&id).map_or_else(String::new, |u| u.name.clone())
}

/// The unit's own projects of the campaign, each with the step the gate has it at.
async fn held_rows(
    db: &DatabaseConnection,
    campaign: &campaigns::Model,
    unit_id: i32,
    all: &HashMap<i32, units::Model>,
) -> AppResult<Vec<HeldRow>> {
    let held_projects = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign.id))
        .filter(projects::Column::HolderUnitId.eq(unit_id))
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?;
    let steps = status::steps(db, campaign, &held_projects, all).await?;
    let at_top = all.get(&unit_id).is_some_and(|u| u.parent_id.is_none());
    let mut rows = Vec::with_capacity(held_projects.len());
    for (p, step) in held_projects.iter().zip(steps) {
        let review_grade =
            if at_top { crate::projects::review_grade::current(db, p.id).await?.map(Grade::label) } else { None };
        rows.push(HeldRow {
            project_id: p.id,
            name: p.name.clone(),
            applicant: name_in(all, p.applicant_unit_id),
            step,
            asked_grade: p.proposed_grade.as_deref().and_then(Grade::parse).map(Grade::label),
            review_grade,
        });
    }
    Ok(rows)
}

/// The campaign's recommendations the unit made (sent) and those made to it (received).
async fn sent_and_received(
    db: &DatabaseConnection,
    campaign: &campaigns::Model,
    unit_id: i32,
    all: &HashMap<i32, units::Model>,
) -> AppResult<(Vec<SentRow>, Vec<SentRow>)> {
    let rows = recommendations::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(recommendations::Column::FromUnitId.eq(unit_id))
                .add(recommendations::Column::ToUnitId.eq(unit_id)),
        )
        .order_by_asc(recommendations::Column::Id)
        .find_also_related(projects::Entity)
        .all(db)
        .await?;
    let reports = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(rows.iter().filter_map(|(r, _)| r.report_id)))
        .all(db)
        .await?;
    let mut codes: HashMap<i32, (String, Option<StandingFlag>)> = HashMap::new();
    for report in reports {
        let standing = crate::report_standing::of(db, &report).await?;
        let flag = (!standing.clears()).then(|| StandingFlag { label: standing.label(), reason: standing.reason() });
        codes.insert(report.id, (report.code, flag));
    }
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for (r, project) in rows {
        let Some(p) = project.filter(|p| p.campaign_id == campaign.id) else { continue };
        let row = SentRow {
            project_id: p.id,
            name: p.name.clone(),
            from: name_in(all, r.from_unit_id),
            to: name_in(all, r.to_unit_id),
            level: r.level,
            report_code: r.report_id.and_then(|id| codes.get(&id)).map(|(code, _)| code.clone()),
            report_standing: r.report_id.and_then(|id| codes.get(&id)).and_then(|(_, flag)| flag.clone()),
            over_limit_reason: r.over_limit_reason.clone(),
            on: date_zh(crate::china_time::day_of(r.created_at)),
            can_withdraw: p.holder_unit_id == r.to_unit_id,
        };
        if r.from_unit_id == unit_id { sent.push(row) } else { received.push(row) }
    }
    Ok((sent, received))
}

/// The campaign's withdrawn recommendations from or to the unit, newest first.
async fn withdrawn_rows(
    db: &DatabaseConnection,
    campaign: &campaigns::Model,
    unit_id: i32,
    all: &HashMap<i32, units::Model>,
) -> AppResult<Vec<WithdrawnRow>> {
    use entity::recommendation_withdrawals as withdrawals;
    let rows = withdrawals::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(withdrawals::Column::FromUnitId.eq(unit_id))
                .add(withdrawals::Column::ToUnitId.eq(unit_id)),
        )
        .order_by_desc(withdrawals::Column::Id)
        .find_also_related(projects::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(w, p)| {
            let p = p.filter(|p| p.campaign_id == campaign.id)?;
            Some(WithdrawnRow {
                project_id: p.id,
                name: p.name,
                from: name_in(all, w.from_unit_id),
                to: name_in(all, w.to_unit_id),
                withdrawn_by: name_in(all, w.withdrawn_by_unit_id),
                reason: w.reason,
                on: date_zh(crate::china_time::day_of(w.withdrawn_at)),
            })
        })
        .collect())
}

/// A unit's name, for the message after recommending.
///
/// # Errors
/// Database failure.
pub async fn unit_name(db: &DatabaseConnection, unit_id: i32) -> AppResult<String> {
    Ok(units::Entity::find_by_id(unit_id).one(db).await?.map(|u| u.name).unwrap_or_default())
}

/// The 推荐汇总表 of `unit_id` (the actor's own unit when `None`, or one below it they may see).
///
/// # Errors
/// `NotFound`/`Forbidden` by the policy; database failure.
pub async fn summary_table_for(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_code: Option<&str>,
    unit_id: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<crate::summary_table::Table> {
    let unit_id = unit_id.unwrap_or(actor.unit_id);
    policy::require(db, actor, Action::ViewUnit, unit_id).await?;
    let campaign = super::campaign(db, campaign_code).await?;
    crate::summary_table::build(db, campaign.id, unit_id, now).await
}
