//! 读者的邮件订阅：范围、频率和状态。地址和链接令牌加密存放，退订宽限期满后抹去。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SHA-256 (hex) of the token in the subscriber's links.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The address and the token, sealed under the master key; `None` once erased.
    #[sea_orm(column_type = "Text")]
    pub contact_sealed: Option<String>,
    /// A keyed digest of the address (limits, repeats, bounces); `None` once erased.
    pub address_digest: Option<String>,
    /// `pending`, `active`, `suspended`, `ended` or `erased`.
    pub state: String,
    /// `unit`, `unit_tree`, `level`, `campaign`, `all` or `closing`.
    pub scope: String,
    pub unit_id: Option<i32>,
    pub level: Option<i32>,
    pub campaign_id: Option<i32>,
    /// `immediate`, `daily` or `weekly`.
    pub frequency: String,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    /// When it was unsubscribed or suspended.
    pub ended_at: Option<DateTimeUtc>,
    /// `unsubscribed`, `bounce` or `complaint`.
    pub end_reason: Option<String>,
    pub erased_at: Option<DateTimeUtc>,
    /// The digest cut up to which events were told (daily and weekly).
    pub digest_through: Option<DateTimeUtc>,
    pub last_mailed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
