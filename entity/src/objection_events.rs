//! 异议处理的每一步。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "objection_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub objection_id: i32,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_user_id: Option<i32>,
    pub at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub internal_note: Option<String>,
    /// The note to the objector (read with receipt code and lookup key only, never published;
    /// the column keeps its first name).
    #[sea_orm(column_type = "Text")]
    pub public_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::objections::Entity",
        from = "Column::ObjectionId",
        to = "super::objections::Column::Id"
    )]
    Objection,
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::ActorUserId", to = "super::users::Column::Id")]
    Actor,
}

impl Related<super::objections::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Objection.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
