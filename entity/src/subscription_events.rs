//! 订阅者被告知的公开事件：公示开始、更正、撤销、即将截止、结束，公示结果报告出具或失效。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "subscription_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What makes the event one: recorded once however often it is seen.
    #[sea_orm(unique)]
    pub key: String,
    pub kind: String,
    pub notice_id: i32,
    /// The notice's unit and those above it, `/1/5/12/`.
    pub unit_path: String,
    pub level: i32,
    pub campaign_id: i32,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub path: String,
    pub occurred_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    /// Immediate delivery has written mail for the subscriptions up to this id.
    pub delivered_through: i32,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
