//! 已发出的异议处理期限提醒：每件异议每个阶段一行。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "objection_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub objection_id: i32,
    /// `due_in_3_days`, `due_in_1_day` or `overdue`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
