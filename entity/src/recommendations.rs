//! 项目由一个单位推荐到上级单位的记录。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "recommendations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub from_unit_id: i32,
    pub to_unit_id: i32,
    pub level: i32,
    pub report_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub over_limit_reason: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::projects::Entity", from = "Column::ProjectId", to = "super::projects::Column::Id")]
    Project,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::FromUnitId", to = "super::units::Column::Id")]
    FromUnit,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::ToUnitId", to = "super::units::Column::Id")]
    ToUnit,
    #[sea_orm(
        belongs_to = "super::result_reports::Entity",
        from = "Column::ReportId",
        to = "super::result_reports::Column::Id"
    )]
    Report,
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::CreatedBy", to = "super::users::Column::Id")]
    Creator,
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::result_reports::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Report.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
