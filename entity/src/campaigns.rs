//! 征集活动：一年一届，带期限、限额与异议规则。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub year: i32,
    pub edition: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub organizer_unit_id: Option<i32>,
    pub notice_days: i32,
    pub closing_minute: i32,
    pub recommend_limit: i32,
    pub handling_days: i32,
    /// Days before a deadline by which the materials are to be ready ("…前" means before that day).
    pub deadline_margin_days: i32,
    pub retention_days: i32,
    pub require_real_name: bool,
    pub refuse_without_evidence: bool,
    #[sea_orm(column_type = "Text")]
    pub award_grades: String,
    pub created_at: DateTimeUtc,
    /// The source document's title (文件标题).
    #[sea_orm(column_type = "Text")]
    pub doc_title: Option<String>,
    /// The day the campaign starts (发文日期); deadlines fall after it.
    pub starts_on: Option<Date>,
    /// A closed campaign takes no new notices.
    pub is_open: bool,
    /// `postmark` or `arrival`: which date decides whether a letter is in time.
    pub letters_by: String,
    /// The lowest grade the provincial notice lists (`third`: 三等奖以上).
    pub province_min_grade: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::OrganizerUnitId", to = "super::units::Column::Id")]
    Organizer,
    #[sea_orm(has_many = "super::campaign_deadlines::Entity")]
    Deadlines,
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organizer.def()
    }
}

impl Related<super::campaign_deadlines::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deadlines.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
