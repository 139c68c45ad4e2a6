//! 完成人及排序；电话与身份证号永不公开。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "project_completers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub position: i32,
    pub name: String,
    pub work_unit: Option<String>,
    pub job_title: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub contribution: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub workload: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
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
