//! 公示的修订版：发布后不再修改，更正即新修订版。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notice_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub notice_id: i32,
    pub revision_no: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_md: String,
    pub starts_on: Date,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub board_location: Option<String>,
    pub media: Option<String>,
    pub web: bool,
    #[sea_orm(column_type = "Text")]
    pub correction_note: Option<String>,
    pub restarts_period: bool,
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<i32>,
    pub content_hash: Option<String>,
    /// The objection rules in force when it was published (JSON, `campaigns::NoticeRules`).
    #[sea_orm(column_type = "Text")]
    pub rules_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::notices::Entity", from = "Column::NoticeId", to = "super::notices::Column::Id")]
    Notice,
    #[sea_orm(has_many = "super::notice_items::Entity")]
    Items,
}

impl Related<super::notices::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notice.def()
    }
}

impl Related<super::notice_items::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Items.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
