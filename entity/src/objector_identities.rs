//! 异议人身份与联系方式，与异议内容分开保存，可按期删除。各字段以主密钥加密保存（`key_id` 为加密所用密钥的编号，空表示明文或已删除）。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "objector_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub objection_id: i32,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub organization: Option<String>,
    pub contact_person: Option<String>,
    pub erased_at: Option<DateTimeUtc>,
    pub key_id: Option<String>,
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
