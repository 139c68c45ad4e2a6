//! 公示：某单位某层级的一次公示，内容在各修订版中。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub level: i32,
    pub doc_number: Option<String>,
    pub state: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub withdraw_reason: Option<String>,
    /// `online` (published here) or `offline` (张榜/媒体, recorded after the fact).
    pub channel: String,
    /// Where an offline notice was posted (单位公示栏, 《甘肃工人报》…).
    #[sea_orm(column_type = "Text")]
    pub posted_where: Option<String>,
    /// The photo or scan of the posted notice (`offline_scans`).
    pub offline_scan_id: Option<i32>,
    /// The receiving unit's decision on an offline record: `pending`, `accepted`, `rejected`.
    pub offline_review: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub offline_review_reason: Option<String>,
    pub offline_reviewed_by: Option<i32>,
    pub offline_reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::campaigns::Entity",
        from = "Column::CampaignId",
        to = "super::campaigns::Column::Id"
    )]
    Campaign,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::UnitId", to = "super::units::Column::Id")]
    Unit,
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::CreatedBy", to = "super::users::Column::Id")]
    Creator,
    #[sea_orm(has_many = "super::notice_revisions::Entity")]
    Revisions,
}

impl Related<super::campaigns::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl Related<super::notice_revisions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Revisions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
