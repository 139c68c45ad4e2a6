//! 已告知的“所依据的公示结果报告失效”：每份报告、每个单位、每种效力一行。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "report_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    /// The standing told of: `void` or `suspended`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub standing: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
