//! 单位：省总工会到申报单位的树。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = UnitSchema))]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub parent_id: Option<i32>,
    /// province, city, new_area, industry, organs, enterprise, county, grassroots_group, applicant
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    #[cfg_attr(feature = "utoipa", schema(value_type = chrono::DateTime<chrono::Utc>))]
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::ParentId", to = "super::units::Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
