//! The campaign dashboard for staff: each unit's progress against the limit to the province
//! (原则上不超过5项, more only with a recorded reason) and the quotas (Wuwei's minimums), the
//! backward planner from each deadline, the projects the gate holds back, with why, and what
//! holds each project where it is (the report its recommendation rests on, and whether that
//! report still stands). Every figure is scoped to the units the staff member sees.
pub mod api;
pub mod holidays;
pub mod pages;
pub mod planner;
pub mod reminders;
pub mod standings;

use crate::access::{Action, Actor, Scope, policy};
use crate::china_time::{date_zh, day_of};
use crate::error::AppResult;
use crate::notices::Level;
use crate::recommendations::{self, status};
use chrono::{DateTime, Utc};
use entity::{campaign_deadlines, campaign_quotas, campaigns, projects, units};
use planner::{PlanStep, Spans, Tier};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct UnitProgress {
    pub id: i32,
    pub name: String,
    pub depth: usize,
    pub declared: usize,
    pub held: usize,
    pub parent_name: Option<String>,
    /// Recommended to the unit above.
    pub sent_up: usize,
    pub limit: Option<usize>,
    pub over_limit: bool,
    pub over_limit_reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct QuotaProgress {
    pub unit_name: String,
    pub target_name: String,
    pub min: Option<i32>,
    pub max: Option<i32>,
    pub count: usize,
    pub met: bool,
}

#[derive(Debug, Serialize)]
pub struct DeadlinePlan {
    pub unit_name: String,
    pub due_on: String,
    pub description: Option<String>,
    pub days_left: i64,
    /// Days before the deadline the last report is due (the campaign's margin).
    pub margin_days: i64,
    pub steps: Vec<PlanStep>,
}

#[derive(Debug, Serialize)]
pub struct Blocked {
    pub project_id: i32,
    pub name: String,
    pub holder: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub campaign_code: String,
    pub campaign_title: String,
    pub recommend_limit: i32,
    pub today: String,
    pub units: Vec<UnitProgress>,
    pub quotas: Vec<QuotaProgress>,
    pub deadlines: Vec<DeadlinePlan>,
    pub blocked: Vec<Blocked>,
    /// Each project above its applicant with the report that holds it there; those whose
    /// report no longer stands first, flagged.
    pub standings: Vec<standings::ProjectStanding>,
}

/// Everything the dashboard shows to `actor` for a campaign at `now`.
///
/// # Errors
/// `NotFound` without a campaign; database failure.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    campaign: &campaigns::Model,
    now: DateTime<Utc>,
) -> AppResult<Dashboard> {
    let scope = policy::scope(db, actor, Action::ViewUnit).await?;
    let all: HashMap<i32, units::Model> = units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let order = tree_order(&all, &scope);
    let projects = projects::Entity::find()
        .filter(projects::Column::CampaignId.eq(campaign.id))
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?;
    let mut progress = Vec::new();
    for (id, depth) in &order {
        let Some(u) = all.get(id) else { continue };
        let parent = u.parent_id.and_then(|p| all.get(&p));
        let (sent, limit) = match parent {
            Some(p) => (
                recommendations::sent(db, campaign.id, u.id, p.id).await?,
                recommendations::limit(db, campaign, u, p).await?,
            ),
            None => (Vec::new(), None),
        };
        progress.push(UnitProgress {
            id: u.id,
            name: u.name.clone(),
            depth: *depth,
            declared: projects.iter().filter(|p| p.applicant_unit_id == u.id).count(),
            held: projects.iter().filter(|p| p.holder_unit_id == u.id).count(),
            parent_name: parent.map(|p| p.name.clone()),
            sent_up: sent.len(),
            limit: limit.map(|l| l.limit),
            over_limit: limit.is_some_and(|l| l.used > l.limit),
            over_limit_reasons: sent.iter().filter_map(|r| r.over_limit_reason.clone()).collect(),
        });
    }
    let mut blocked = Vec::new();
    let in_scope: Vec<projects::Model> =
        projects.iter().filter(|p| scope.contains(p.holder_unit_id)).cloned().collect();
    let steps = status::steps(db, campaign, &in_scope, &all).await?;
    for (p, step) in in_scope.iter().zip(steps) {
        if let Some(reason) = step.reason().filter(|_| step.is_blocked()) {
            let holder = all.get(&p.holder_unit_id).map_or_else(String::new, |u| u.name.clone());
            blocked.push(Blocked { project_id: p.id, name: p.name.clone(), holder, reason: reason.to_owned() });
        }
    }
    let above_applicant: Vec<&projects::Model> =
        in_scope.iter().filter(|p| p.holder_unit_id != p.applicant_unit_id).collect();
    let standings = standings::of(db, &above_applicant, &all).await?;
    Ok(Dashboard {
        campaign_code: campaign.code.clone(),
        campaign_title: campaign.title.clone(),
        recommend_limit: campaign.recommend_limit,
        today: date_zh(day_of(now)),
        units: progress,
        quotas: quotas(db, campaign, &all, &scope).await?,
        deadlines: deadlines(db, campaign, &all, now).await?,
        blocked,
        standings,
    })
}

