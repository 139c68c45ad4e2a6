//! 撤回的推荐：推荐记录的副本，以及撤回的单位、人、时间和理由。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = RecommendationWithdrawalSchema))]
#[sea_orm(table_name = "recommendation_withdrawals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The id the recommendation had (ids are never reused).
    pub recommendation_id: i32,
    pub project_id: i32,
    pub from_unit_id: i32,
    pub to_unit_id: i32,
    pub level: i32,
    pub report_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub over_limit_reason: Option<String>,
    pub recommended_by: Option<i32>,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub recommended_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub withdrawn_by_unit_id: i32,
    pub withdrawn_by: Option<i32>,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub withdrawn_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::projects::Entity", from = "Column::ProjectId", to = "super::projects::Column::Id")]
    Project,
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
