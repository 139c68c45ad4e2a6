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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
