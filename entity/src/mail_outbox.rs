//! 待发和已发的邮件（发件箱）。收件地址加密存放，发出或放弃后抹去。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The RFC 5322 Message-ID, fixed when the message is written: a retry sends the same one.
    pub message_id: String,
    /// What caused it (`objection.received`, …).
    pub kind: String,
    /// The unit whose staff may read this row in the delivery log.
    pub unit_id: Option<i32>,
    pub objection_id: Option<i32>,
    /// The address, sealed under the master key; `None` once delivered or given up.
    #[sea_orm(column_type = "Text")]
    pub recipient_sealed: Option<String>,
    /// The address as the delivery log shows it (z***@example.com).
    pub recipient_masked: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// `pending`, `sending` (claimed), `sent` or `failed` (given up).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    /// The SMTP server's reply to the message's data.
    #[sea_orm(column_type = "Text")]
    pub smtp_reply: Option<String>,
    /// The one-click unsubscribe address (RFC 8058) of a subscription's message.
    #[sea_orm(column_type = "Text")]
    pub list_unsubscribe: Option<String>,
    /// The subscription a message is for: suspended when the server refuses it for good.
    pub subscription_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
