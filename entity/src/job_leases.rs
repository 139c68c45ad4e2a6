//! 定时任务的租约：一个任务一行，由一个实例持有时运行。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "job_leases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The instance holding the lease (empty when none has yet).
    pub holder: String,
    pub leased_until: DateTimeUtc,
    pub last_run_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub last_result: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
