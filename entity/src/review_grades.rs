//! 省总工会评审后给出的拟评等级，每次决定一行；项目的拟评等级为其最新一行。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = ReviewGradeSchema))]
#[sea_orm(table_name = "review_grades")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub grade: String,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub set_by: Option<i32>,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub set_at: DateTimeUtc,
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
