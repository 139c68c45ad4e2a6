//! 技术成果（登记表的项目信息）。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A project's own row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = ProjectSchema))]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub applicant_unit_id: i32,
    pub holder_unit_id: i32,
    /// 申报编号
    pub import_key: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub key_technology: String,
    /// 1..=5
    pub eligibility: i32,
    pub exclusions_declared: bool,
    pub proposed_grade: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub created_at: DateTimeUtc,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::campaigns::Entity",
        from = "Column::CampaignId",
        to = "super::campaigns::Column::Id"
    )]
    Campaign,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::ApplicantUnitId", to = "super::units::Column::Id")]
    ApplicantUnit,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::HolderUnitId", to = "super::units::Column::Id")]
    HolderUnit,
    #[sea_orm(has_many = "super::project_units::Entity")]
    CompletingUnits,
    #[sea_orm(has_many = "super::project_completers::Entity")]
    Completers,
    #[sea_orm(has_many = "super::project_ip_items::Entity")]
    IpItems,
}

impl Related<super::campaigns::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl Related<super::project_units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CompletingUnits.def()
    }
}

impl Related<super::project_completers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Completers.def()
    }
}

impl Related<super::project_ip_items::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpItems.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
