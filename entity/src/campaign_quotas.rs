//! 推荐数量：下级单位向上级推荐的最少/最多项目数。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaign_quotas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub target_unit_id: i32,
    pub min_projects: Option<i32>,
    pub max_projects: Option<i32>,
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
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::TargetUnitId", to = "super::units::Column::Id")]
    TargetUnit,
}

impl Related<super::campaigns::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
