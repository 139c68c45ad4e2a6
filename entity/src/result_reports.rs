//! 公示结果报告：签发后不可更改。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "result_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub notice_id: i32,
    pub revision_id: i32,
    pub code: String,
    pub issued_on: Date,
    pub issued_at: DateTimeUtc,
    pub issued_by: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub sha256: String,
    pub superseded_by: Option<i32>,
    /// Set for a paper report of an offline notice: its scan (`offline_scans`).
    pub paper_scan_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::notices::Entity", from = "Column::NoticeId", to = "super::notices::Column::Id")]
    Notice,
    #[sea_orm(
        belongs_to = "super::notice_revisions::Entity",
        from = "Column::RevisionId",
        to = "super::notice_revisions::Column::Id"
    )]
    Revision,
    #[sea_orm(
        belongs_to = "super::result_reports::Entity",
        from = "Column::SupersededBy",
        to = "super::result_reports::Column::Id"
    )]
    SupersededBy,
    #[sea_orm(has_many = "super::report_outcomes::Entity")]
    Outcomes,
}

impl Related<super::notices::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notice.def()
    }
}

impl Related<super::notice_revisions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Revision.def()
    }
}

impl Related<super::report_outcomes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Outcomes.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
