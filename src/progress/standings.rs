//! What holds each project where it is: the recommendation that brought it to its holder and
//! the report that recommendation rests on, with that report's standing now. A report that
//! stops standing (its notice withdrawn, its period restarted, a late in-time objection, a
//! later report) is flagged here for the receiving unit and the province, never kept silently.
use crate::report_standing;
use entity::{projects, recommendations, result_reports, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

use crate::error::AppResult;

#[derive(Debug, Serialize)]
pub struct ProjectStanding {
    pub project_id: i32,
    pub name: String,
    pub holder: String,
    /// The unit that recommended it to its holder.
    pub from: String,
    pub report_code: Option<String>,
    /// 有效 / 已被取代 / 已失效 / 暂停, or 无 when the recommendation rests on no report.
    pub standing: &'static str,
    pub clears: bool,
    /// Why it no longer clears.
    pub reason: Option<String>,
}

/// Each of `held` (projects above their applicant), with what holds it there; flagged ones first.
///
/// # Errors
/// Database failure.
pub async fn of<C: ConnectionTrait>(
    db: &C,
    held: &[&projects::Model],
    all: &HashMap<i32, units::Model>,
) -> AppResult<Vec<ProjectStanding>> {
    let steps = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.is_in(held.iter().map(|p| p.id)))
        .order_by_asc(recommendations::Column::Id)
        .all(db)
        .await?;
    // The last step into each project's holder.
    let mut into_holder: HashMap<i32, recommendations::Model> = HashMap::new();
    for r in steps {
        if held.iter().any(|p| p.id == r.project_id && p.holder_unit_id == r.to_unit_id) {
            into_holder.insert(r.project_id, r);
        }
    }
    let reports: HashMap<i32, result_reports::Model> = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(into_holder.values().filter_map(|r| r.report_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut standings = HashMap::new();
    for (id, report) in &reports {
        standings.insert(*id, report_standing::of(db, report).await?);
    }
    let name = |id: i32| all.get(&id).map_or_else(String::new, |u| u.name.clone());
    let mut out: Vec<ProjectStanding> = held
        .iter()
        .filter_map(|p| {
            let step = into_holder.get(&p.id)?;
            let report = step.report_id.and_then(|id| reports.get(&id));
            let standing = step.report_id.and_then(|id| standings.get(&id));
            Some(ProjectStanding {
                project_id: p.id,
                name: p.name.clone(),
                holder: name(p.holder_unit_id),
                from: name(step.from_unit_id),
                report_code: report.map(|r| r.code.clone()),
                standing: standing.map_or("无", report_standing::Standing::label),
                clears: standing.is_some_and(report_standing::Standing::clears),
                reason: standing.filter(|s| !s.clears()).map(report_standing::Standing::reason),
            })
        })
        .collect();
    out.sort_by_key(|s| s.clears);
    Ok(out)
}
