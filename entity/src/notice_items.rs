//! 修订版中的项目及其公开字段快照。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notice_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub revision_id: i32,
    pub project_id: i32,
    pub position: i32,
    pub grade: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::notice_revisions::Entity",
        from = "Column::RevisionId",
        to = "super::notice_revisions::Column::Id"
    )]
    Revision,
    #[sea_orm(belongs_to = "super::projects::Entity", from = "Column::ProjectId", to = "super::projects::Column::Id")]
    Project,
}

impl Related<super::notice_revisions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Revision.def()
    }
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
