//! Withdrawing a recommendation (撤回推荐): the unit that recommended a project by mistake, or the
//! unit that received it (退回), takes the last step back with a written reason. The project
//! returns to the recommending unit, its place in the limit is freed, the withdrawal is logged
//! and chained in the ledger, and wherever the recommendation was public — a notice of the
//! receiving unit listing the project — the notice shows it was withdrawn and why.
use super::{MAX_REASON_CHARS, ledger};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::{projects, recommendation_withdrawals as withdrawals, recommendations, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder,
};

/// Withdraws the recommendation that brought `project_id` to the unit holding it now.
///
/// # Errors
/// `Forbidden` for a role that may not recommend; `NotFound` for a project the actor cannot
/// see; `Validation` (field `reason`) for a blank or overlong reason, a project that no
/// recommendation brought where it is, or an actor whose unit is neither end of that
/// recommendation; database failure.
pub async fn withdraw_as(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<withdrawals::Model> {
    policy::require_role(actor, Action::Recommend)?;
    let reason = checked_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let project = policy::require_project(&txn, actor, Action::ViewProject, project_id).await?;
    let last = last_step(&txn, &project).await?;
    if actor.unit_id != last.from_unit_id && actor.unit_id != last.to_unit_id {
        let (from, to) = (unit_name(&txn, last.from_unit_id).await?, unit_name(&txn, last.to_unit_id).await?);
        return Err(AppError::invalid(
            "reason",
            format!("项目《{}》目前在{to}，只有{from}或{to}可以撤回这一推荐", project.name),
        ));
    }
    let acting_unit = actor.unit_id;
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    let row = withdraw_in(&txn, project, last, reason, acting_unit, &who, now).await?;
    txn.commit().await?;
    Ok(row)
}

fn checked_reason(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请填写撤回推荐的理由"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid("reason", format!("撤回理由不能超过{MAX_REASON_CHARS}个字")));
    }
    Ok(reason.to_owned())
}

/// The recommendation that brought the project to the unit holding it now.
async fn last_step<C: ConnectionTrait>(db: &C, project: &projects::Model) -> AppResult<recommendations::Model> {
    recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(project.id))
        .filter(recommendations::Column::ToUnitId.eq(project.holder_unit_id))
        .order_by_desc(recommendations::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("reason", format!("项目《{}》尚未被推荐，没有可撤回的推荐", project.name)))
}

async fn unit_name<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<String> {
    Ok(units::Entity::find_by_id(id).one(db).await?.map(|u| u.name).unwrap_or_default())
}

/// Moves the recommendation into the withdrawals, returns the project to the recommending
/// unit, and records both.
async fn withdraw_in<C: ConnectionTrait>(
    db: &C,
    project: projects::Model,
    last: recommendations::Model,
    reason: String,
    acting_unit: i32,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<withdrawals::Model> {
    let row = ledger::copy_of(&last, reason, acting_unit, who.user_id, now).insert(db).await?;
    let (from, to) = (last.from_unit_id, last.to_unit_id);
    last.delete(db).await?;
    let name = project.name.clone();
    let mut p: projects::ActiveModel = project.into();
    p.holder_unit_id = Set(from);
    p.updated_at = Set(now);
    p.update(db).await?;
    crate::ledger::append(
        db,
        "recommendation.withdraw",
        ledger::WITHDRAWAL,
        row.id,
        &ledger::withdrawal_content(&row),
        now,
    )
    .await?;
    let detail = format!(
        "撤回《{name}》从{}至{}的推荐（理由：{}）",
        unit_name(db, from).await?,
        unit_name(db, to).await?,
        row.reason
    );
    who.record(db, "project.recommend.withdraw", "project", row.project_id, acting_unit, Some(detail), now).await?;
    Ok(row)
}

/// The withdrawals of recommendations to `unit_id` of these projects, newest first: what a
/// notice of that unit shows beside a project whose recommendation was withdrawn.
///
/// # Errors
/// Database failure.
pub async fn to_unit<C: ConnectionTrait>(
    db: &C,
    unit_id: i32,
    project_ids: &[i32],
) -> AppResult<Vec<withdrawals::Model>> {
    Ok(withdrawals::Entity::find()
        .filter(withdrawals::Column::ToUnitId.eq(unit_id))
        .filter(withdrawals::Column::ProjectId.is_in(project_ids.iter().copied()))
        .order_by_desc(withdrawals::Column::Id)
        .all(db)
        .await?)
}
