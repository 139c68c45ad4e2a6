//! 异议：内容与处理状态（异议人身份另存）。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "objections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub notice_id: i32,
    pub project_id: Option<i32>,
    pub receipt_code: String,
    pub lookup_key_hash: String,
    pub channel: String,
    pub objector_kind: String,
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub received_at: DateTimeUtc,
    pub claimed_at: Option<DateTimeUtc>,
    pub registered_at: DateTimeUtc,
    pub registered_by: Option<i32>,
    pub status: String,
    pub refusal_reason: Option<String>,
    pub in_time: bool,
    pub assigned_to: Option<i32>,
    pub handling_due_at: DateTimeUtc,
    pub sealed_letter: String,
    /// How the case ended, as told to the objector (read with receipt code and lookup key only).
    #[sea_orm(column_type = "Text")]
    pub conclusion_summary: Option<String>,
    pub concluded_at: Option<DateTimeUtc>,
    pub idempotency_key: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub signature: String,
    /// The public handling summary staff wrote on concluding: what the 公示结果报告 prints.
    #[sea_orm(column_type = "Text")]
    pub public_summary: Option<String>,
    /// The objector asked on the form to be told of each step by e-mail.
    pub notify_by_email: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::notices::Entity", from = "Column::NoticeId", to = "super::notices::Column::Id")]
    Notice,
    #[sea_orm(belongs_to = "super::projects::Entity", from = "Column::ProjectId", to = "super::projects::Column::Id")]
    Project,
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::AssignedTo", to = "super::users::Column::Id")]
    Assignee,
    #[sea_orm(has_many = "super::objection_events::Entity")]
    Events,
    #[sea_orm(has_many = "super::objection_attachments::Entity")]
    Attachments,
}

impl Related<super::notices::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notice.def()
    }
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assignee.def()
    }
}

impl Related<super::objection_events::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Events.def()
    }
}

impl Related<super::objection_attachments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attachments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
