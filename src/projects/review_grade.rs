//! The grade the province proposes after its review (拟评等级). The applicant's 拟推荐等级 is
//! what it asks for; the provincial notice lists only projects the province itself proposes for
//! 三等奖 or above, so level 3 reads this grade alone. Each decision is a row of its own (the
//! latest holds), logged and chained in the ledger; only the province's admins set it, and only
//! for a project recommended to the province.
use super::Grade;
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{projects, review_grades, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

/// The ledger's entity type for a grade decision.
pub const REVIEW_GRADE: &str = "review_grade";
pub const MAX_NOTE_CHARS: usize = 1000;

/// The project's current 拟评等级, if the province has set one.
///
/// # Errors
/// Database failure.
pub async fn current<C: ConnectionTrait>(db: &C, project_id: i32) -> AppResult<Option<Grade>> {
    Ok(latest(db, project_id).await?.and_then(|g| Grade::parse(&g.grade)))
}

async fn latest<C: ConnectionTrait>(db: &C, project_id: i32) -> AppResult<Option<review_grades::Model>> {
    Ok(review_grades::Entity::find()
        .filter(review_grades::Column::ProjectId.eq(project_id))
        .order_by_desc(review_grades::Column::Id)
        .one(db)
        .await?)
}

/// Sets the project's 拟评等级, as an admin of the province.
///
/// # Errors
/// `Forbidden`/`NotFound` for anyone but the province's admins; `Validation` for an unknown
/// grade or an overlong note; `Conflict` for a project not recommended to the province;
/// database failure.
pub async fn set_as(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: i32,
    grade: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<review_grades::Model> {
    let txn = crate::db::begin_write(db).await?;
    let project = policy::require_project(&txn, actor, Action::ViewProject, project_id).await?;
    policy::require(&txn, actor, Action::ProposeGrade, actor.unit_id).await?;
    let Some(grade) = Grade::parse(grade.trim()) else {
        return Err(AppError::invalid("grade", "拟评等级应为特等奖、一等奖、二等奖、三等奖或优秀奖"));
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::invalid("note", format!("评审意见不能超过{MAX_NOTE_CHARS}个字")));
    }
    let holder = units::Entity::find_by_id(project.holder_unit_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if holder.parent_id.is_some() || holder.id != actor.unit_id {
        return Err(AppError::conflict(format!(
            "项目《{}》尚未推荐至省总工会（目前在{}），不能拟评等级",
            project.name, holder.name
        )));
    }
    let who = Who { user_id: Some(actor.user_id), ip: actor.ip.clone() };
    let row = record(&txn, &project, grade, note, &who, actor.unit_id, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Records a grade decision for `project` by `unit_id` (the province): the row, its ledger
/// entry and the audit line. [`set_as`] checks who may; the demo's history calls this directly.
///
/// # Errors
/// Database failure.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    project: &projects::Model,
    grade: Grade,
    note: Option<&str>,
    who: &Who,
    unit_id: i32,
    now: DateTime<Utc>,
) -> AppResult<review_grades::Model> {
    let row = review_grades::ActiveModel {
        project_id: Set(project.id),
        grade: Set(grade.code().to_owned()),
        note: Set(note.map(str::to_owned)),
        set_by: Set(who.user_id),
        set_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::ledger::append(db, "project.review_grade", REVIEW_GRADE, row.id, &content_of(&row), now).await?;
    let detail = format!("《{}》拟评{}", project.name, grade.label());
    who.record(db, "project.review_grade", "project", project.id, unit_id, Some(detail), now).await?;
    Ok(row)
}

#[must_use]
pub fn content_of(g: &review_grades::Model) -> Value {
    json!({
        "project_id": g.project_id,
        "grade": g.grade,
        "note": g.note,
        "set_by": g.set_by,
        "set_at": g.set_at.to_rfc3339_opts(SecondsFormat::Micros, true),
    })
}

/// The content behind a grade entry, rebuilt from its row; `None` when the row is gone.
///
/// # Errors
/// Database failure.
pub async fn content<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Option<Value>> {
    Ok(review_grades::Entity::find_by_id(id).one(db).await?.map(|g| content_of(&g)))
}
