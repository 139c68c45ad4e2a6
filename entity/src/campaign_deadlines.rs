//! 材料报送期限：某活动中报给某单位的截止日。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaign_deadlines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub due_on: Date,
    pub description: Option<String>,
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

impl ActiveModelBehavior for ActiveModel {}
