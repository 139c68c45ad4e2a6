//! What the ledger covers of recommendations: each one when made and each withdrawal of one
//! (the grades the province proposes are covered in `projects::review_grade`). The same functions build the JSON when the
//! record is written and when `gongshi verify` rebuilds it from the rows, so a recommendation
//! inserted, edited or deleted by hand (the limit and the chain read them) breaks the chain. A
//! withdrawn recommendation leaves its table; its entry is then rebuilt from the copy the
//! withdrawal keeps.
use crate::error::AppResult;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{recommendation_withdrawals as withdrawals, recommendations};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

pub const RECOMMENDATION: &str = "recommendation";
pub const WITHDRAWAL: &str = "recommendation_withdrawal";

/// Whether the ledger's `entity_type` is one of these records.
#[must_use]
pub fn covers(entity_type: &str) -> bool {
    [RECOMMENDATION, WITHDRAWAL].contains(&entity_type)
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[must_use]
pub fn recommendation_content(r: &recommendations::Model) -> Value {
    json!({
        "project_id": r.project_id,
        "from_unit_id": r.from_unit_id,
        "to_unit_id": r.to_unit_id,
        "level": r.level,
        "report_id": r.report_id,
        "over_limit_reason": r.over_limit_reason,
        "created_by": r.created_by,
        "created_at": instant(r.created_at),
    })
}

#[must_use]
pub fn withdrawal_content(w: &withdrawals::Model) -> Value {
    json!({
        "recommendation_id": w.recommendation_id,
        "project_id": w.project_id,
        "reason": w.reason,
        "withdrawn_by_unit_id": w.withdrawn_by_unit_id,
        "withdrawn_by": w.withdrawn_by,
        "withdrawn_at": instant(w.withdrawn_at),
    })
}

/// The recommendation as it was made, from a withdrawal's copy of it.
fn as_made(w: &withdrawals::Model) -> recommendations::Model {
    recommendations::Model {
        id: w.recommendation_id,
        project_id: w.project_id,
        from_unit_id: w.from_unit_id,
        to_unit_id: w.to_unit_id,
        level: w.level,
        report_id: w.report_id,
        over_limit_reason: w.over_limit_reason.clone(),
        created_by: w.recommended_by,
        created_at: w.recommended_at,
    }
}

/// The content behind an entry of one of these kinds, rebuilt from the rows; `None` when the
/// row is gone.
///
/// # Errors
/// Database failure.
pub async fn content<C: ConnectionTrait>(db: &C, entity_type: &str, id: i32) -> AppResult<Option<Value>> {
    Ok(match entity_type {
        RECOMMENDATION => match recommendations::Entity::find_by_id(id).one(db).await? {
            Some(r) => Some(recommendation_content(&r)),
            None => withdrawals::Entity::find()
                .filter(withdrawals::Column::RecommendationId.eq(id))
                .one(db)
                .await?
                .map(|w| recommendation_content(&as_made(&w))),
        },
        _ => withdrawals::Entity::find_by_id(id).one(db).await?.map(|w| withdrawal_content(&w)),
    })
}

/// The copy a withdrawal keeps of the recommendation it withdraws.
#[must_use]
pub fn copy_of(
    r: &recommendations::Model,
    reason: String,
    unit_id: i32,
    user_id: Option<i32>,
    now: DateTime<Utc>,
) -> withdrawals::ActiveModel {
    use sea_orm::ActiveValue::{NotSet, Set};
    withdrawals::ActiveModel {
        id: NotSet,
        recommendation_id: Set(r.id),
        project_id: Set(r.project_id),
        from_unit_id: Set(r.from_unit_id),
        to_unit_id: Set(r.to_unit_id),
        level: Set(r.level),
        report_id: Set(r.report_id),
        over_limit_reason: Set(r.over_limit_reason.clone()),
        recommended_by: Set(r.created_by),
        recommended_at: Set(r.created_at),
        reason: Set(reason),
        withdrawn_by_unit_id: Set(unit_id),
        withdrawn_by: Set(user_id),
        withdrawn_at: Set(now),
    }
}
