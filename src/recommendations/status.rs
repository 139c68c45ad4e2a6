//! Where a project stands on its way up, asked of the gate itself: may its holder recommend it
//! to the unit above now, and if not, why. The recommendation page and the campaign dashboard
//! show the same answers.
use super::Limit;
use crate::error::{AppError, AppResult};
use crate::notices::Level;
use crate::notices::gate;
use entity::{campaigns, projects, units};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::collections::HashMap;

/// The next step for a project, from its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// The holder may recommend it now; `needs_reason` when the limit is reached.
    Ready { to_unit_id: i32, to_name: String, needs_reason: bool, used: Option<usize>, limit: Option<usize> },
    /// The gate refuses, for this reason (in Chinese, naming the project).
    Blocked { reason: String },
    /// At the province: it may enter the provincial notice, or why not.
    AtTop { province_ok: bool, reason: Option<String> },
}

impl Step {
    #[must_use]
    pub fn is_blocked(&self) -> bool {
        matches!(self, Self::Blocked { .. } | Self::AtTop { province_ok: false, .. })
    }

    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Blocked { reason } | Self::AtTop { reason: Some(reason), .. } => Some(reason),
            _ => None,
        }
    }
}

fn first_message(e: AppError) -> AppResult<String> {
    match e {
        AppError::Validation(list) => Ok(list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；")),
        AppError::Conflict { message, .. } => Ok(message),
        other => Err(other),
    }
}

/// The next step for each of `projects`, in order. The limit toward a parent is the same for
/// every project its holder sends there, so it is read once per holder, not once per project.
///
/// # Errors
/// Database failure.
pub async fn steps<C: ConnectionTrait>(
    db: &C,
    campaign: &campaigns::Model,
    projects: &[projects::Model],
    units: &HashMap<i32, units::Model>,
) -> AppResult<Vec<Step>> {
    let mut limits: HashMap<i32, Option<Limit>> = HashMap::new();
    let mut out = Vec::with_capacity(projects.len());
    for project in projects {
        out.push(step(db, campaign, project, units, &mut limits).await?);
    }
    Ok(out)
}

/// The next step for `project`, held by `units[project.holder_unit_id]`; `limits` keeps the
/// limit of each holder already read.
async fn step<C: ConnectionTrait>(
    db: &C,
    campaign: &campaigns::Model,
    project: &projects::Model,
    units: &HashMap<i32, units::Model>,
    limits: &mut HashMap<i32, Option<Limit>>,
) -> AppResult<Step> {
    let Some(holder) = units.get(&project.holder_unit_id) else {
        return Ok(Step::Blocked { reason: format!("项目《{}》的持有单位不存在", project.name) });
    };
    let Some(parent) = holder.parent_id.and_then(|p| units.get(&p)) else {
        return Ok(match gate::check_can_enter(db, project.id, Level::Province, holder.id).await {
            Ok(()) => Step::AtTop { province_ok: true, reason: None },
            Err(e) => Step::AtTop { province_ok: false, reason: Some(first_message(e)?) },
        });
    };
    match gate::check_can_recommend(db, project.id, holder.id, parent.id).await {
        Ok(_) => {
            let limit = match limits.get(&holder.id) {
                Some(known) => *known,
                None => {
                    let read = super::limit(db, campaign, holder, parent).await?;
                    *limits.entry(holder.id).or_insert(read)
                }
            };
            Ok(Step::Ready {
                to_unit_id: parent.id,
                to_name: parent.name.clone(),
                needs_reason: limit.is_some_and(Limit::is_reached),
                used: limit.map(|l| l.used),
                limit: limit.map(|l| l.limit),
            })
        }
        Err(e) => Ok(Step::Blocked { reason: first_message(e)? }),
    }
}
