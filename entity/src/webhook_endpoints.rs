//! 单位登记的 Webhook 端点：地址、订阅的事件类型、签名密钥（主密钥加密保存）与启停状态。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The owning unit: the endpoint hears of events this unit may see.
    pub unit_id: i32,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub description: String,
    /// Event type codes, separated by spaces.
    pub event_types: String,
    #[sea_orm(column_type = "Text")]
    pub secret_sealed: String,
    /// The secret before the last rotation, still signing beside the new one until `previous_until`.
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_secret_sealed: Option<String>,
    pub previous_until: Option<DateTimeUtc>,
    pub enabled: bool,
    pub disabled_at: Option<DateTimeUtc>,
    /// `manual` or `failing`.
    pub disabled_reason: Option<String>,
    /// The ledger head when the endpoint was registered: it hears of later entries only.
    pub from_seq: i64,
    /// The first failed attempt since the last success.
    pub failing_since: Option<DateTimeUtc>,
    pub last_success_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
