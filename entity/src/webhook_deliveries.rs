//! 一个事件向一个 Webhook 端点的投递：固定的请求体、状态、尝试次数与下次尝试时间。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub endpoint_id: i32,
    pub ledger_seq: i64,
    /// 0 for the delivery the fan-out made; 1, 2, … for manual replays.
    pub round: i32,
    /// The `webhook-id` header: one per event, the same on every retry and replay.
    pub event_id: String,
    pub event_type: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `pending`, `sending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    /// The receiver's HTTP status at the last attempt; none when it could not be reached.
    pub last_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
    /// The staff member who asked for a replay.
    pub replayed_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
