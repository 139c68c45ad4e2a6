//! 异议证据材料（存于公开目录之外）。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "objection_attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub objection_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::objections::Entity",
        from = "Column::ObjectionId",
        to = "super::objections::Column::Id"
    )]
    Objection,
}

impl Related<super::objections::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Objection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