/// The units in scope, each after its parent, with their depth below the top shown.
fn tree_order(all: &HashMap<i32, units::Model>, scope: &Scope) -> Vec<(i32, usize)> {
    let mut children: HashMap<Option<i32>, Vec<&units::Model>> = HashMap::new();
    for u in all.values() {
        children.entry(u.parent_id).or_default().push(u);
    }
    for list in children.values_mut() {
        list.sort_by_key(|u| u.id);
    }
    // Tops: units in scope whose parent is not.
    let mut tops: Vec<&units::Model> =
        all.values().filter(|u| scope.contains(u.id) && u.parent_id.is_none_or(|p| !scope.contains(p))).collect();
    tops.sort_by_key(|u| u.id);
    let mut out = Vec::new();
    let mut stack: Vec<(&units::Model, usize)> = tops.into_iter().rev().map(|u| (u, 0)).collect();
    while let Some((u, depth)) = stack.pop() {
        if out.iter().any(|(id, _)| *id == u.id) {
            continue;
        }
        out.push((u.id, depth));
        for c in children.get(&Some(u.id)).into_iter().flatten().rev() {
            stack.push((c, depth + 1));
        }
    }
    out
}

async fn quotas<C: ConnectionTrait>(
    db: &C,
    campaign: &campaigns::Model,
    all: &HashMap<i32, units::Model>,
    scope: &Scope,
) -> AppResult<Vec<QuotaProgress>> {
    let rows = campaign_quotas::Entity::find()
        .filter(campaign_quotas::Column::CampaignId.eq(campaign.id))
        .order_by_asc(campaign_quotas::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for q in rows.into_iter().filter(|q| scope.contains(q.unit_id) || scope.contains(q.target_unit_id)) {
        let count = recommendations::sent(db, campaign.id, q.unit_id, q.target_unit_id).await?.len();
        let at_least = q.min_projects.and_then(|m| usize::try_from(m).ok()).is_none_or(|m| count >= m);
        let name = |id: i32| all.get(&id).map_or_else(String::new, |u| u.name.clone());
        out.push(QuotaProgress {
            unit_name: name(q.unit_id),
            target_name: name(q.target_unit_id),
            min: q.min_projects,
            max: q.max_projects,
            count,
            met: at_least,
        });
    }
    Ok(out)
}

/// The tiers of notices below a unit, nearest first: each depth of the tree publishes a
/// 推荐单位公示 while it has units below it, and the applicants a 申报单位公示.
fn tiers(all: &HashMap<i32, units::Model>, top: i32) -> Vec<Tier> {
    let mut out = Vec::new();
    let mut current = vec![top];
    for _ in 0..8 {
        let next: Vec<&units::Model> =
            all.values().filter(|u| u.parent_id.is_some_and(|p| current.contains(&p))).collect();
        if next.is_empty() {
            break;
        }
        let mut names: Vec<(i32, &str)> = next.iter().map(|u| (u.id, u.name.as_str())).collect();
        names.sort_unstable();
        let parents = next.iter().any(|u| all.values().any(|c| c.parent_id == Some(u.id)));
        let level = if parents { Level::Recommender } else { Level::Applicant };
        let shown: Vec<&str> = names.iter().take(3).map(|(_, n)| *n).collect();
        let more = if names.len() > 3 { "等" } else { "" };
        out.push(Tier { who: format!("{}{more}", shown.join("、")), level });
        if !parents {
            break;
        }
        current = next.iter().map(|u| u.id).collect();
    }
    out
}

async fn deadlines<C: ConnectionTrait>(
    db: &C,
    campaign: &campaigns::Model,
    all: &HashMap<i32, units::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<DeadlinePlan>> {
    let rows = campaign_deadlines::Entity::find()
        .filter(campaign_deadlines::Column::CampaignId.eq(campaign.id))
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .all(db)
        .await?;
    let today = day_of(now);
    let rules = crate::notices::PeriodRules::of(campaign);
    let spans = Spans {
        notice_days: i64::from(rules.notice_days),
        handling_days: i64::from(campaign.handling_days),
        margin_days: i64::from(campaign.deadline_margin_days.max(0)),
    };
    Ok(rows
        .into_iter()
        .map(|d| DeadlinePlan {
            unit_name: all.get(&d.unit_id).map_or_else(String::new, |u| u.name.clone()),
            due_on: date_zh(d.due_on),
            description: d.description.clone(),
            days_left: (d.due_on - today).num_days(),
            margin_days: spans.margin_days,
            steps: planner::plan(d.due_on, &tiers(all, d.unit_id), spans, today),
        })
        .collect())
}
